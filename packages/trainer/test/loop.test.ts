// The training loop on a tiny model: learning, determinism, resume = uninterrupted,
// metrics log, best model, plot files.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Rng, loadSafetensors } from "@elm/core";
import { train, type LoopConfig } from "../src/loop.js";
import { loadLatestCheckpoint } from "../src/checkpoint.js";
import { classificationTask } from "../src/tasks/classification.js";
import { FirstChannelTask, TinyRnn } from "./helpers/tiny.js";

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "elm-loop-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup(seed = 1) {
  const rng = new Rng(123);
  const task = classificationTask(
    { train: new FirstChannelTask(96, 3, 6, rng.fork("train")), valid: new FirstChannelTask(48, 3, 6, rng.fork("valid")), test: new FirstChannelTask(48, 3, 6, rng.fork("test")) },
    { name: "first-channel", batchSize: 8, evalBatchSize: 48, seed },
  );
  const model = new TinyRnn(3, 12, 3, new Rng(seed).fork("init"));
  return { task, model };
}

const cfg = (out: string, extra: Partial<LoopConfig> = {}): LoopConfig => ({ epochs: 4, lr: 2e-2, optimizer: "adam", seed: 1, out, plot: false, clip: 1, ...extra });

const weights = (m: TinyRnn) => Object.fromEntries(Object.entries(m.params).map(([k, t]) => [k, [...t.data]]));
const strip = (h: { seconds: number; samplesPerSecond: number }[]) => h.map(({ seconds: _s, samplesPerSecond: _p, ...r }) => r);

describe("training loop", () => {
  it("learns, logs metrics.jsonl, keeps the best model, scores the test split", async () => {
    const out = tmp();
    const { task, model } = setup();
    const r = await train({ config: cfg(out, { epochs: 6, plot: true }), model, task });
    expect(r.history).toHaveLength(6);
    expect(r.history[5].trainLoss).toBeLessThan(r.history[0].trainLoss);
    expect(r.best).not.toBeNull();
    expect(r.test!.metric!).toBeGreaterThan(0.6); // chance 1/3
    const lines = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(existsSync(join(out, "best.safetensors"))).toBe(true);
    expect(loadSafetensors(join(out, "best.safetensors")).metadata.epoch).toBe(String(r.best!.epoch));
    expect(readFileSync(join(out, "curve.svg"), "utf8")).toContain("<svg");
    expect([...readFileSync(join(out, "curve.png")).subarray(1, 4)].map((b) => String.fromCharCode(b)).join("")).toBe("PNG");
    expect(JSON.parse(readFileSync(join(out, "result.json"), "utf8")).test.metric).toBe(r.test!.metric);
  }, 30_000);

  it("same seed, same device: the same metrics bit for bit", async () => {
    const a = setup();
    const ra = await train({ config: cfg(tmp()), ...a });
    const b = setup();
    const rb = await train({ config: cfg(tmp()), ...b });
    expect(strip(rb.history)).toEqual(strip(ra.history));
    expect(rb.test).toEqual(ra.test);
    expect(weights(b.model)).toEqual(weights(a.model));
    const c = setup(2);
    const rc = await train({ config: cfg(tmp(), { seed: 2 }), ...c });
    expect(strip(rc.history)).not.toEqual(strip(ra.history));
  }, 30_000);

  it("stopped mid-epoch and resumed: the same final weights as an uninterrupted run", async () => {
    const full = setup();
    const rf = await train({ config: cfg(tmp(), { checkpointEvery: 5 }), ...full });

    const out = tmp();
    const part = setup();
    const ac = new AbortController();
    const r1 = await train({ config: cfg(out, { checkpointEvery: 5 }), ...part, onStep: (s) => s === 17 && ac.abort(), signal: ac.signal });
    expect(r1.interrupted).toBe(true);
    expect(r1.steps).toBe(17);
    const ck = loadLatestCheckpoint(out)!;
    expect(ck.state.step).toBe(17);
    expect(ck.state.batchInEpoch).toBe(5); // 12 steps per epoch

    const again = setup();
    const r2 = await train({ config: cfg(out, { checkpointEvery: 5, resume: true }), ...again });
    expect(r2.interrupted).toBe(false);
    expect(weights(again.model)).toEqual(weights(full.model));
    expect(strip(r2.history)).toEqual(strip(rf.history));
    expect(r2.test).toEqual(rf.test);
    expect(readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n")).toHaveLength(4);
  }, 30_000);

  it("--resume refuses a checkpoint made with another configuration", async () => {
    const out = tmp();
    const a = setup();
    await train({ config: cfg(out, { epochs: 1 }), ...a, runConfig: { lr: 0.02, seed: 1 } });
    const b = setup();
    await expect(train({ config: cfg(out, { epochs: 2, resume: true }), ...b, runConfig: { lr: 0.05, seed: 1 } })).rejects.toThrow(/lr: checkpoint 0.02, now 0.05/);
  });
});
