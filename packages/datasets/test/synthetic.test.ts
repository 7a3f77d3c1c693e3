import { existsSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import {
  bandOrders,
  ensureSpikingDigits,
  generateSpikingDigits,
  loadSpikingDigits,
  ShdDataset,
  spikeStats,
  SPIKING_DIGITS_DEFAULTS,
  type SpikeSamples,
} from "../src/index.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir();
/** -1 when equal (same length, same values), else the first index that differs. */
const firstDifference = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
};
afterAll(() => tmp.cleanup());
const SMALL = { trainSamples: 400, testSamples: 120, seed: 7 };

describe("synthetic spiking digits", () => {
  it("pass through the SHD file format and reader unchanged (exact arrays, same statistics)", async () => {
    const mem = generateSpikingDigits(SMALL);
    const { train, test, files } = await loadSpikingDigits({ ...SMALL, cacheDir: tmp.dir });
    expect(files.generated).toBe(true);
    for (const [a, b] of [[mem.train, train], [mem.test, test]] as [SpikeSamples, SpikeSamples][]) {
      expect(b.labels).toEqual(a.labels);
      expect(b.speakers).toEqual(a.speakers);
      expect(firstDifference(b.offsets, a.offsets)).toBe(-1);
      expect(firstDifference(b.times, a.times)).toBe(-1);
      expect(firstDifference(b.units, a.units)).toBe(-1);
      expect(b.times.length).toBeGreaterThan(100_000);
      expect(spikeStats(b)).toEqual(spikeStats(a));
    }
  });

  it("have the intended statistics: 20 balanced classes, 700 channels, < 1 s, Poisson counts near their expectation", () => {
    const { train, test, options: o } = generateSpikingDigits(SMALL);
    const st = spikeStats(train);
    expect(st.classCounts).toEqual(new Array(20).fill(20));
    expect(st.maxDuration).toBeLessThan(1);
    expect(st.fractionPast1s).toBe(0);
    expect(train.units.reduce((m, u) => Math.max(m, u), 0)).toBeLessThan(700);
    // E[spikes] ≈ 4 segments · peak · σ√(2π) · segment + background · C · (onset + 4·segment + 0.03), speaker gain and tempo ≈ 1 on average
    const expected = 4 * o.peakRateHz * o.bandWidth * Math.sqrt(2 * Math.PI) * o.segmentS + o.backgroundHz * o.channels * (0.05 + 4 * o.segmentS + 0.03);
    expect(Math.abs(st.meanSpikes / expected - 1)).toBeLessThan(0.15);
    let unsorted = 0; // spikes stored in time order within a sample, as in SHD
    for (let i = 0; i < train.labels.length; i++) {
      for (let j = train.offsets[i] + 1; j < train.offsets[i + 1]; j++) if (train.times[j] < train.times[j - 1]) unsorted++;
    }
    expect(unsorted).toBe(0);
    // held-out speakers occur only in the test split, as in SHD
    const trainSpk = new Set(train.speakers);
    const testOnly = [...new Set(test.speakers)].filter((s) => !trainSpk.has(s));
    expect(testOnly.sort()).toEqual([10, 11]);
    expect(bandOrders().length).toBe(20);
    expect(new Set(bandOrders().map((p) => p.join())).size).toBe(20);
  });

  it("are learnable only with time: a time-summed classifier is at chance, a time-resolved one is not", () => {
    const { train, test } = generateSpikingDigits({ trainSamples: 400, testSamples: 200, seed: 3 });
    const feats = (s: SpikeSamples, chunks: number): Float64Array[] => {
      const ds = new ShdDataset(s, { binMs: 10 });
      const G = 35;
      const out: Float64Array[] = [];
      for (const b of ds.batches({ batchSize: 50, shuffle: false, seed: 0 })) {
        const [B, T, C] = b.shape;
        for (let r = 0; r < B; r++) {
          const f = new Float64Array(chunks * G);
          for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) {
            const v = b.x[(r * T + t) * C + c];
            if (v) f[Math.floor((t * chunks) / T) * G + Math.floor((c * G) / C)] += v;
          }
          const n = Math.hypot(...f) || 1;
          out.push(f.map((v) => v / n));
        }
      }
      return out;
    };
    const accuracy = (chunks: number): number => {
      const ftr = feats(train, chunks);
      const fte = feats(test, chunks);
      const cent = Array.from({ length: 20 }, () => new Float64Array(ftr[0].length));
      ftr.forEach((f, i) => f.forEach((v, j) => (cent[train.labels[i]][j] += v)));
      let ok = 0;
      fte.forEach((f, i) => {
        let best = -1;
        let bd = Infinity;
        cent.forEach((c, k) => {
          const d = c.reduce((acc, v, j) => acc + (f[j] - v / 20) ** 2, 0);
          if (d < bd) { bd = d; best = k; }
        });
        if (best === test.labels[i]) ok++;
      });
      return ok / fte.length;
    };
    expect(accuracy(1)).toBeLessThan(0.12); // chance is 0.05
    expect(accuracy(8)).toBeGreaterThan(0.6);
  });

  it("are cached by options and seed, and deterministic", () => {
    const a = ensureSpikingDigits({ ...SMALL, cacheDir: tmp.dir });
    expect(a.generated).toBe(false); // written by the first test
    const b = ensureSpikingDigits({ ...SMALL, seed: 8, trainSamples: 40, testSamples: 20, cacheDir: tmp.dir });
    expect(b.generated).toBe(true);
    expect(b.dir).not.toBe(a.dir);
    expect(existsSync(b.train) && existsSync(b.test)).toBe(true);
    const x = generateSpikingDigits({ trainSamples: 30, testSamples: 10, seed: 5 });
    const y = generateSpikingDigits({ trainSamples: 30, testSamples: 10, seed: 5 });
    expect(firstDifference(x.train.times, y.train.times)).toBe(-1);
    expect(() => generateSpikingDigits({ trainSamples: 1.5 })).toThrow(/trainSamples must be an integer, got 1.5/);
    expect(() => generateSpikingDigits({ peakRateHz: -1 })).toThrow(/peakRateHz must be a finite number ≥ 0, got -1/);
    expect(SPIKING_DIGITS_DEFAULTS.channels).toBe(700);
  });
});
