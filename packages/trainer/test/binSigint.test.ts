// Ctrl-C through the `elm` launcher: SIGINT to the launcher reaches the
// training loop once; it saves a checkpoint and the command exits with 130;
// --resume then finishes the run.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadLatestCheckpoint } from "../src/checkpoint.js";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "elm.mjs");
const dir = mkdtempSync(join(tmpdir(), "elm-binint-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const args = (out: string) => [
  bin, "train", "--task", "shd-adding", "--synthetic", "--train-samples", "200", "--test-samples", "60", "--data-dir", join(dir, "data"),
  "--bin-ms", "50", "--samples-per-epoch", "800", "--eval-samples", "32", "--batch-size", "8", "--epochs", "2",
  "--model", "branch-elm", "--d-m", "8", "--d-tree", "20", "--d-brch", "35", "--checkpoint-every", "1", "--threads", "1", "--no-progress", "--out", out,
];

function run(argv: string[], interruptWhen?: () => boolean): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    p.stderr.on("data", (d) => (stderr += String(d)));
    p.stdout.resume();
    let timer: NodeJS.Timeout | undefined;
    if (interruptWhen) {
      timer = setInterval(() => {
        if (interruptWhen()) {
          clearInterval(timer);
          p.kill("SIGINT");
        }
      }, 20);
    }
    p.on("error", reject);
    p.on("close", (code) => {
      if (timer) clearInterval(timer);
      resolve({ code, stderr });
    });
  });
}

describe("elm train + Ctrl-C", () => {
  it("exits 130 after saving; --resume completes the run", async () => {
    const out = join(dir, "run");
    const a = await run(args(out), () => existsSync(join(out, "checkpoints", "latest.json")));
    expect(a.stderr).toMatch(/stopped at epoch 1, step \d+: checkpoint .*; continue with --resume/);
    expect(a.code).toBe(130);
    const ck = loadLatestCheckpoint(out)!;
    expect(ck.state.step).toBeGreaterThan(0);
    expect(ck.state.epoch).toBe(0);
    const b = await run([...args(out), "--resume"]);
    expect(b.code).toBe(0);
    expect(b.stderr).toContain(`resumed from`);
    expect(loadLatestCheckpoint(out)!.state.done).toBe(true);
  }, 90_000);
});
