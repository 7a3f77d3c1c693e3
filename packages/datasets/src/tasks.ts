// One call from a task name to train / validation / test Datasets, from the
// real SHD files or the synthetic digits (the default: no download needed).
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Dataset } from "./batch/types.js";
import { DatasetFileError } from "./errors.js";
import { ShdAddingDataset } from "./shd/adding.js";
import { ShdDataset } from "./shd/dataset.js";
import { readShd } from "./shd/read.js";
import type { SpikeSamples } from "./shd/samples.js";
import { splitTrainValid } from "./shd/split.js";
import { loadSpikingDigits } from "./synthetic/cache.js";
import type { SpikingDigitsOptions } from "./synthetic/spikingDigits.js";

export interface SpikingTaskOptions {
  task: "shd" | "shd-adding";
  /** "synthetic" (default): the generated digits; "shd": shd_train.h5 / shd_test.h5 in `dataDir`. */
  data?: "synthetic" | "shd";
  /** Folder with the SHD files (default ".elm-data/shd", where `elm data fetch shd` puts them). */
  dataDir?: string;
  /** Cache folder of the synthetic digits (default ".elm-data"). */
  cacheDir?: string;
  synthetic?: SpikingDigitsOptions;
  /** Bin width in ms (default 2, the papers'; 10 gives T = 100 for quick runs). */
  binMs?: number;
  /** Validation fraction of the training file (default 0.1; 0 = no validation set). */
  validFraction?: number;
  /** Seed of the split and of the fixed SHD-Adding evaluation pairs. */
  seed?: number;
  /** SHD-Adding: training pairs per epoch (default 4000) and evaluation pairs (default 1000). */
  samplesPerEpoch?: number;
  evalSamples?: number;
}

export interface SpikingTask {
  train: Dataset;
  valid: Dataset | null;
  test: Dataset;
  numClasses: number;
  channels: number;
  steps: number;
  /** Where the data came from (paths). */
  source: { train: string; test: string };
}

export async function loadSpikingTask(o: SpikingTaskOptions): Promise<SpikingTask> {
  if (o.task !== "shd" && o.task !== "shd-adding") throw new RangeError(`task must be "shd" or "shd-adding", got ${JSON.stringify(o.task)}`);
  const data = o.data ?? "synthetic";
  const seed = o.seed ?? 0;
  let trainFile: SpikeSamples;
  let testFile: SpikeSamples;
  if (data === "synthetic") {
    const s = await loadSpikingDigits({ ...(o.synthetic ?? {}), cacheDir: o.cacheDir ?? ".elm-data" });
    trainFile = s.train;
    testFile = s.test;
  } else if (data === "shd") {
    const dir = o.dataDir ?? join(".elm-data", "shd");
    for (const f of ["shd_train.h5", "shd_test.h5"]) {
      const p = join(dir, f);
      if (!existsSync(p)) throw new DatasetFileError(p, `SHD file not found; download it with \`elm data fetch shd\` (fetchShd({ dest: ${JSON.stringify(dir)} }))`);
    }
    trainFile = await readShd(join(dir, "shd_train.h5"));
    testFile = await readShd(join(dir, "shd_test.h5"));
  } else {
    throw new RangeError(`data must be "synthetic" or "shd", got ${JSON.stringify(data)}`);
  }
  const vf = o.validFraction ?? 0.1;
  let trainPart = trainFile;
  let validPart: SpikeSamples | null = null;
  if (vf > 0) {
    const sp = splitTrainValid(trainFile, { validFraction: vf, seed });
    trainPart = sp.train;
    validPart = sp.valid;
  }
  const binMs = o.binMs ?? 2;
  const make = (s: SpikeSamples, evalSet: boolean, k: number): Dataset =>
    o.task === "shd"
      ? new ShdDataset(s, { binMs })
      : new ShdAddingDataset(s, { binMs, samplesPerEpoch: evalSet ? (o.evalSamples ?? 1000) : (o.samplesPerEpoch ?? 4000), seed: seed + k });
  const train = make(trainPart, false, 0);
  return {
    train,
    valid: validPart && validPart.labels.length > 0 ? make(validPart, true, 1) : null,
    test: make(testFile, true, 2),
    numClasses: train.numClasses,
    channels: train.channels,
    steps: train.steps,
    source: { train: trainFile.source, test: testFile.source },
  };
}
