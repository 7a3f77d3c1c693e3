// `elm eval`: scores a run's best (or last) weights on its test or validation split.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { Rng, loadSafetensors } from "@elm/core";
import { readConfigFile, resolveConfig, DEVICES } from "../config.js";
import { loadLatestCheckpoint } from "../checkpoint.js";
import { evaluate } from "../loop.js";
import { buildModel } from "../models/build.js";
import { applyThreads, buildTask } from "../run.js";
import { defined, numberish } from "./parse.js";

export interface EvalOptions {
  run: string;
  weights?: string;
  split?: string;
  device?: string;
  dataDir?: string;
  threads?: number | string;
  json?: boolean;
}

export async function evalRun(o: EvalOptions): Promise<{ split: string; loss: number; metric?: number; metricName: string; weights: string }> {
  const cfgPath = join(o.run, "config.json");
  if (!existsSync(cfgPath)) throw new Error(`elm eval: ${cfgPath} not found; --run must be a folder written by 'elm train --out'`);
  const c = resolveConfig({ file: readConfigFile(cfgPath), overrides: defined({ device: o.device, dataDir: o.dataDir, threads: o.threads, resume: false, progress: false }) }, ` (${cfgPath})`);
  const split = o.split ?? "test";
  if (split !== "test" && split !== "valid") throw new Error(`elm eval: --split got '${split}'; allowed values: test, valid`);
  applyThreads(c.threads);
  const { task } = await buildTask(c);
  const model = buildModel(c, task.inputChannels, task.outputs, new Rng(c.seed).fork("init"));
  const which = o.weights ?? "best";
  let label: string;
  if (which === "last") {
    const ck = loadLatestCheckpoint(o.run);
    if (!ck) throw new Error(`elm eval: no checkpoint in ${join(o.run, "checkpoints")}`);
    model.loadStateDict(ck.model);
    label = ck.dir;
  } else {
    const file = which === "best" ? join(o.run, "best.safetensors") : which;
    if (!existsSync(file)) throw new Error(`elm eval: weights file ${file} not found (--weights takes best, last or a .safetensors path)`);
    model.loadStateDict(loadSafetensors(file).tensors);
    label = file;
  }
  const src = split === "test" ? task.test : task.valid;
  if (!src) throw new Error(`elm eval: the task has no ${split} split`);
  const r = await evaluate(model, task, src, { dtype: c.dtype, device: c.device });
  return { split, ...r, metricName: task.metricName, weights: label };
}

export function addEvalCommand(program: Command): void {
  program
    .command("eval")
    .description("evaluate a trained run on its test (or validation) split")
    .requiredOption("--run <dir>", "run folder written by 'elm train --out'")
    .option("--weights <which>", "best | last | path to a .safetensors file", "best")
    .option("--split <split>", "test | valid", "test")
    .option("--device <device>", `device: ${DEVICES.join(" | ")}`)
    .option("--data-dir <dir>", "data folder (default: the run's)")
    .option("--threads <n>", "CPU kernel threads", numberish)
    .option("--json", "print JSON")
    .action(async (opts: EvalOptions) => {
      const r = await evalRun(opts);
      if (opts.json) console.log(JSON.stringify(r));
      else console.log(`${r.split}: loss ${r.loss.toFixed(4)}${r.metric !== undefined ? `, ${r.metricName} ${r.metric.toFixed(4)}` : ""} (${r.weights})`);
    });
}
