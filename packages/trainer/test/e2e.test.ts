// End to end through the CLI on a small synthetic SHD-Adding: train, eval,
// resume after the run is done, and the other model kinds build and step.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCliCaptured } from "./helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "elm-e2e-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = runCliCaptured;

const common = ["--task", "shd-adding", "--synthetic", "--train-samples", "200", "--test-samples", "60", "--data-dir", join(dir, "data"), "--bin-ms", "50", "--samples-per-epoch", "64", "--eval-samples", "32", "--batch-size", "16", "--no-progress", "--threads", "1"];

describe("elm train / eval end to end (synthetic SHD-Adding)", () => {
  it("trains a Branch-ELM, writes the run folder, evaluates it, and --resume of a finished run changes nothing", async () => {
    const out = join(dir, "run");
    const r = await cli("train", ...common, "--model", "branch-elm", "--d-m", "8", "--d-tree", "20", "--d-brch", "35", "--epochs", "2", "--out", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    for (const f of ["metrics.jsonl", "best.safetensors", "curve.svg", "curve.png", "result.json", "checkpoints/latest.json"]) expect(existsSync(join(out, f))).toBe(true);
    const res = JSON.parse(readFileSync(join(out, "result.json"), "utf8"));
    expect(res.history).toHaveLength(2);
    expect(res.config.modelConfig.dTree).toBe(20);
    // config.json beside the run for `elm eval`
    const e = await cli("eval", "--run", out, "--json");
    expect(e.err).toBe("");
    const ev = JSON.parse(e.out);
    expect(ev.split).toBe("test");
    expect(ev.metric).toBe(res.test.metric); // the same best weights on the same test pairs
    const again = await cli("train", ...common, "--model", "branch-elm", "--d-m", "8", "--d-tree", "20", "--d-brch", "35", "--epochs", "2", "--out", out, "--resume");
    expect(again.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "result.json"), "utf8")).test).toEqual(res.test);
  }, 60_000);

  it("elm, network and lstm models build from flags and train a step", async () => {
    for (const [model, extra] of [
      ["elm", ["--d-m", "4", "--dropout", "0.5"]],
      ["network", ["--neurons", "4", "--d-m", "2", "--d-tree", "2", "--d-brch", "4"]],
      ["lstm", ["--hidden", "8"]],
    ] as const) {
      const out = join(dir, `run-${model}`);
      const r = await cli("train", ...common, "--model", model, ...extra, "--epochs", "1", "--steps-per-epoch", "1", "--out", out);
      expect(r.err, model).toBe("");
      expect(r.code, model).toBe(0);
      expect(JSON.parse(readFileSync(join(out, "result.json"), "utf8")).steps, model).toBe(1);
    }
    const bad = await cli("train", ...common, "--model", "lstm", "--dropout", "0.3", "--epochs", "1", "--out", join(dir, "bad"));
    expect(bad.err).toContain("--dropout: --model lstm has no dropout");
  }, 60_000);

  it("--task enwik8 --synthetic: byte-level language modelling scored in bits per character", async () => {
    const out = join(dir, "run-lm");
    const r = await cli("train", "--task", "enwik8", "--synthetic", "--model", "branch-elm", "--d-m", "8", "--seq-len", "32", "--batch-size", "8", "--eval-batch-size", "64", "--steps-per-epoch", "3", "--epochs", "1", "--max-valid-batches", "2", "--data-dir", join(dir, "data"), "--no-progress", "--threads", "1", "--out", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const res = JSON.parse(readFileSync(join(out, "result.json"), "utf8"));
    expect(res.steps).toBe(3);
    expect(res.test.metric).toBeCloseTo(res.test.loss / Math.LN2, 12); // bpc = nats / ln 2
    expect(res.test.metric).toBeGreaterThan(0);
    expect(res.test.metric).toBeLessThan(9); // near log2(256) = 8 after 3 steps
  }, 60_000);

  it("--task neuronio --synthetic: teacher-neuron files, BCE + soma MSE after the burn-in, AUC and soma RMSE", async () => {
    const out = join(dir, "run-nio");
    const r = await cli("train", "--task", "neuronio", "--synthetic", "--model", "branch-elm", "--d-m", "4", "--d-tree", "45", "--d-brch", "30", "--sample-ms", "200", "--burn-in-ms", "50", "--steps-per-epoch", "3", "--epochs", "1", "--batch-size", "4", "--eval-batch-size", "32", "--data-dir", join(dir, "data"), "--no-progress", "--threads", "1", "--out", out);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const res = JSON.parse(readFileSync(join(out, "result.json"), "utf8"));
    expect(res.steps).toBe(3);
    expect(res.test.metric).toBeGreaterThan(0);
    expect(res.test.metric).toBeLessThan(1);
    expect(res.test.extra.somaRmseMv).toBeGreaterThan(0);
    expect(res.history[0].valExtra.somaRmseMv).toBeGreaterThan(0);
    const miss = await cli("train", "--task", "neuronio", "--data-dir", join(dir, "nowhere"), "--no-progress", "--out", join(dir, "run-nio2"));
    expect(miss.err).toContain("no simulation files (*sim__*.p)");
  }, 60_000);
});
