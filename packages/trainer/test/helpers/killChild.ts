// Child process for the kill / Ctrl-C tests: trains the tiny model (resuming
// from what is in `out`), checkpointing every `every` steps; prints each step,
// then "done <sha256 of the final weights>" or "interrupted <step>".
import { createHash } from "node:crypto";
import { Rng } from "@elm/core";
import { train } from "../../src/loop.js";
import { classificationTask } from "../../src/tasks/classification.js";
import { FirstChannelTask, TinyRnn } from "./tiny.js";

export function makeRun(seed = 3) {
  const rng = new Rng(7);
  const task = classificationTask(
    { train: new FirstChannelTask(64, 3, 6, rng.fork("train")), valid: new FirstChannelTask(16, 3, 6, rng.fork("valid")) },
    { name: "first-channel", batchSize: 4, seed },
  );
  const model = new TinyRnn(3, 24, 3, new Rng(seed).fork("init"));
  return { task, model };
}

export function digest(model: TinyRnn): string {
  const h = createHash("sha256");
  for (const [k, t] of Object.entries(model.params)) h.update(k).update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return h.digest("hex");
}

if (process.argv[1] && process.argv[1].endsWith("killChild.ts")) {
  const out = process.argv[2];
  const epochs = Number(process.argv[3] ?? 50);
  const every = Number(process.argv[4] ?? 1);
  const { task, model } = makeRun();
  const r = await train({
    config: { epochs, lr: 1e-2, optimizer: "adamax", seed: 3, out, resume: true, checkpointEvery: every, plot: false },
    model,
    task,
    onStep: (s) => {
      process.stdout.write(`step ${s}\n`);
      // optional slow-down so a signal sent after step k lands well before the run ends
      const until = Date.now() + Number(process.env.ELM_TEST_STEP_DELAY_MS ?? 0);
      while (Date.now() < until);
    },
  });
  process.stdout.write(r.interrupted ? `interrupted ${r.steps}\n` : `done ${digest(model)}\n`);
}
