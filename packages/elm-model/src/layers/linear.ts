// A linear layer with PyTorch's names and layout: `weight` [out, in], `bias` [out],
// initialised uniform ±1/√in (nn.Linear). With `stack` = N it holds one layer per
// neuron of a network: `weight` [N, out, in], `bias` [N, out].
import { add, matmul, type DType, type Device, type Rng, type Tensor } from "@elm/core";
import { linearInit } from "../init.js";
import { Module } from "../module.js";

export class Linear extends Module {
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    rng: Rng,
    opts: { dtype: DType; device: Device; stack?: number },
  ) {
    super();
    const { weight, bias } = linearInit(outFeatures, inFeatures, rng, opts, opts.stack ?? 0);
    this.registerParameter("weight", weight);
    this.registerParameter("bias", bias);
  }

  get weight(): Tensor {
    return this.own("weight");
  }
  get bias(): Tensor {
    return this.own("bias");
  }

  /** y = x Wᵀ + b over the last axis (unstacked layers only). */
  forward(x: Tensor): Tensor {
    if (this.weight.ndim !== 2) throw new Error(`Linear.forward: a stacked layer (weight [${this.weight.shape.join(",")}]) is applied by the fused network op, not here`);
    return add(matmul(x, this.weight, { transB: true }), this.bias);
  }
}
