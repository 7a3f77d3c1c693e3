// The repository's main job (`pnpm start`): train on SHD-Adding built from the
// synthetic spiking digits of @elm/datasets (no download), a few minutes on
// two cores, then print the test accuracy against chance (1/19) and write the
// training-curve plot.
import { join } from "node:path";
import { cpu, cudaStatus } from "@elm/native";
import { resolveConfig, type TrainConfigInput } from "./config.js";
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

export async function runMainJob(overrides: Partial<TrainConfigInput> = {}): Promise<{ testAccuracy: number; seconds: number }> {
  const info = cpu.buildInfo();
  const cuda = cudaStatus();
  console.log(`elm native addon: ${info.compiler}, simd ${info.simd}, ${info.threads} threads; cuda ${cuda.available ? cuda.name : `unavailable (${cuda.reason})`}`);
  const c = resolveConfig({ overrides: { ...MAIN_JOB_CONFIG, ...overrides, modelConfig: { ...MAIN_JOB_CONFIG.modelConfig, ...(overrides.modelConfig ?? {}) } } });
  const t0 = performance.now();
  const r = await runTraining(c);
  const seconds = (performance.now() - t0) / 1000;
  if (r.interrupted) {
    console.log(`interrupted; continue with: pnpm start -- --resume`);
    return { testAccuracy: NaN, seconds };
  }
  const acc = r.test?.metric ?? NaN;
  console.log(`\nspiking-digits SHD-Adding (19 classes): test accuracy ${(100 * acc).toFixed(1)}% (chance ${(100 / 19).toFixed(1)}%), best validation epoch ${r.best?.epoch ?? "-"}, ${seconds.toFixed(0)} s`);
  console.log(`training curve: ${join(c.out, "curve.svg")} and ${join(c.out, "curve.png")}; metrics: ${join(c.out, "metrics.jsonl")}; best model: ${join(c.out, "best.safetensors")}`);
  return { testAccuracy: acc, seconds };
}
