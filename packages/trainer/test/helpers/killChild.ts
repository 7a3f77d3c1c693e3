// Child process for the kill test: trains the tiny model with a checkpoint
// after every step (and resumes from what is there) until killed or done.
import { Rng } from "@elm/core";
import { train } from "../../src/loop.js";
import { classificationTask } from "../../src/tasks/classification.js";
import { FirstChannelTask, TinyRnn } from "./tiny.js";

const out = process.argv[2];
const rng = new Rng(7);
const task = classificationTask(
  { train: new FirstChannelTask(64, 3, 6, rng.fork("train")), valid: new FirstChannelTask(16, 3, 6, rng.fork("valid")) },
  { name: "first-channel", batchSize: 4, seed: 3 },
);
const model = new TinyRnn(3, 24, 3, new Rng(3).fork("init"));
process.stdout.write("ready\n");
await train({
  config: { epochs: 50, lr: 1e-2, optimizer: "adamax", seed: 3, out, resume: true, checkpointEvery: 1, plot: false },
  model,
  task,
  onStep: (s) => process.stdout.write(`step ${s}\n`),
});
process.stdout.write("done\n");
