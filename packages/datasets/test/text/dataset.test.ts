import { describe, expect, it } from "vitest";
import { ByteTextDataset, DataRng, TEXT_PAD, type TextBatch } from "../../src/index.js";

const randomBytes = (n: number, seed: number): Uint8Array => {
  const r = new DataRng(seed);
  return Uint8Array.from({ length: n }, () => r.int(256));
};
const row = (a: Int32Array, b: number, T: number): number[] => Array.from(a.subarray(b * T, (b + 1) * T));

/** The offset where `win` occurs in `data` (the data is random, so windows of 24 bytes are unique). */
const find = (data: Uint8Array, win: number[]): number => {
  let hit = -1;
  for (let s = 0; s + win.length <= data.length; s++) {
    let ok = true;
    for (let t = 0; t < win.length && ok; t++) ok = data[s + t] === win[t];
    if (ok) { expect(hit).toBe(-1); hit = s; }
  }
  return hit;
};

describe("ByteTextDataset: training windows", () => {
  const data = randomBytes(3000, 5);
  const ds = new ByteTextDataset(data, { seqLen: 24, batchesPerEpoch: 7, name: "rand" });

  it("yields batchesPerEpoch batches of contiguous windows with y = x shifted by one", () => {
    const batches = [...ds.batches({ batchSize: 4, shuffle: true, seed: 1 })];
    expect(batches.length).toBe(7);
    expect(ds.numBatches({ batchSize: 4, shuffle: true, seed: 1 })).toBe(7);
    for (const b of batches) {
      expect(b.shape).toEqual([4, 24]);
      expect(b.x.length).toBe(96);
      expect(b.tokens).toBe(96);
      for (let r = 0; r < 4; r++) {
        const s = find(data, row(b.x, r, 24));
        expect(s).toBeGreaterThanOrEqual(0);
        expect(row(b.y, r, 24)).toEqual(Array.from(data.subarray(s + 1, s + 25)));
      }
    }
    expect([...ds.batches({ batchSize: 4, shuffle: true, seed: 1, maxBatches: 2 })].length).toBe(2);
  });

  it("is deterministic per seed and differs across seeds", () => {
    const a = [...ds.batches({ batchSize: 3, shuffle: true, seed: 11 })];
    const b = [...ds.batches({ batchSize: 3, shuffle: true, seed: 11 })];
    const c = [...ds.batches({ batchSize: 3, shuffle: true, seed: 12 })];
    expect(b).toEqual(a);
    expect(c.map((x) => Array.from(x.x))).not.toEqual(a.map((x) => Array.from(x.x)));
  });

  it("draws every start in [0, length − T − 1], including both ends", () => {
    const small = new ByteTextDataset(Uint8Array.from({ length: 40 }, (_, i) => i), { seqLen: 8, batchesPerEpoch: 200 });
    const starts = new Set<number>();
    for (const b of small.batches({ batchSize: 4, shuffle: true, seed: 3 })) for (let r = 0; r < 4; r++) starts.add(b.x[r * 8]);
    expect(Math.min(...starts)).toBe(0);
    expect(Math.max(...starts)).toBe(40 - 8 - 1);
    expect(starts.size).toBe(32);
  });

  it("batchOf takes explicit starts and checks them", () => {
    const b = ds.batchOf([0, 3000 - 25]);
    expect(row(b.x, 0, 24)).toEqual(Array.from(data.subarray(0, 24)));
    expect(row(b.y, 1, 24)).toEqual(Array.from(data.subarray(3000 - 24)));
    expect(() => ds.batchOf([3000 - 24])).toThrow(/rand: window start 2976 out of range \[0, 2975\] for T = 24 and 3000 bytes/);
    expect(() => ds.batchOf([-1])).toThrow(/out of range/);
  });
});

describe("ByteTextDataset: evaluation pass", () => {
  // byte i = i, so a target's value is its position in the split
  const n = 200;
  const data = Uint8Array.from({ length: n }, (_, i) => i);

  it("covers every target exactly once, in B contiguous streams that continue across batches", () => {
    for (const [B, T] of [[3, 7], [1, 10], [4, 50], [7, 1], [64, 5]]) {
      const ds = new ByteTextDataset(data, { seqLen: T });
      const batches = [...ds.batches({ batchSize: B, shuffle: false, seed: 0 })];
      const L = Math.ceil((n - 1) / B);
      expect(batches.length).toBe(Math.ceil(L / T));
      expect(ds.numBatches({ batchSize: B, shuffle: false, seed: 0 })).toBe(batches.length);
      const seen: number[] = [];
      let tokens = 0;
      batches.forEach((b: TextBatch, k) => {
        expect(b.shape).toEqual([B, T]);
        tokens += b.tokens;
        for (let r = 0; r < B; r++) {
          for (let t = 0; t < T; t++) {
            const y = b.y[r * T + t];
            if (y === TEXT_PAD) { expect(b.x[r * T + t]).toBe(0); continue; }
            seen.push(y);
            expect(b.x[r * T + t]).toBe(y - 1); // y is x shifted by one
            expect(y).toBe(r * L + k * T + t + 1); // stream r, step kT + t
          }
        }
        expect(b.tokens).toBe(Array.from(b.y).filter((v) => v !== TEXT_PAD).length);
      });
      expect(tokens).toBe(n - 1);
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: n - 1 }, (_, i) => i + 1));
      // the same every time, whatever the seed
      expect([...ds.batches({ batchSize: B, shuffle: false, seed: 9 })]).toEqual(batches);
    }
  });

  it("dropLast: only whole [B, T] batches, no padding", () => {
    const ds = new ByteTextDataset(data, { seqLen: 7 });
    const batches = [...ds.batches({ batchSize: 3, shuffle: false, seed: 0, dropLast: true })];
    expect(batches.length).toBe(Math.floor(Math.floor(199 / 3) / 7)); // 66 steps per stream → 9 batches
    for (const b of batches) {
      expect(b.tokens).toBe(21);
      expect(Array.from(b.y)).not.toContain(TEXT_PAD);
    }
    expect(batches[1].x[7]).toBe(66 + 7); // stream 1 starts at byte 66
  });

  it("rejects bad options and too little data", () => {
    const ds = new ByteTextDataset(data, { seqLen: 8 });
    expect(() => ds.numBatches({ batchSize: 0, shuffle: true, seed: 0 })).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => ds.numBatches({ batchSize: 2, shuffle: true, seed: NaN })).toThrow(/seed must be a finite number/);
    expect(() => ds.numBatches({ batchSize: 2, shuffle: true, seed: 0, maxBatches: -1 })).toThrow(/maxBatches/);
    expect(() => new ByteTextDataset(data, { seqLen: 0 })).toThrow(/seqLen must be a positive integer, got 0/);
    expect(() => new ByteTextDataset(data, { batchesPerEpoch: 1.5 })).toThrow(/batchesPerEpoch must be a positive integer, got 1.5/);
    expect(() => new ByteTextDataset(Uint8Array.of(1), { name: "tiny" })).toThrow(/tiny: 1 bytes hold no next-byte target/);
    const short = new ByteTextDataset(Uint8Array.of(1, 2, 3), { seqLen: 8, name: "short" });
    expect(() => [...short.batches({ batchSize: 1, shuffle: true, seed: 0 })]).toThrow(/short: 3 bytes are too few for one window of T = 8/);
    // evaluation still works on it: one padded batch
    const [b] = [...short.batches({ batchSize: 1, shuffle: false, seed: 0 })];
    expect(Array.from(b.y)).toEqual([2, 3, -1, -1, -1, -1, -1, -1]);
  });
});
