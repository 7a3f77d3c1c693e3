// `pnpm bench:pair` (benchmarks/pair.ts): two builds of the CPU addon compared step
// by step in one process. The same build given twice must come out bit-identical,
// the table must hold finite positive ratios, the verdict must name an array that
// differs, and a file that is not an addon is refused by name.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareOutputs, medianInterval, runPair } from "../../benchmarks/pair.js";
import { buildDir, cpu } from "../lib/index.js";

const addon = join(buildDir, "elm_cpu.node");
const dir = mkdtempSync(join(tmpdir(), "elm-pair-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("bench:pair", () => {
  it("runs one build against itself: bit-identical, ratios finite, the caller's addon restored", () => {
    const forward = cpu.elmNetworkForward;
    const lines: string[] = [];
    const r = runPair({ a: addon, b: addon, kernel: "network", rounds: 2, inputGrad: false, log: (l) => lines.push(l) });
    expect(r.identical).toBe(true);
    expect(r.verdict).toMatch(/^bit-identical \(\d+ arrays/);
    expect(r.parts.map((p) => p.part)).toEqual(["step", "forward", "backward"]);
    for (const p of r.parts) {
      expect(p.ratio).toBeGreaterThan(0);
      expect(Number.isFinite(p.ratio)).toBe(true);
      expect(p.interval[0]).toBeLessThanOrEqual(p.ratio);
      expect(p.interval[1]).toBeGreaterThanOrEqual(p.ratio);
      expect(p.medianA).toBeGreaterThan(0);
    }
    expect(lines.some((l) => l.startsWith("| step |"))).toBe(true);
    expect(lines.some((l) => /^machine: .+, \d+ logical CPUs, /.test(l))).toBe(true);
    expect(cpu.elmNetworkForward).toBe(forward);
  });

  it("names the arrays that differ, how many elements and by how much", () => {
    const a = new Map([["backward.dW", Float32Array.of(1, 2, 3)], ["forward.y", Float32Array.of(0, -0)]]);
    const b = new Map([["backward.dW", Float32Array.of(1, 2.5, 3)], ["forward.y", Float32Array.of(0, -0)], ["extra", Float32Array.of(1)]]);
    const d = compareOutputs(a, b);
    expect(d).toEqual(["backward.dW: 1 of 3 differ, largest relative difference 2.00e-1", "extra: only in B"]);
    expect(compareOutputs(a, new Map([["forward.y", Float32Array.of(0, 0)]]))).toEqual([
      "backward.dW: missing or of another length in B",
      "forward.y: 1 of 2 differ, largest relative difference 0.00e+0",
    ]);
  });

  it("gives a distribution-free interval around the median", () => {
    const xs = Array.from({ length: 25 }, (_, i) => 1 + i / 100);
    const [lo, hi] = medianInterval(xs);
    expect(lo).toBeCloseTo(1.07, 12); // order statistics 12.5 ∓ 4.9 → the 8th and 18th of 25
    expect(hi).toBeCloseTo(1.17, 12);
  });

  it("refuses a file that is not an addon, a bad kernel and too few rounds, by name", () => {
    const bogus = join(dir, "bogus.node");
    writeFileSync(bogus, "not a shared object");
    expect(() => runPair({ a: addon, b: join(dir, "missing.node"), kernel: "network", rounds: 2, inputGrad: false, log: () => {} }))
      .toThrow(/B: .*missing\.node does not exist/);
    expect(() => runPair({ a: bogus, b: addon, kernel: "network", rounds: 2, inputGrad: false, log: () => {} }))
      .toThrow(/A: .*bogus\.node could not be loaded as an addon/);
    expect(() => runPair({ a: addon, b: addon, kernel: "lstm", rounds: 2, inputGrad: false, log: () => {} }))
      .toThrow(/--kernel must be one of network, network-16, network-256, neuron, got "lstm"/);
    expect(() => runPair({ a: addon, b: addon, kernel: "network", rounds: 1, inputGrad: false, log: () => {} }))
      .toThrow(/--rounds must be an integer ≥ 2, got 1/);
  });
});
