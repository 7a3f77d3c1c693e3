import { describe, expect, it } from "vitest";
import { Rng } from "../src/index.js";

describe("Rng", () => {
  it("is reproducible from a seed and differs between seeds", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(xs);
  });
  it("forks independent streams that do not depend on draws so far", () => {
    const r = new Rng(1);
    const d1 = r.fork("data").uniform();
    r.uniform();
    r.normal();
    expect(r.fork("data").uniform()).toBe(d1);
    expect(r.fork("init").uniform()).not.toBe(d1);
    expect(r.fork("dropout").fork("x").uniform()).not.toBe(r.fork("dropout").uniform());
  });
  it("state round-trips mid-stream, including the cached normal", () => {
    const r = new Rng(9);
    r.uniform();
    r.normal(); // leaves a spare
    const s = JSON.parse(JSON.stringify(r.getState()));
    const want = [r.normal(), r.uniform(), r.int(10)];
    const q = Rng.fromState(s);
    expect([q.normal(), q.uniform(), q.int(10)]).toEqual(want);
    expect(q.fork("data").uniform()).toBe(r.fork("data").uniform());
    expect(() => Rng.fromState({ key: [1], s: [] } as never)).toThrow(/Rng state/);
  });
  it("uniform in [0,1), int in [0,n) roughly uniform", () => {
    const r = new Rng(3);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 50000; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      counts[r.int(5)]++;
    }
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
    expect(() => r.int(0)).toThrow(/n must be an integer/);
    expect([...r.permutation(6)].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
