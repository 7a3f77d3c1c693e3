// Ctrl-C (SIGINT) saves a checkpoint and exits cleanly; the resumed run ends
// with the same weights as an uninterrupted one (across processes).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { train } from "../src/loop.js";
import { loadLatestCheckpoint } from "../src/checkpoint.js";
import { digest, makeRun } from "./helpers/killChild.js";

const here = dirname(fileURLToPath(import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function child(out: string, sigintAfter: number | null): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--conditions=@elm/source", "--import", "tsx", join(here, "helpers", "killChild.ts"), out, "3", "0"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ELM_TEST_STEP_DELAY_MS: "25" } });
    let stdout = "";
    let sent = false;
    p.stdout.on("data", (d) => {
      stdout += String(d);
      const steps = (stdout.match(/^step /gm) ?? []).length;
      if (sigintAfter !== null && !sent && steps >= sigintAfter) {
        sent = true;
        p.kill("SIGINT");
      }
    });
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, stdout }));
  });
}

describe("Ctrl-C", () => {
  it("saves, exits with code 0 from train(), and --resume finishes with the uninterrupted weights", async () => {
    const ref = makeRun();
    const refOut = mkdtempSync(join(tmpdir(), "elm-sigint-ref-"));
    dirs.push(refOut);
    await train({ config: { epochs: 3, lr: 1e-2, optimizer: "adamax", seed: 3, out: refOut, plot: false }, ...ref });

    const out = mkdtempSync(join(tmpdir(), "elm-sigint-"));
    dirs.push(out);
    const a = await child(out, 6);
    expect(a.code).toBe(0);
    const m = /interrupted (\d+)/.exec(a.stdout);
    expect(m).not.toBeNull();
    const ck = loadLatestCheckpoint(out)!;
    expect(ck.state.step).toBe(Number(m![1])); // the checkpoint holds every step taken
    const b = await child(out, null);
    expect(b.code).toBe(0);
    expect(b.stdout).toContain(`done ${digest(ref.model)}`);
  }, 60_000);
});
