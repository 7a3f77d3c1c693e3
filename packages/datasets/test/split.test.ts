import { describe, expect, it } from "vitest";
import { splitBySpeakers, splitTrainValid } from "../src/index.js";
import { tinySamples } from "./helpers.js";

const N = 1000;
const S = tinySamples(Array.from({ length: N }, (_, i) => ({ times: [i / N], units: [i % 700], label: i % 20, speaker: i % 7 })));

describe("train/validation split", () => {
  for (const method of ["bernoulli", "exact"] as const) {
    it(`${method}: deterministic by seed, disjoint, covers every sample, carries the spikes`, () => {
      const a = splitTrainValid(S, { validFraction: 0.2, seed: 3, method });
      const b = splitTrainValid(S, { validFraction: 0.2, seed: 3, method });
      const c = splitTrainValid(S, { validFraction: 0.2, seed: 4, method });
      expect(Array.from(a.validIndices)).toEqual(Array.from(b.validIndices));
      expect(Array.from(a.validIndices)).not.toEqual(Array.from(c.validIndices));
      const all = [...a.trainIndices, ...a.validIndices].sort((x, y) => x - y);
      expect(all).toEqual(Array.from({ length: N }, (_, i) => i));
      if (method === "exact") expect(a.valid.labels.length).toBe(200);
      else expect(Math.abs(a.valid.labels.length - 200)).toBeLessThan(4 * Math.sqrt(N * 0.2 * 0.8)); // binomial(1000, 0.2)
      // sample k of the split is sample validIndices[k] of the file
      const k = 5;
      const i = a.validIndices[k];
      expect(a.valid.labels[k]).toBe(i % 20);
      expect(a.valid.times[a.valid.offsets[k]]).toBe(Math.fround(i / N));
      expect(a.valid.speakers?.[k]).toBe(i % 7);
    });
  }
  it("fraction 0 leaves validation empty; bad fractions are refused", () => {
    expect(splitTrainValid(S, { validFraction: 0, seed: 1 }).valid.labels.length).toBe(0);
    expect(() => splitTrainValid(S, { validFraction: 1, seed: 1 })).toThrow(/validFraction must be in \[0, 1\), got 1/);
    expect(() => splitTrainValid(S, { validFraction: -0.1, seed: 1 })).toThrow(/got -0.1/);
  });
  it("held-out speakers go to validation, all of them and only them", () => {
    const s = splitBySpeakers(S, [2, 5]);
    expect(new Set(s.valid.speakers)).toEqual(new Set([2, 5]));
    expect([...(s.train.speakers ?? [])].some((v) => v === 2 || v === 5)).toBe(false);
    expect(s.train.labels.length + s.valid.labels.length).toBe(N);
    expect(() => splitBySpeakers(S, [9])).toThrow(/speakers 9 do not occur/);
    const noSpk = tinySamples([{ times: [0.1], units: [1], label: 0 }]);
    expect(() => splitBySpeakers(noSpk, [0])).toThrow(/no extra\/speaker/);
  });
});
