// The `elm` launcher runs as a separate process (sources through tsx when dist/ is absent).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "elm.mjs");

describe("bin/elm.mjs", () => {
  it("`elm info` prints the build; a bad flag exits 2 with its name", () => {
    const ok = spawnSync(process.execPath, [bin, "info"], { encoding: "utf8" });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/native addon: .*simd/);
    expect(ok.stdout).toMatch(/cuda: /);
    const bad = spawnSync(process.execPath, [bin, "train", "--task", "shd", "--optimizer", "rmsprop"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`--optimizer: got "rmsprop"; allowed values: adam, adamw, adamax, sgd`);
  }, 30_000);
  it("runs from any working directory (tsx is found beside the launcher, not in the cwd)", () => {
    const cwd = mkdtempSync(join(tmpdir(), "elm-bin-cwd-"));
    try {
      const r = spawnSync(process.execPath, [bin, "info"], { cwd, encoding: "utf8" });
      expect(r.stderr).not.toContain("ERR_MODULE_NOT_FOUND");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/native addon: /);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 30_000);
});
