import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { noGrad } from "@elm/core";
import { sharedFixture } from "@elm/core/testing";
import { ElmNeuron } from "../../src/elm_neuron.js";
import { BranchElm } from "../../src/branch_elm.js";
import {
  denseFromSparse, exportPretrained, loadPretrained, neuronioEvalForward, predictFromFiles, pretrainedFromStateDict, stateDictForTorch,
  type SparseInput,
} from "../../src/torch/pretrained.js";
import { readTorchStateDict } from "../../src/torch/read.js";

const DIR = sharedFixture("pretrained", "neuronio_num_memory_10");
const PT = join(DIR, "neuronio_best_model_state.pt");
const CFG = join(DIR, "model_config.json");
const EXPECTED = join(DIR, "expected.json");
const expected = JSON.parse(readFileSync(EXPECTED, "utf8")) as SparseInput & {
  raw_output: { shape: number[]; data: number[] };
  neuronio_eval_output: { shape: number[]; data: number[] };
  trainable_parameter_count: number;
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe("the authors' pre-trained NeuronIO ELM (d_m = 10) through ElmNeuron", () => {
  it("loads as ELM v1 with the published parameter count and reproduces raw and NeuronIO-eval outputs to 1e-5", async () => {
    const model = await loadPretrained(PT, CFG);
    expect(model).toBeInstanceOf(ElmNeuron);
    expect(model.trainableParameterCount()).toBe(expected.trainable_parameter_count);
    const x = denseFromSparse(expected);
    expect(x.shape).toEqual([2, 400, 1278]);
    const y = noGrad(() => model.forward(x));
    expect([...y.shape]).toEqual(expected.raw_output.shape);
    const dRaw = maxAbsDiff(y.toArray(), expected.raw_output.data);
    expect(dRaw).toBeLessThan(1e-5);
    const ev = neuronioEvalForward(model, x);
    const dEval = maxAbsDiff(ev.toArray(), expected.neuronio_eval_output.data);
    expect(dEval).toBeLessThan(1e-5);
    // measured in float64: far inside the tolerance
    expect(dRaw).toBeLessThan(1e-9);
  });

  it("also within 1e-5 in float32 and on the native cpu device", async () => {
    for (const [dtype, device, tol] of [["float32", "ref", 1e-5], ["float64", "cpu", 1e-9]] as const) {
      const model = await loadPretrained(PT, CFG, { dtype, device });
      const x = denseFromSparse(expected, dtype, device);
      expect([dtype, device, maxAbsDiff(noGrad(() => model.forward(x)).toArray(), expected.raw_output.data) < tol]).toEqual([dtype, device, true]);
      expect(maxAbsDiff(neuronioEvalForward(model, x).toArray(), expected.neuronio_eval_output.data)).toBeLessThan(tol);
    }
  });

  it("exports to .pt and loads back to identical outputs (and the same tensors as the authors' file)", async () => {
    const model = await loadPretrained(PT, CFG);
    const { pt, config } = exportPretrained(model);
    const orig = readTorchStateDict(new Uint8Array(readFileSync(PT)));
    const back = readTorchStateDict(pt);
    expect([...back.keys()]).toEqual([...orig.keys()]);
    for (const [k, t] of orig) {
      const u = back.get(k)!;
      expect([k, u.dtype, u.shape]).toEqual([k, t.dtype, t.shape]);
      expect(Buffer.from(u.data.buffer, u.data.byteOffset, u.data.byteLength).equals(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))).toBe(true);
    }
    const dir = mkdtempSync(join(tmpdir(), "elm-torchio-"));
    writeFileSync(join(dir, "m.pt"), pt);
    writeFileSync(join(dir, "model_config.json"), config);
    const again = await loadPretrained(join(dir, "m.pt"), join(dir, "model_config.json"));
    const x = denseFromSparse(expected);
    const a = noGrad(() => model.forward(x)).toArray(), b = noGrad(() => again.forward(x)).toArray();
    expect(maxAbsDiff(a, b)).toBe(0);
  });

  it("a Branch-ELM and an unrouted ELM round-trip through .pt too", () => {
    const v2 = new BranchElm({ num_input: 12, num_output: 3, num_memory: 5, num_branch: 4, num_synapse_per_branch: 6, input_to_synapse_routing: "random_routing", mlp_activation: "silu", tau_b_value: 3 }, { seed: 3, dtype: "float64" });
    const plain = new ElmNeuron({ num_input: 6, num_output: 2, num_memory: 4 }, { seed: 4, dtype: "float64" });
    for (const m of [v2, plain]) {
      const { pt, config } = exportPretrained(m, { floatDType: "float64" });
      const back = pretrainedFromStateDict(readTorchStateDict(pt), config, { dtype: "float64" });
      expect(back.constructor).toBe(m.constructor);
      const x = denseFromSparse({ input_shape: [1, 7, m.config.num_input], input_nonzero: [[0, 0, 1, 1], [0, 3, 2, -1], [0, 5, 0, 0.5]] });
      expect(maxAbsDiff(noGrad(() => m.forward(x)).toArray(), noGrad(() => back.forward(x)).toArray())).toBe(0);
    }
    const sd = stateDictForTorch(plain);
    expect(sd.get("input_to_synapse_indices")).toMatchObject({ dtype: "float32", shape: [0] });
    expect(stateDictForTorch(v2).get("valid_indices_mask")!.dtype).toBe("int64");
  });

  it("predictFromFiles writes { raw_output, neuronio_eval_output } for `elm predict`", async () => {
    const dir = mkdtempSync(join(tmpdir(), "elm-predict-"));
    const inp = join(dir, "input.json");
    writeFileSync(inp, JSON.stringify({ input_shape: [1, 50, 1278], input_nonzero: expected.input_nonzero.filter((r) => r[0] === 0 && r[1] < 50) }));
    const out = join(dir, "out.json");
    const r = await predictFromFiles({ checkpoint: PT, config: CFG, input: inp, out });
    const written = JSON.parse(readFileSync(out, "utf8"));
    expect(written.raw_output.shape).toEqual([1, 50, 2]);
    expect(written).toEqual(r);
    // the first 50 steps of batch 0 equal the full run's (causal model)
    for (let t = 0; t < 50; t++) for (let c = 0; c < 2; c++) {
      expect(Math.abs(written.raw_output.data[t * 2 + c] - expected.raw_output.data[t * 2 + c])).toBeLessThan(1e-9);
    }
    writeFileSync(inp, JSON.stringify({ input_shape: [1, 5, 1278], input_nonzero: [[0, 9, 0, 1]] }));
    await expect(predictFromFiles({ checkpoint: PT, config: CFG, input: inp, out })).rejects.toThrow(/input_nonzero\[0\] = \[0,9,0,1\] lies outside input_shape \[1, 5, 1278\]/);
    writeFileSync(inp, "{");
    await expect(predictFromFiles({ checkpoint: PT, config: CFG, input: inp, out })).rejects.toThrow(/input\.json: not valid JSON/);
  });

  it("predictFromFiles({ modelDir, inputs }) as `elm predict --model <dir> --input …` calls it: sparse JSON and NeuronIO files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "elm-predict-dir-"));
    writeFileSync(join(dir, "neuronio_best_model_state.pt"), readFileSync(PT));
    writeFileSync(join(dir, "model_config.json"), readFileSync(CFG));
    const inp = join(dir, "x.json");
    writeFileSync(inp, JSON.stringify({ input_shape: [1, 20, 1278], input_nonzero: expected.input_nonzero.filter((r) => r[0] === 0 && r[1] < 20) }));
    const sim = sharedFixture("neuronio", "sim__small_2x1000ms.p");
    const out = join(dir, "pred.json");
    const r = await predictFromFiles({ modelDir: dir, inputs: [inp, sim], out, device: "cpu" });
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(r);
    const [a, b] = r.predictions as unknown as [{ raw_output: { data: number[] } }, { simulations: number; results: Record<string, number> }];
    for (let i = 0; i < 40; i++) expect(Math.abs(a.raw_output.data[i]! - expected.raw_output.data[i]!)).toBeLessThan(1e-9);
    expect(b.simulations).toBe(2);
    expect(Object.keys(b.results)).toContain("AUC");
    for (const v of Object.values(b.results)) expect(Number.isFinite(v)).toBe(true);
    await expect(predictFromFiles({ modelDir: join(dir, "nope"), inputs: [inp] })).rejects.toThrow(/cannot read the folder/);
    writeFileSync(join(dir, "second.pt"), readFileSync(PT));
    await expect(predictFromFiles({ modelDir: dir, inputs: [inp] })).rejects.toThrow(/expected exactly one \.pt state dict, found 2/);
  });

  it("refuses a config that does not fit the weights", () => {
    const sd = readTorchStateDict(new Uint8Array(readFileSync(PT)));
    const cfg = JSON.parse(readFileSync(CFG, "utf8"));
    expect(() => pretrainedFromStateDict(sd, { ...cfg, num_memory: 11 })).toThrow(/shape/);
    expect(() => pretrainedFromStateDict(sd, { ...cfg, tau_b_value: 5 })).toThrow(/Branch-ELM \(tau_b_value\) but the state dict has no tau_b/);
  });
});
