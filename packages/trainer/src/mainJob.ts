// The repository's main job (`pnpm start`): train on SHD-Adding built from the
// synthetic spiking digits of @elm/datasets (no download), a few minutes on
// two cores, then print the test accuracy against chance (1/19) and write the
// training-curve plot.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cpu, cudaStatus } from "@elm/native";
import { ConfigError, resolveConfig, type TrainConfigInput } from "./config.js";
import { runTraining } from "./run.js";

export const MAIN_JOB_CONFIG: Partial<TrainConfigInput> = {
  task: "shd-adding",
  synthetic: true,
  model: "branch-elm",
  binMs: 40,
  trainSamples: 2000,
  testSamples: 500,
  samplesPerEpoch: 3200,
  evalSamples: 500,
  epochs: 30,
  batchSize: 16,
  evalBatchSize: 100,
  optimizer: "adamax",
  lr: 1e-2,
  schedule: "cosine",
  clip: 1,
  seed: 0,
  device: "cpu",
  dataDir: ".elm-data",
  out: "runs/main",
  modelConfig: { dM: 64, dTree: 100, dBrch: 7, routing: "random", dropout: 0 },
};

export const MAIN_JOB_USAGE =
  "usage: pnpm start [-- [--resume] [--out DIR] [--no-progress]]\n" +
  "  --resume       continue the run in its out folder from its last checkpoint\n" +
  "  --out DIR      run folder (default runs/main)\n" +
  "  --no-progress  epoch and summary lines only, no progress bar\n" +
  "Other settings: the elm command, e.g. elm train --task shd-adding --synthetic --model branch-elm --epochs 5";

/**
 * The main job's command line: the few options above, or { help: true }. Anything
 * else is refused (a ConfigError naming it), not ignored: a run the user thought
 * they had configured must not start as the default one.
 */
export function parseMainJobArgs(argv: string[]): { help: true } | { help: false; overrides: Partial<TrainConfigInput> } {
  const args = argv[0] === "--" ? argv.slice(1) : argv; // `pnpm start -- …` passes the separator on
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        resume: { type: "boolean" },
        out: { type: "string" },
        "no-progress": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    throw new ConfigError(`${(e as Error).message.split("\n")[0]}\n${MAIN_JOB_USAGE}`);
  }
  const v = parsed.values;
  if (v.help) return { help: true };
  if (v.out !== undefined && v.out.trim() === "") throw new ConfigError(`--out: expected a folder, got an empty string\n${MAIN_JOB_USAGE}`);
  const overrides: Partial<TrainConfigInput> = {};
  if (v.resume) overrides.resume = true;
  if (v.out !== undefined) overrides.out = v.out;
  if (v["no-progress"]) overrides.progress = false;
  return { help: false, overrides };
}

export async function runMainJob(overrides: Partial<TrainConfigInput> = {}): Promise<{ testAccuracy: number; seconds: number }> {
  const info = cpu.buildInfo();
  const cuda = cudaStatus();
  console.log(`elm native addon: ${info.compiler}, simd ${info.simd}, ${info.threads} threads; cuda ${cuda.available ? cuda.name : `unavailable (${cuda.reason})`}`);
  const c = resolveConfig({ overrides: { ...MAIN_JOB_CONFIG, ...overrides, modelConfig: { ...MAIN_JOB_CONFIG.modelConfig, ...(overrides.modelConfig ?? {}) } } });
  const t0 = performance.now();
  const r = await runTraining(c);
  const seconds = (performance.now() - t0) / 1000;
  if (r.interrupted) {
    console.log(`interrupted; continue with: pnpm start -- --resume${c.out === MAIN_JOB_CONFIG.out ? "" : ` --out ${c.out}`}`);
    return { testAccuracy: NaN, seconds };
  }
  const acc = r.test?.metric ?? NaN;
  console.log(`\nspiking-digits SHD-Adding (19 classes): test accuracy ${(100 * acc).toFixed(1)}% (chance ${(100 / 19).toFixed(1)}%), best validation epoch ${r.best?.epoch ?? "-"}, ${seconds.toFixed(0)} s`);
  console.log(`training curve: ${join(c.out, "curve.svg")} and ${join(c.out, "curve.png")}; metrics: ${join(c.out, "metrics.jsonl")}; best model: ${join(c.out, "best.safetensors")}`);
  return { testAccuracy: acc, seconds };
}
