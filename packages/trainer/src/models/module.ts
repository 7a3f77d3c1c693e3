// Adapter for @elm/model modules whose forward maps x [B,T,d_in] to outputs
// [B,T,d_out] with no dropout hook (ElmNetwork, ChronoLstm). Training uses the
// async forward where the model has one (native kernel off the JS thread).
import type { Tensor } from "@elm/core";
import type { Module } from "@elm/model";
import type { ForwardContext, TrainableModel } from "../model.js";

export interface ForwardModule extends Module {
  forward(x: Tensor): Tensor;
  forwardAsync?(x: Tensor): Promise<Tensor>;
  describe(): unknown;
}

export class ModuleAdapter implements TrainableModel {
  constructor(readonly kind: string, readonly module: ForwardModule) {}
  namedParameters(): [string, Tensor][] {
    return this.module.namedParameters();
  }
  forward(x: Tensor, ctx: ForwardContext): Tensor | Promise<Tensor> {
    this.module.train(ctx.training);
    if (ctx.training && typeof this.module.forwardAsync === "function") return this.module.forwardAsync(x);
    return this.module.forward(x);
  }
  stateDict(): Record<string, Tensor> {
    return this.module.stateDict();
  }
  loadStateDict(sd: Record<string, Tensor>): void {
    this.module.loadStateDict(sd);
  }
  describe(): Record<string, unknown> {
    return { kind: this.kind, config: this.module.describe() as Record<string, unknown> };
  }
}
