// Builds the model a config asks for (adapters over @elm/model).
import type { Rng } from "@elm/core";
import type { TrainConfig } from "../config.js";
import type { TrainableModel } from "../model.js";

export function buildModel(c: TrainConfig, dIn: number, dOut: number, rng: Rng): TrainableModel {
  void dIn;
  void dOut;
  void rng;
  throw new Error(`--model ${c.model}: @elm/model is not merged into this build yet`);
}
