// One training run from a validated config: data → task, model, loop.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "@elm/core";
import { writeFileAtomic } from "./atomic.js";
import { CudaUnavailableError, cpu, cudaStatus } from "@elm/native";
import type { TrainConfig } from "./config.js";
import { buildClassificationTask, buildLanguageTask } from "./data.js";
import { buildNeuronioTask } from "./data_neuronio.js";
import { train, type TrainResult } from "./loop.js";
import { parameterCount, type TrainableModel } from "./model.js";
import { buildModel } from "./models/build.js";
import { makeProgress, type ProgressSink } from "./progress.js";
import type { TrainTask } from "./task.js";

export async function buildTask(c: TrainConfig): Promise<{ task: TrainTask<any>; source: string }> {
  switch (c.task) {
    case "shd":
    case "shd-adding":
      return buildClassificationTask(c);
    case "enwik8":
      return buildLanguageTask(c);
    case "neuronio":
      return buildNeuronioTask(c);
  }
}

/** Fails before any data is loaded when the CUDA device cannot be used. */
export function checkDevice(device: string): void {
  if (device !== "cuda") return;
  const s = cudaStatus();
  if (!s.available) throw new CudaUnavailableError(`${s.reason ?? "unknown reason"} (choose --device cpu or ref)`);
}

export function applyThreads(threads: number): void {
  if (threads > 0) cpu.setNumThreads(threads);
}

export async function runTraining(c: TrainConfig, opts: { progress?: ProgressSink; signal?: AbortSignal; handleSigint?: boolean } = {}): Promise<TrainResult & { model: TrainableModel }> {
  applyThreads(c.threads);
  checkDevice(c.device);
  const { task, source } = await buildTask(c);
  const progress = opts.progress ?? makeProgress(task.metricName, c.progress);
  const model = buildModel(c, task.inputChannels, task.outputs, new Rng(c.seed).fork("init"));
  mkdirSync(c.out, { recursive: true });
  writeFileAtomic(join(c.out, "config.json"), `${JSON.stringify(c, null, 2)}\n`); // what `elm eval --run` rebuilds the run from
  progress.log(
    `${task.name} from ${source}: ${task.train.steps} steps/epoch × ${c.epochs} epochs, batch ${c.batchSize}; ` +
      `model ${model.kind} (${parameterCount(model)} parameters), ${c.optimizer} lr ${c.lr}, device ${c.device}, ${c.dtype}; out ${c.out}`,
  );
  const r = await train({
    config: { ...c, plot: true },
    model,
    task,
    runConfig: c as unknown as Record<string, unknown>,
    progress,
    signal: opts.signal,
    handleSigint: opts.handleSigint,
  });
  return { ...r, model };
}
