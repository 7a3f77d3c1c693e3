// Real models fit a small synthetic task through the whole loop: which of C
// channels fires first (every channel fires once, so a model must keep the
// order in memory; chance is 1/C).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Rng } from "@elm/core";
import { train } from "../src/loop.js";
import { ElmNetwork } from "@elm/model";
import { makeElm } from "../src/models/elm.js";
import { ModuleAdapter } from "../src/models/module.js";
import { classificationTask } from "../src/tasks/classification.js";
import { FirstChannelTask } from "./helpers/tiny.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function firstChannel(C: number, T: number) {
  const rng = new Rng(11);
  return classificationTask(
    { train: new FirstChannelTask(512, C, T, rng.fork("train")), valid: new FirstChannelTask(128, C, T, rng.fork("valid")), test: new FirstChannelTask(256, C, T, rng.fork("test")) },
    { name: "first channel", batchSize: 16, evalBatchSize: 128, seed: 0 },
  );
}

describe("models fit a small synthetic task", () => {
  it("Branch-ELM (cpu) reaches ≥ 90 % test accuracy (chance 25 %)", async () => {
    const task = firstChannel(4, 12);
    const model = makeElm(
      "branch-elm",
      { num_input: 4, num_output: 4, num_memory: 16, num_branch: 4, num_synapse_per_branch: 1, memory_tau_max: 50, learn_memory_tau: true },
      { seed: 1, dtype: "float32", device: "cpu", dropout: 0 },
    );
    const out = mkdtempSync(join(tmpdir(), "elm-fit-"));
    dirs.push(out);
    const t0 = performance.now();
    const r = await train({ model, task, config: { epochs: 12, lr: 2e-2, optimizer: "adamax", schedule: "cosine", clip: 1, seed: 0, device: "cpu", out, plot: false } });
    const seconds = (performance.now() - t0) / 1000;
    console.log(`Branch-ELM first-channel: test accuracy ${r.test!.metric} after ${r.steps} steps, ${seconds.toFixed(1)} s; epoch 1 valid ${r.history[0].valMetric}`);
    expect(r.test!.metric!).toBeGreaterThanOrEqual(0.9);
    expect(seconds).toBeLessThan(20);
  }, 60_000);

  it("ELM neuron v1 with dropout 0.1 on m_t (cpu) reaches ≥ 85 %", async () => {
    const task = firstChannel(4, 12);
    const model = makeElm("elm", { num_input: 4, num_output: 4, num_memory: 16, memory_tau_max: 50, learn_memory_tau: true }, { seed: 2, dtype: "float32", device: "cpu", dropout: 0.1 });
    const out = mkdtempSync(join(tmpdir(), "elm-fit-"));
    dirs.push(out);
    const r = await train({ model, task, config: { epochs: 12, lr: 2e-2, optimizer: "adamax", clip: 1, seed: 0, device: "cpu", out, plot: false } });
    console.log(`ELM v1 (dropout 0.1) first-channel: test accuracy ${r.test!.metric}`);
    expect(r.test!.metric!).toBeGreaterThanOrEqual(0.85);
  }, 60_000);

  it("the native (cpu) model trains deterministically: same seed, same metrics and weights bit for bit", async () => {
    const run = async () => {
      const model = makeElm("branch-elm", { num_input: 4, num_output: 4, num_memory: 8, num_branch: 4 }, { seed: 3, dtype: "float32", device: "cpu", dropout: 0.2 });
      const out = mkdtempSync(join(tmpdir(), "elm-fit-"));
      dirs.push(out);
      const r = await train({ model, task: firstChannel(4, 12), config: { epochs: 2, lr: 1e-2, optimizer: "adam", seed: 5, device: "cpu", out, plot: false } });
      return { h: r.history.map(({ seconds: _a, samplesPerSecond: _b, ...x }) => x), w: model.namedParameters().map(([k, t]) => [k, [...t.data]]) };
    };
    const a = await run();
    const b = await run();
    expect(b.h).toEqual(a.h);
    expect(b.w).toEqual(a.w);
  }, 60_000);

  it("ELM Network (N = 8, cpu) reaches ≥ 90 %", async () => {
    const task = firstChannel(4, 12);
    const net = new ElmNetwork(
      { num_input: 4, num_output: 4, num_neurons: 8, num_branch: 2, num_synapse_per_branch: 4, num_memory: 6, memory_tau_max: 50, learn_memory_tau: true },
      { seed: 4, dtype: "float32", device: "cpu" },
    );
    const out = mkdtempSync(join(tmpdir(), "elm-fit-"));
    dirs.push(out);
    const t0 = performance.now();
    const r = await train({ model: new ModuleAdapter("network", net), task, config: { epochs: 12, lr: 2e-2, optimizer: "adamax", clip: 1, seed: 0, device: "cpu", out, plot: false } });
    console.log(`ELM Network first-channel: test accuracy ${r.test!.metric} (${((performance.now() - t0) / 1000).toFixed(1)} s); epoch 1 valid ${r.history[0].valMetric}`);
    expect(r.test!.metric!).toBeGreaterThanOrEqual(0.9);
  }, 60_000);
});
