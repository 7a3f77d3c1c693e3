import { describe, expect, it } from "vitest";
import { binSamples, digitizeMinusOne, ShdDataset, timeBins } from "../src/index.js";
import { tinySamples } from "./helpers.js";

// float32 spike times and the bins numpy gives them: for each bin_ms,
//   e = np.arange(0, 1.0 + b/1000, b/1000); np.digitize(np.float32(ts), e) - 1
// (numpy 2.4.6). A result equal to len(e) - 1 (= T) is the dropped "past the last edge" bin.
const TIMES32 = [0, 0.001, 0.002, 0.0019999, 0.004, 0.006, 0.01, 0.02, 0.1, 0.3, 0.7, 0.998, 0.999, 0.9999, 1.0, 1.001, 1.0019, 1.002, 1.5, 0.996, 0.99, 0.5].map(Math.fround);
const NUMPY: Record<number, { T: number; bins: number[] }> = {
  1: { T: 1000, bins: [0, 1, 2, 1, 4, 6, 9, 19, 100, 300, 699, 998, 999, 999, 1000, 1000, 1000, 1000, 1000, 995, 990, 500] },
  2: { T: 500, bins: [0, 0, 1, 0, 2, 3, 4, 9, 50, 150, 349, 499, 499, 499, 500, 500, 500, 500, 500, 497, 495, 250] },
  3: { T: 334, bins: [0, 0, 0, 0, 1, 2, 3, 6, 33, 100, 233, 332, 333, 333, 333, 333, 333, 333, 334, 331, 330, 166] },
  7: { T: 143, bins: [0, 0, 0, 0, 0, 0, 1, 2, 14, 42, 99, 142, 142, 142, 142, 143, 143, 143, 143, 142, 141, 71] },
  10: { T: 100, bins: [0, 0, 0, 0, 0, 0, 0, 1, 10, 30, 69, 99, 99, 99, 100, 100, 100, 100, 100, 99, 99, 50] },
};

describe("time bins (np.arange + np.digitize - 1, as the authors)", () => {
  it("has numpy's number of edges and values", () => {
    for (const [b, { T }] of Object.entries(NUMPY)) expect(timeBins(Number(b)).steps, `bin ${b} ms`).toBe(T);
    const e3 = timeBins(3).edges;
    expect(e3[e3.length - 1]).toBe(1.002); // the 3 ms grid overshoots 1 s: its last bin [0.999, 1.002) is kept
    expect(timeBins(7).edges[143]).toBe(1.0010000000000001);
    expect(timeBins(2).edges[500]).toBe(1);
  });
  it("puts float32 spike times in exactly numpy's bins, edges included", () => {
    for (const [b, { bins }] of Object.entries(NUMPY)) {
      const { edges } = timeBins(Number(b));
      expect(TIMES32.map((t) => digitizeMinusOne(t, edges)), `bin ${b} ms`).toEqual(bins);
    }
  });
  it("a spike on an edge opens that bin; below 0 is -1; NaN and ≥ last edge go past the end", () => {
    const { edges } = timeBins(2);
    expect(digitizeMinusOne(edges[7], edges)).toBe(7);
    expect(digitizeMinusOne(edges[7] - 1e-12, edges)).toBe(6);
    expect(digitizeMinusOne(-1e-9, edges)).toBe(-1);
    expect(digitizeMinusOne(NaN, edges)).toBe(500);
    expect(digitizeMinusOne(1, edges)).toBe(500);
  });
  it("refuses a bin width that is not a positive number", () => {
    expect(() => timeBins(0)).toThrow(/binMs must be a positive number/);
    expect(() => timeBins(-2)).toThrow(/got -2/);
    expect(timeBins(2000).steps).toBe(1); // numpy too: arange(0, 3, 2) = [0, 2], one bin
    expect(() => timeBins(Infinity)).toThrow(/binMs/);
  });
});

describe("densifying", () => {
  it("counts repeated spikes, drops spikes past the last edge, keeps the rest in [T, C]", () => {
    const s = tinySamples([
      { times: [0, 0.0005, 0.002, 0.999, 1.0, 1.2], units: [5, 5, 699, 3, 4, 4], label: 7 },
      { times: [], units: [], label: 19 },
    ]);
    const b = binSamples(s, 2);
    expect(b.dropped).toBe(2);
    const ds = new ShdDataset(s, { binMs: 2 });
    const batch = ds.batchOf([0, 1]);
    expect(batch.shape).toEqual([2, 500, 700]);
    const at = (bi: number, t: number, c: number): number => batch.x[(bi * 500 + t) * 700 + c];
    expect(at(0, 0, 5)).toBe(2);
    expect(at(0, 1, 699)).toBe(1);
    expect(at(0, 499, 3)).toBe(1);
    let total = 0;
    for (const v of batch.x) total += v;
    expect(total).toBe(4);
    expect(Array.from(batch.y)).toEqual([7, 19]);
  });
});
