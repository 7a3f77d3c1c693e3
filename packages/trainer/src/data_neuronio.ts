// NeuronIO training data (ELM_SPEC §6): the simulation files (`*sim__*.p`) in
// `<data-dir>/{train,valid,test}/` — the authors' layout — or, with
// --synthetic, files of @elm/datasets' built-in teacher neuron written there
// once. Windows of --sample-ms with a --burn-in-ms burn-in; targets as the
// authors preprocess them (NeuronioDataset).
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { NeuronioDataset, readNeuronioFile, writeTeacherFiles, type NeuronioBatch } from "@elm/datasets";
import type { TrainConfig } from "./config.js";
import { epochSeed } from "./seeds.js";
import type { BatchSource, TrainTask } from "./task.js";
import { neuronIoTask } from "./tasks/neuronio.js";

const SPLITS = ["train", "valid", "test"] as const;

function simFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.includes("sim__") && f.endsWith(".p")).sort().map((f) => join(dir, f));
}

/** The teacher files for --synthetic (small: a few seconds of simulations per split). */
async function ensureTeacher(root: string): Promise<void> {
  const plan = { train: { files: 2, seed: 0 }, valid: { files: 1, seed: 100 }, test: { files: 1, seed: 200 } };
  for (const s of SPLITS) {
    const dir = join(root, s);
    if (simFiles(dir).length > 0) continue;
    await writeTeacherFiles(dir, { files: plan[s].files, seed: plan[s].seed, numSimulations: 16, simDurationSec: 3 });
  }
}

function source(ds: NeuronioDataset, B: number, shuffle: boolean, seed: number, cap = 0): BatchSource<NeuronioBatch> {
  const full = Math.ceil(ds.length / B);
  const steps = cap > 0 ? Math.min(cap, full) : full;
  return {
    steps,
    *batches(epoch: number) {
      let k = 0;
      for (const b of ds.batches({ batchSize: B, shuffle, seed: shuffle ? epochSeed(seed, epoch) : seed })) {
        if (k++ >= steps) return;
        yield b;
      }
    },
  };
}

export async function buildNeuronioTask(c: TrainConfig): Promise<{ task: TrainTask<NeuronioBatch>; source: string }> {
  const root = c.synthetic ? join(c.dataDir, "neuronio-teacher") : c.dataDir;
  if (c.synthetic) await ensureTeacher(root);
  const files: Record<string, string[]> = {};
  for (const s of SPLITS) files[s] = simFiles(join(root, s));
  if (files.train.length === 0) {
    throw new Error(`NeuronIO: no simulation files (*sim__*.p) in ${join(root, "train")}; expected ${root}/{train,valid,test}/ as the published data, or use --synthetic`);
  }
  const opts = { windowSize: c.sampleMs, burnIn: c.burnInMs };
  const load = async (list: string[]) => (list.length ? new NeuronioDataset(await Promise.all(list.map((p) => readNeuronioFile(p, { sparse: true }))), opts) : undefined);
  const [train, valid, test] = await Promise.all([load(files.train), load(files.valid), load(files.test)]);
  const evalB = c.evalBatchSize ?? c.batchSize;
  const task = neuronIoTask(
    {
      train: source(train!, c.batchSize, true, c.seed, c.stepsPerEpoch),
      valid: valid ? source(valid, evalB, false, c.seed) : undefined,
      test: test ? source(test, evalB, false, c.seed) : undefined,
    },
    { burnIn: c.burnInMs, somaWeight: c.somaWeight, channels: train!.channels },
  );
  return { task, source: `${root} (${files.train.length}/${files.valid.length}/${files.test.length} files)` };
}
