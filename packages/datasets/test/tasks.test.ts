import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DatasetFileError, loadSpikingTask, ShdAddingDataset, type Batch } from "../src/index.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const synthetic = { trainSamples: 200, testSamples: 60, seed: 2 };

describe("loadSpikingTask", () => {
  it("SHD-Adding on the synthetic digits: shapes, classes, split, fixed evaluation pairs", async () => {
    const t = await loadSpikingTask({ task: "shd-adding", cacheDir: tmp.dir, synthetic, binMs: 10, samplesPerEpoch: 64, evalSamples: 32, validFraction: 0.2, seed: 1 });
    expect([t.numClasses, t.channels, t.steps]).toEqual([19, 700, 200]);
    expect(t.train.length).toBe(64);
    expect(t.valid?.length).toBe(32);
    const first = [...(t.test.batches({ batchSize: 16, shuffle: false, seed: 0 }) as Iterable<Batch>)];
    const again = [...(t.test.batches({ batchSize: 16, shuffle: false, seed: 99 }) as Iterable<Batch>)];
    expect(Array.from(first[0].y)).toEqual(Array.from(again[0].y));
    const tr = t.train as ShdAddingDataset;
    const va = t.valid as ShdAddingDataset;
    expect(tr.samples.labels.length + va.samples.labels.length).toBe(200);
  });
  it("SHD task; a missing SHD folder says how to fetch it", async () => {
    const t = await loadSpikingTask({ task: "shd", cacheDir: tmp.dir, synthetic, binMs: 10, validFraction: 0 });
    expect([t.numClasses, t.steps, t.train.length, t.test.length, t.valid]).toEqual([20, 100, 200, 60, null]);
    const err = await loadSpikingTask({ task: "shd", data: "shd", dataDir: join(tmp.dir, "none") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetFileError);
    expect((err as Error).message).toMatch(/shd_train\.h5: SHD file not found; download it with `elm data fetch shd`/);
    await expect(loadSpikingTask({ task: "mnist" as "shd" })).rejects.toThrow(/task must be "shd" or "shd-adding", got "mnist"/);
  });
});
