// The authors' published pre-trained NeuronIO ELM (d_m = 10; ELM v1 with 45
// branches × 100 synapses, neuronio routing) through ElmNeuron: its
// model_config.json builds the model, its state dict loads by the authors'
// keys, and the raw and NeuronIO-evaluation outputs match the reference
// (computed in float64 from the float32 weights).
import { describe, expect, it } from "vitest";
import { Tensor, type DType, type Device } from "@elm/core";
import { readSharedFixture, readSharedJson } from "@elm/core/testing";
import { ElmNeuron, type ElmNeuronConfig } from "../../src/index.js";
import { readTorchStateDict } from "../../src/torch/read.js";
import { expectCloseRel } from "./fixtures.js";

const dir = ["pretrained", "neuronio_num_memory_10"];
const config = readSharedJson<ElmNeuronConfig>(...dir, "model_config.json");
const expected = readSharedJson<{
  input_shape: number[]; input_nonzero: [number, number, number, number][];
  raw_output: { shape: number[]; data: number[] }; neuronio_eval_output: { shape: number[]; data: number[] };
}>(...dir, "expected.json");
const stateDict = readTorchStateDict(readSharedFixture(...dir, "neuronio_best_model_state.pt"));

function denseInput(dtype: DType, device: Device): Tensor {
  const [B, T, C] = expected.input_shape;
  const x = new Float64Array(B * T * C);
  for (const [b, t, c, v] of expected.input_nonzero) x[(b * T + t) * C + c] = v;
  return Tensor.fromArray(x, [B, T, C], { dtype, device });
}

describe("pre-trained NeuronIO ELM through ElmNeuron", () => {
  for (const device of ["ref", "cpu"] as Device[]) {
    for (const dtype of ["float64", "float32"] as DType[]) {
      it(`raw and evaluation outputs on ${device} in ${dtype}`, () => {
        const m = new ElmNeuron(config, { dtype, device });
        m.loadStateDict(stateDict);
        expect(m.trainableParameterCount()).toBe(5852);
        const tol = dtype === "float64" ? 1e-10 : 1e-4;
        const x = denseInput(dtype, device);
        const y = m.forward(x);
        expect([...y.shape]).toEqual(expected.raw_output.shape);
        expectCloseRel(y.data, expected.raw_output.data, tol, "raw output");
        const e = m.neuronioEvalForward(x);
        // spike probabilities are O(1e-6): compare each channel on its own scale
        const pick = (a: ArrayLike<number>, ch: number) => Array.from(a).filter((_, i) => i % 2 === ch);
        expectCloseRel(pick(e.data, 0), pick(expected.neuronio_eval_output.data, 0), tol, "spike probability");
        expectCloseRel(pick(e.data, 1), pick(expected.neuronio_eval_output.data, 1), tol, "soma");
      });
    }
  }
});
