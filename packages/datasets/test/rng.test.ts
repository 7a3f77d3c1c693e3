import { describe, expect, it } from "vitest";
import { DataRng } from "../src/index.js";

describe("DataRng", () => {
  it("is deterministic per seed and differs across seeds", () => {
    const a = new DataRng(42), b = new DataRng(42), c = new DataRng(43);
    const xa = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(xa);
  });
  it("uniform() in [0,1) with mean 1/2, int(n) unbiased within 5 sigma", () => {
    const r = new DataRng(1);
    const N = 60_000;
    let s = 0;
    const counts = new Array(6).fill(0);
    for (let i = 0; i < N; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      counts[r.int(6)]++;
    }
    expect(Math.abs(s / N - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    for (const k of counts) expect(Math.abs(k - N / 6)).toBeLessThan(5 * Math.sqrt((N * (1 / 6) * 5) / 6));
  });
  it("poisson(λ) has mean λ, normal() mean 0 and variance 1 (5 sigma)", () => {
    const r = new DataRng(2);
    const N = 20_000;
    for (const lam of [0.5, 6, 50]) {
      let s = 0;
      for (let i = 0; i < N; i++) s += r.poisson(lam);
      expect(Math.abs(s / N - lam)).toBeLessThan(5 * Math.sqrt(lam / N));
    }
    let m = 0, v = 0;
    for (let i = 0; i < N; i++) { const z = r.normal(); m += z; v += z * z; }
    expect(Math.abs(m / N)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(v / N - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
  });
  it("shuffle is a permutation; bad arguments are refused", () => {
    const p = new DataRng(3).shuffle(Int32Array.from({ length: 100 }, (_, i) => i));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(() => new DataRng(NaN)).toThrow(/seed must be a finite number, got NaN/);
    expect(() => new DataRng(0).int(0)).toThrow(/got 0/);
    expect(() => new DataRng(0).poisson(-1)).toThrow(/lambda ≥ 0, got -1/);
  });
});
