// @elm/trainer: optimizers, schedules, losses, metrics, the training loop,
// checkpoints, progress, plots and the `elm` CLI.
export * from "./optim/index.js";
export * from "./schedule.js";
export * from "./clip.js";
export * from "./losses.js";
export * from "./metrics.js";
export * from "./history.js";
export * from "./model.js";
export * from "./task.js";
export * from "./loop.js";
export * from "./checkpoint.js";
export * from "./atomic.js";
export * from "./progress.js";
export * from "./plot.js";
export * from "./config.js";
export * from "./seeds.js";
export { classificationTask, ClassificationAccumulator, type ClassificationSplits, type ClassificationOptions } from "./tasks/classification.js";
export { buildClassificationTask, loadSpikeSamples } from "./data.js";
export { buildModel } from "./models/build.js";
export { runTraining, buildTask } from "./run.js";
export { runCli, makeProgram } from "./cli/program.js";
