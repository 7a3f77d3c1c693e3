import { describe, expect, it } from "vitest";
import { addingLabel, ShdAddingDataset, ShdDataset, type Batch } from "../src/index.js";
import { tinySamples } from "./helpers.js";

// sample i: one spike in channel i at time i ms, label i % 20 — so a batch row tells which sample it holds
const N = 50;
const S = tinySamples(Array.from({ length: N }, (_, i) => ({ times: [i / 1000], units: [i], label: i % 20 })));
const whichSample = (b: Batch, row: number, t0 = 0, T = b.shape[1]): number => {
  const [, , C] = b.shape;
  for (let t = t0; t < t0 + T; t++) for (let c = 0; c < C; c++) if (b.x[(row * b.shape[1] + t) * C + c] === 1) return c;
  return -1;
};

describe("ShdDataset batches (CONTRACTS §3)", () => {
  const ds = new ShdDataset(S, { binMs: 10 });
  it("shapes, every sample once per epoch, shuffle by seed", () => {
    expect([ds.length, ds.steps, ds.channels, ds.numClasses]).toEqual([N, 100, 700, 20]);
    const seen: number[] = [];
    const batches = [...ds.batches({ batchSize: 8, shuffle: true, seed: 1 })] as Batch[];
    expect(batches.map((b) => b.shape[0])).toEqual([8, 8, 8, 8, 8, 8, 2]);
    for (const b of batches) {
      expect(b.x).toBeInstanceOf(Float32Array);
      expect(b.y).toBeInstanceOf(Int32Array);
      expect(b.x.length).toBe(b.shape[0] * 100 * 700);
      for (let r = 0; r < b.shape[0]; r++) {
        const i = whichSample(b, r);
        expect(b.y[r]).toBe(i % 20);
        seen.push(i);
      }
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(seen).not.toEqual(Array.from({ length: N }, (_, i) => i));
    const again = [...ds.batches({ batchSize: 8, shuffle: true, seed: 1 })] as Batch[];
    expect(Array.from(again[0].y)).toEqual(Array.from(batches[0].y));
    const ordered = [...ds.batches({ batchSize: 8, shuffle: false, seed: 1, dropLast: true })] as Batch[];
    expect(ordered.length).toBe(6);
    expect(whichSample(ordered[1], 0)).toBe(8);
  });
  it("refuses a bad batch size or sample index", () => {
    expect(() => [...ds.batches({ batchSize: 0, shuffle: false, seed: 0 })]).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => ds.batchOf([0, 50])).toThrow(/sample index 50 \(batch row 1\) is out of range \[0, 50\)/);
    const ad = new ShdAddingDataset(S, { binMs: 10 });
    expect(() => ad.batchOf([0], [-1])).toThrow(/sample index -1/);
    expect(() => ad.batchOf([0, 1], [2])).toThrow(/2 first samples but 1 second/);
  });
});

describe("SHD-Adding", () => {
  it("label = (a mod 10) + (b mod 10), in [0, 18]", () => {
    expect(addingLabel(0, 0)).toBe(0);
    expect(addingLabel(19, 9)).toBe(18);
    expect(addingLabel(13, 7)).toBe(10);
    for (let a = 0; a < 20; a++) for (let b = 0; b < 20; b++) expect(addingLabel(a, b)).toBeLessThanOrEqual(18);
  });
  it("concatenates the two samples in time; labels match the samples drawn; fixed batches per epoch", () => {
    const ad = new ShdAddingDataset(S, { binMs: 10, samplesPerEpoch: 40, seed: 9 });
    expect([ad.length, ad.steps, ad.numClasses, ad.channels]).toEqual([40, 200, 19, 700]);
    const batches = [...ad.batches({ batchSize: 8, shuffle: true, seed: 5 })] as Batch[];
    expect(batches.length).toBe(5);
    const hist = new Array(19).fill(0);
    for (const b of batches) {
      expect(b.shape).toEqual([8, 200, 700]);
      for (let r = 0; r < 8; r++) {
        const a = whichSample(b, r, 0, 100);
        const c = whichSample(b, r, 100, 100);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(c).toBeGreaterThanOrEqual(0);
        expect(b.y[r]).toBe(((a % 20) % 10) + ((c % 20) % 10));
        hist[b.y[r]]++;
      }
    }
    expect(hist.filter((h) => h > 0).length).toBeGreaterThan(5);
    // partial last batch unless dropLast
    expect(([...ad.batches({ batchSize: 16, shuffle: true, seed: 5 })] as Batch[]).map((b) => b.shape[0])).toEqual([16, 16, 8]);
    expect(([...ad.batches({ batchSize: 16, shuffle: true, seed: 5, dropLast: true })] as Batch[]).length).toBe(2);
  });
  it("seeded: same seed same pairs, new seed new pairs, shuffle=false always the dataset's own pairs", () => {
    const ad = new ShdAddingDataset(S, { binMs: 10, samplesPerEpoch: 16, seed: 9 });
    const ys = (o: { shuffle: boolean; seed: number }): number[] => ([...ad.batches({ batchSize: 16, ...o })] as Batch[]).flatMap((b) => Array.from(b.y));
    expect(ys({ shuffle: true, seed: 1 })).toEqual(ys({ shuffle: true, seed: 1 }));
    expect(ys({ shuffle: true, seed: 1 })).not.toEqual(ys({ shuffle: true, seed: 2 }));
    expect(ys({ shuffle: false, seed: 1 })).toEqual(ys({ shuffle: false, seed: 2 }));
    expect(ys({ shuffle: false, seed: 1 })).toEqual(ys({ shuffle: true, seed: 9 }));
  });
});
