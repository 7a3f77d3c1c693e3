// The elm CLI: bad flags and values are refused with a message naming them
// and the allowed values; info reports the build.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/program.js";
import { resolveConfig } from "../src/config.js";

const dir = mkdtempSync(join(tmpdir(), "elm-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; err: string }> {
  let err = "";
  const code = await runCli(args, { err: (s) => (err += s) });
  return { code, err };
}

describe("elm train: configuration errors", () => {
  it("an unknown task names the allowed values", async () => {
    const r = await cli("train", "--task", "mnist");
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--task: got "mnist"; allowed values: shd, shd-adding, neuronio`);
  });
  it("a missing task says so", async () => {
    const r = await cli("train", "--model", "elm");
    expect(r.code).toBe(2);
    expect(r.err).toContain("--task: missing; allowed values: shd, shd-adding, neuronio");
  });
  it("wrong values name the flag and what it expects", async () => {
    const r = await cli("train", "--task", "shd", "--optimizer", "adagrad", "--batch-size", "0", "--lr", "fast", "--device", "tpu", "--d-m", "2.5");
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--optimizer: got "adagrad"; allowed values: adam, adamw, adamax, sgd`);
    expect(r.err).toContain("--batch-size: expected an integer > 0");
    expect(r.err).toContain(`--lr: expected a number, got "fast"`);
    expect(r.err).toContain(`--device: got "tpu"; allowed values: ref, cpu, cuda`);
    expect(r.err).toContain("--d-m: expected an integer");
  });
  it("an unknown flag is refused by name, with a suggestion", async () => {
    const r = await cli("train", "--task", "shd", "--epoch", "3");
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown option '--epoch'");
    expect(r.err).toContain("--epochs");
  });
  it("a config file with an unknown key or a bad value is refused, naming the file", async () => {
    const f = join(dir, "bad.json");
    writeFileSync(f, JSON.stringify({ task: "shd-adding", optimiser: "adam", model: "transformer" }));
    const r = await cli("train", "--config", f);
    expect(r.code).toBe(2);
    expect(r.err).toContain(f);
    expect(r.err).toContain("unknown option 'optimiser'");
    expect(r.err).toContain(`--model: got "transformer"; allowed values: elm, branch-elm, network, lstm`);
    writeFileSync(f, "{ not json");
    expect((await cli("train", "--config", f)).err).toContain(`config file ${f} is not valid JSON`);
    expect((await cli("train", "--config", join(dir, "nope.json"))).err).toContain("cannot read config file");
  });
  it("missing SHD files point to 'elm data fetch shd' and --synthetic", async () => {
    const r = await cli("train", "--task", "shd", "--data-dir", join(dir, "none"), "--no-progress", "--out", join(dir, "run"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/shd_train\.h5 not found; download it with 'elm data fetch shd/);
  });
});

describe("devices", () => {
  it("--device cuda without a usable CUDA device fails at once with the reason", async () => {
    const { cudaStatus } = await import("@elm/native");
    const r = await cli("train", "--task", "shd", "--device", "cuda", "--data-dir", join(dir, "none"), "--no-progress", "--out", join(dir, "run-cuda"));
    if (cudaStatus().available) {
      expect(r.err).not.toContain("CUDA device requested but unavailable"); // it gets as far as the missing data
      expect(r.err).toContain("not found");
    } else {
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/CUDA device requested but unavailable: .+ \(choose --device cpu or ref\)/);
    }
  });
});

describe("config resolution", () => {
  it("task defaults (paper) ← file ← flags", () => {
    const c = resolveConfig({ file: { task: "shd-adding", lr: 1e-3, epochs: 5 }, overrides: { epochs: 3, modelConfig: { dM: 16 } } });
    expect(c.optimizer).toBe("adamax"); // paper default for SHD tasks
    expect(c.lr).toBe(1e-3); // file
    expect(c.epochs).toBe(3); // flag beats file
    expect(c.modelConfig.dM).toBe(16);
    expect(c.modelConfig.dropout).toBe(0.5); // paper: dropout 0.5 on SHD
    const n = resolveConfig({ overrides: { task: "neuronio", model: "branch-elm" } });
    expect([n.optimizer, n.lr, n.burnInMs, n.modelConfig.dTree, n.modelConfig.dBrch]).toEqual(["adam", 5e-4, 150, 45, 100]);
  });
});

describe("elm info / data", () => {
  it("info prints the build, threads and the CUDA status", async () => {
    const lines: string[] = [];
    const orig = console.log;
    console.log = (s: string) => lines.push(s);
    try {
      expect((await cli("info", "--json")).code).toBe(0);
    } finally {
      console.log = orig;
    }
    const r = JSON.parse(lines.join("\n"));
    expect(r.threads.kernel).toBeGreaterThan(0);
    expect(r.cuda).toHaveProperty("available");
    if (!r.cuda.available) expect(typeof r.cuda.reason).toBe("string");
  });
  it("data fetch refuses unknown datasets", async () => {
    const r = await cli("data", "fetch", "mnist");
    expect(r.code).toBe(1);
    expect(r.err).toContain("unknown dataset 'mnist'; allowed values: shd");
  });
});
