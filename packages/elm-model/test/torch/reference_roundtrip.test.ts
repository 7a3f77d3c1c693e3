// Every reference model of the authors (ELM v1 and Branch-ELM; no, random and
// neuronio routing; relu and silu) written as a torch state dict, read back
// and loaded from its model_config: its output equals the authors' output.
import { describe, expect, it } from "vitest";
import { Tensor, noGrad } from "@elm/core";
import { pretrainedFromStateDict } from "../../src/torch/pretrained.js";
import { readTorchStateDict } from "../../src/torch/read.js";
import { writeTorchStateDict } from "../../src/torch/write.js";
import type { RawTensor } from "../../src/torch/rawTensor.js";
import { loadRefFixtures } from "../model/fixtures.js";

describe("reference models through .pt", () => {
  for (const ref of loadRefFixtures()) {
    it(ref.name, () => {
      const routing = ref.config.input_to_synapse_routing;
      const sd = new Map<string, RawTensor>();
      for (const [k, a] of Object.entries(ref.params)) {
        if (k === "input_to_synapse_indices" || k === "valid_indices_mask") {
          if (routing == null) sd.set(k, { dtype: "float32", shape: [0], data: new Float32Array(0) });
          else if (k === "valid_indices_mask" && routing === "neuronio_routing") sd.set(k, { dtype: "bool", shape: a.shape, data: Uint8Array.from(a.data) });
          else sd.set(k, { dtype: "int64", shape: a.shape, data: BigInt64Array.from(a.data, (v) => BigInt(v)) });
        } else sd.set(k, { dtype: "float64", shape: a.shape, data: Float64Array.from(a.data) });
      }
      const model = pretrainedFromStateDict(readTorchStateDict(writeTorchStateDict(sd)), ref.config, { dtype: "float64" });
      expect(model.constructor.name).toBe(ref.model === "elm_v1" ? "ElmNeuron" : "BranchElm");
      const y = noGrad(() => model.forward(Tensor.fromArray(ref.input.data, ref.input.shape, { dtype: "float64" })));
      expect([...y.shape]).toEqual(ref.output.shape);
      const got = y.toArray();
      let m = 0;
      for (let i = 0; i < got.length; i++) m = Math.max(m, Math.abs(got[i]! - ref.output.data[i]!));
      expect(m).toBeLessThan(1e-10);
    });
  }
});
