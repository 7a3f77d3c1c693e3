// A training process killed (SIGKILL) at random points always leaves a
// checkpoint that loads, and --resume continues from it.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Rng } from "@elm/core";
import { loadLatestCheckpoint } from "../src/checkpoint.js";

const here = dirname(fileURLToPath(import.meta.url));
const out = mkdtempSync(join(tmpdir(), "elm-kill-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Starts the child, waits until it has taken `minSteps` more steps, then kills it `delayMs` later. */
function runAndKill(minSteps: number, delayMs: number): Promise<{ lastStep: number; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=@elm/source", "--import", "tsx", join(here, "helpers", "killChild.ts"), out], { stdio: ["ignore", "pipe", "pipe"] });
    let seen = 0;
    let lastStep = -1;
    let armed = false;
    let err = "";
    child.stderr.on("data", (d) => (err += String(d)));
    child.stdout.on("data", (d: Buffer) => {
      for (const line of String(d).split("\n")) {
        const m = /^step (\d+)$/.exec(line);
        if (!m) continue;
        lastStep = Number(m[1]);
        if (++seen >= minSteps && !armed) {
          armed = true;
          setTimeout(() => child.kill("SIGKILL"), delayMs);
        }
      }
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (signal !== "SIGKILL" && code !== 0) reject(new Error(`child exited with ${code}: ${err}`));
      else resolve({ lastStep, signal });
    });
  });
}

describe("SIGKILL at random points", () => {
  it("always leaves a loadable last checkpoint, and resume continues from it", async () => {
    const rng = new Rng(2026);
    let prev = 0;
    for (let round = 0; round < 4; round++) {
      const { lastStep, signal } = await runAndKill(2 + rng.int(6), rng.int(40));
      expect(signal).toBe("SIGKILL");
      const ck = loadLatestCheckpoint(out);
      expect(ck).not.toBeNull();
      // the checkpoint is complete and consistent: weights, optimizer state, trainer state
      expect(Object.keys(ck!.model).sort()).toEqual(["U", "V", "W", "b", "c"]);
      expect(ck!.optimizer.step).toBe(ck!.state.step);
      expect(ck!.state.step).toBeGreaterThan(prev); // resumed, not restarted
      expect(ck!.state.step).toBeGreaterThanOrEqual(lastStep - 1); // step k is checkpointed right after it is reported
      prev = ck!.state.step;
      // at most one checkpoint folder remains besides temporaries of the killed write
      const folders = readdirSync(join(out, "checkpoints")).filter((e) => e.startsWith("ckpt-"));
      expect(folders.length).toBeLessThanOrEqual(2);
    }
  }, 60_000);
});
