// Builds the training task of a config from @elm/datasets: SHD or the built-in
// synthetic spiking digits, plain or as SHD-Adding, split into train /
// validation (from the training file, seeded) / test.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ShdAddingDataset, ShdDataset, loadSpikingDigits, loadTextTask, readShd, splitTrainValid, type Batch, type SpikeSamples } from "@elm/datasets";
import { languageTask, type TextBatch } from "./tasks/language.js";
import type { TrainConfig } from "./config.js";
import { classificationTask } from "./tasks/classification.js";
import type { TrainTask } from "./task.js";

export interface LoadedSamples {
  train: SpikeSamples;
  test: SpikeSamples;
  source: string;
}

/** The SHD files in `dataDir`, or the synthetic digits cached there. */
export async function loadSpikeSamples(c: Pick<TrainConfig, "synthetic" | "dataDir" | "trainSamples" | "testSamples" | "seed">): Promise<LoadedSamples> {
  if (c.synthetic) {
    const { train, test, files } = await loadSpikingDigits({ trainSamples: c.trainSamples, testSamples: c.testSamples, seed: 0, cacheDir: c.dataDir });
    return { train, test, source: `synthetic spiking digits (${files.dir})` };
  }
  const trainPath = join(c.dataDir, "shd_train.h5");
  const testPath = join(c.dataDir, "shd_test.h5");
  for (const p of [trainPath, testPath]) {
    if (!existsSync(p)) throw new Error(`SHD file ${p} not found; download it with 'elm data fetch shd --data-dir ${c.dataDir}', or train on the built-in generator with --synthetic`);
  }
  return { train: await readShd(trainPath), test: await readShd(testPath), source: c.dataDir };
}

export async function buildClassificationTask(c: TrainConfig): Promise<{ task: TrainTask<Batch>; source: string }> {
  if (c.task !== "shd" && c.task !== "shd-adding") throw new Error(`buildClassificationTask: task ${c.task} is not a classification task`);
  const { train, test, source } = await loadSpikeSamples(c);
  const split = splitTrainValid(train, { validFraction: c.validFraction, seed: c.seed });
  const bin = { binMs: c.binMs };
  const common = { batchSize: c.batchSize, evalBatchSize: c.evalBatchSize, seed: c.seed, stepsPerEpoch: c.stepsPerEpoch };
  if (c.task === "shd") {
    const task = classificationTask(
      { train: new ShdDataset(split.train, bin), valid: c.validFraction > 0 ? new ShdDataset(split.valid, bin) : undefined, test: new ShdDataset(test, bin) },
      { name: c.synthetic ? "spiking digits" : "SHD", ...common },
    );
    return { task, source };
  }
  const task = classificationTask(
    {
      train: new ShdAddingDataset(split.train, { ...bin, samplesPerEpoch: c.samplesPerEpoch, seed: c.seed }),
      valid: c.validFraction > 0 ? new ShdAddingDataset(split.valid, { ...bin, samplesPerEpoch: c.evalSamples, seed: c.seed + 1 }) : undefined,
      test: new ShdAddingDataset(test, { ...bin, samplesPerEpoch: c.evalSamples, seed: c.seed + 2 }),
    },
    { name: c.synthetic ? "spiking-digits adding" : "SHD-Adding", ...common },
  );
  return { task, source };
}

/** Byte-level language modelling: enwik8 in `dataDir` (raw or .zip), or the synthetic text of @elm/datasets. */
export async function buildLanguageTask(c: TrainConfig): Promise<{ task: TrainTask<TextBatch>; source: string }> {
  const t = await loadTextTask({ data: c.synthetic ? "synthetic" : "enwik8", dataDir: c.dataDir, seqLen: c.seqLen, batchesPerEpoch: c.stepsPerEpoch > 0 ? c.stepsPerEpoch : undefined });
  const task = languageTask(
    { train: t.train, valid: t.valid, test: t.test },
    { name: c.synthetic ? "synthetic text" : "enwik8", batchSize: c.batchSize, evalBatchSize: c.evalBatchSize, seed: c.seed, stepsPerEpoch: c.stepsPerEpoch, maxValidBatches: c.maxValidBatches },
  );
  return { task, source: t.source };
}
