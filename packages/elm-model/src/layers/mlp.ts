// The authors' MLP: `network` is an nn.Sequential of [Linear, act]·l_mlp + [Linear],
// so the k-th linear layer is `network.{2k}` (`mlp.network.0.weight`, `mlp.network.2.weight`, …).
// The ELM models never run it directly: its weights are inputs of the fused op.
import type { DType, Device, Rng, Tensor } from "@elm/core";
import { Module } from "../module.js";
import { Linear } from "./linear.js";

/** A container whose children are named by their index in the authors' Sequential. */
export class Sequential extends Module {
  add(index: number, m: Module): void {
    this.registerModule(String(index), m);
  }
}

export class Mlp extends Module {
  readonly network: Sequential;
  readonly numLinear: number;

  /** l_mlp hidden layers of `hidden`, then a linear layer to `out`; `stack` = N gives one MLP per neuron. */
  constructor(input: number, hidden: number, out: number, numLayers: number, rng: Rng, opts: { dtype: DType; device: Device; stack?: number }) {
    super();
    this.network = this.registerModule("network", new Sequential());
    let nIn = input;
    for (let k = 0; k < numLayers; k++) {
      this.network.add(2 * k, new Linear(nIn, hidden, rng, opts));
      nIn = hidden;
    }
    this.network.add(2 * numLayers, new Linear(nIn, out, rng, opts));
    this.numLinear = numLayers + 1;
  }

  /** The k-th linear layer (k < l_mlp + 1). */
  layer(k: number): Linear {
    const found = this.network.namedChildren().find(([n]) => n === String(2 * k));
    if (!found) throw new RangeError(`Mlp: no linear layer ${k} (it has ${this.numLinear})`);
    return found[1] as Linear;
  }

  get weights(): Tensor[] {
    return Array.from({ length: this.numLinear }, (_, k) => this.layer(k).weight);
  }
  get biases(): Tensor[] {
    return Array.from({ length: this.numLinear }, (_, k) => this.layer(k).bias);
  }
}
