// Builds an optimizer by name from the training config.
import { Adam } from "./adam.js";
import { AdamW } from "./adamw.js";
import { Adamax } from "./adamax.js";
import type { NamedParam, Optimizer } from "./optimizer.js";
import { Sgd } from "./sgd.js";

export const OPTIMIZERS = ["adam", "adamw", "adamax", "sgd"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface OptimizerConfig {
  optimizer: OptimizerName;
  lr: number;
  weightDecay?: number;
  momentum?: number;
  betas?: [number, number];
  eps?: number;
}

export function createOptimizer(params: NamedParam[], c: OptimizerConfig): Optimizer {
  switch (c.optimizer) {
    case "adam":
      return new Adam(params, { lr: c.lr, weightDecay: c.weightDecay ?? 0, betas: c.betas, eps: c.eps });
    case "adamw":
      return new AdamW(params, { lr: c.lr, weightDecay: c.weightDecay ?? 1e-2, betas: c.betas, eps: c.eps });
    case "adamax":
      return new Adamax(params, { lr: c.lr, weightDecay: c.weightDecay ?? 0, betas: c.betas, eps: c.eps });
    case "sgd":
      return new Sgd(params, { lr: c.lr, weightDecay: c.weightDecay ?? 0, momentum: c.momentum ?? 0.9 });
    default:
      throw new Error(`unknown optimizer '${String(c.optimizer)}'; expected one of ${OPTIMIZERS.join(", ")}`);
  }
}
