// The main job: trains a Branch-ELM on SHD-Adding built from the built-in
// synthetic spiking digits (no download) for a few minutes on two cores,
// prints the test accuracy (chance is 1/19) and writes the training-curve
// plot to runs/main/curve.{svg,png}. `pnpm start -- --resume` continues an
// interrupted run (Ctrl-C saves a checkpoint); `pnpm start -- --help` lists the
// few options, and anything else is refused rather than ignored.
import { ConfigError } from "../packages/trainer/src/config.js";
import { MAIN_JOB_USAGE, parseMainJobArgs, runMainJob } from "../packages/trainer/src/mainJob.js";

try {
  const args = parseMainJobArgs(process.argv.slice(2));
  if (args.help) console.log(MAIN_JOB_USAGE);
  else {
    const r = await runMainJob(args.overrides);
    if (!Number.isFinite(r.testAccuracy)) process.exitCode = 130;
  }
} catch (e) {
  console.error(`main job failed: ${(e as Error).message}`);
  process.exitCode = e instanceof ConfigError ? 2 : 1;
}
