// The main job: trains a Branch-ELM on SHD-Adding built from the built-in
// synthetic spiking digits (no download) for a few minutes on two cores,
// prints the test accuracy (chance is 1/19) and writes the training-curve
// plot to runs/main/curve.{svg,png}. `pnpm start -- --resume` continues an
// interrupted run (Ctrl-C saves a checkpoint).
import { runMainJob } from "../packages/trainer/src/mainJob.js";

const resume = process.argv.includes("--resume");
try {
  const r = await runMainJob(resume ? { resume: true } : {});
  if (!Number.isFinite(r.testAccuracy)) process.exitCode = 130;
} catch (e) {
  console.error(`main job failed: ${(e as Error).message}`);
  process.exitCode = 1;
}
