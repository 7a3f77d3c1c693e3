// An input embedding with PyTorch's name and init: `weight` [V, D] ~ N(0, 1) (nn.Embedding).
import { Tensor, embedding, type DType, type Device, type Rng } from "@elm/core";
import { Module } from "../module.js";

export class Embedding extends Module {
  constructor(readonly numEmbeddings: number, readonly dim: number, rng: Rng, opts: { dtype: DType; device: Device }) {
    super();
    const w = new Float64Array(numEmbeddings * dim);
    for (let i = 0; i < w.length; i++) w[i] = rng.normal();
    this.registerParameter("weight", Tensor.fromArray(w, [numEmbeddings, dim], opts));
  }

  get weight(): Tensor {
    return this.own("weight");
  }

  /** int32 ids of any shape → [...ids.shape, dim]. */
  forward(ids: Tensor): Tensor {
    return embedding(this.weight, ids);
  }
}
