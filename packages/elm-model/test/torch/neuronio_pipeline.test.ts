// The whole NeuronIO evaluation pipeline offline: the built-in teacher writes a
// NeuronIO-format file, the reader parses it as the authors' parse_sim_experiment_file,
// the authors' pre-trained ELM predicts it window by window, and it is scored as theirs.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Tensor, noGrad } from "@elm/core";
import { sharedFixture } from "@elm/core/testing";
import { loadPretrained, neuronioEvalForward } from "../../src/torch/pretrained.js";
import { computeTestPredictions, filterAndExtractCoreResults, generateTeacherFile, readNeuronioSparse } from "@elm/datasets";

const DIR = sharedFixture("pretrained", "neuronio_num_memory_10");

describe("NeuronIO pipeline offline (teacher → reader → pre-trained ELM → evaluation)", () => {
  it("runs end to end and gives the authors' metrics", async () => {
    const sim = readNeuronioSparse(generateTeacherFile({ numSimulations: 4, simDurationSec: 2, seed: 11, wExc: 8 }), "teacher.p");
    const model = await loadPretrained(join(DIR, "neuronio_best_model_state.pt"), join(DIR, "model_config.json"), { dtype: "float32", device: "cpu" });
    let calls = 0;
    const p = computeTestPredictions(
      sim,
      (x, shape) => { calls++; return noGrad(() => neuronioEvalForward(model, Tensor.fromArray(x, shape, { dtype: "float32", device: "cpu" }))).data as Float32Array; },
      { burnInTime: 150, inputWindowSize: 500 },
    );
    expect(calls).toBe(Math.trunc(2 + (2000 - 500) / 350));
    const r = filterAndExtractCoreResults(p, { numSpikesPerSim: [0, 1000] });
    expect(sim.ySpike.reduce((a, b) => a + b, 0)).toBeGreaterThan(4);
    for (const v of Object.values(r)) expect(Number.isFinite(v)).toBe(true);
    expect(r.AUC).toBeGreaterThanOrEqual(0);
    expect(r.AUC).toBeLessThanOrEqual(1);
    expect(r.soma_RMSE).toBeGreaterThan(0);
    // spike probabilities are sigmoids
    for (const v of p.ySpikesHat) expect(v >= 0 && v <= 1).toBe(true);
  });
});
