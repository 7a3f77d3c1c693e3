import { describe, expect, it } from "vitest";
import { readSharedFixture } from "@elm/core/testing";
import { NeuronioDataset } from "../../src/neuronio/dataset.js";
import { readNeuronioSimulations } from "../../src/neuronio/read.js";
import { neuronioInputType, somaFromPrediction, somaTarget, somaTarget32 } from "../../src/neuronio/targets.js";
import { DataRng } from "../../src/rng.js";

const sim = readNeuronioSimulations(readSharedFixture("neuronio", "sim__small_2x1000ms.p"));

describe("NeuronIO targets", () => {
  it("caps soma at −55 mV, removes the −67.7 mV bias, scales by 1/10", () => {
    expect(somaTarget(-67.7)).toBe(0);
    expect(somaTarget(-50)).toBeCloseTo(1.27, 14); // capped: (−55 + 67.7)/10
    expect(somaTarget(20)).toBe(somaTarget(-55));
    expect(somaTarget(-77.7)).toBeCloseTo(-1, 14);
    expect(somaFromPrediction(somaTarget(-60))).toBeCloseTo(-60, 12);
    // float32 steps as torch: fround((fround(v) − fround(−67.7)) · fround(0.1))
    const f = Math.fround;
    expect(somaTarget32(-70.30842602073795)).toBe(f(f(f(-70.30842602073795) - f(-67.7)) * f(0.1)));
    expect(Array.from(neuronioInputType(6))).toEqual([1, 1, 1, -1, -1, -1]);
    expect(neuronioInputType().length).toBe(1278);
  });
});

describe("NeuronioDataset windows", () => {
  it("tiles windows after the ignored start by stride, with synapse-typed inputs and the authors' targets", () => {
    const ds = new NeuronioDataset([sim], { windowSize: 200, burnIn: 50, ignoreTimeFromStart: 500 });
    expect(ds.stride).toBe(150);
    // starts 500, 650, 800 (800+200 = 1000 fits) per simulation
    expect(ds.windows()).toEqual([0, 1].flatMap((s) => [500, 650, 800].map((start) => ({ file: 0, sim: s, start }))));
    const b = ds.batch([{ file: 0, sim: 1, start: 650 }]);
    expect(b.shape).toEqual([1, 200, 1278]);
    expect(b.burnIn).toBe(50);
    let bad = 0, nonzero = 0;
    for (let t = 0; t < 200; t++) {
      for (let c = 0; c < 1278; c++) {
        const on = sim.X[(c * 1000 + 650 + t) * 2 + 1]!;
        if (b.x[t * 1278 + c] !== (on ? (c < 639 ? 1 : -1) : 0)) bad++;
        if (on) nonzero++;
      }
      expect(b.ySpike[t]).toBe(sim.ySpike[(650 + t) * 2 + 1]);
      expect(b.ySoma[t]).toBe(somaTarget32(sim.ySoma[(650 + t) * 2 + 1]!));
    }
    expect(bad).toBe(0);
    expect(nonzero).toBeGreaterThan(100);
    expect(b.windows).toEqual([{ file: 0, sim: 1, start: 650 }]);
    const all = [...ds.batches({ batchSize: 4, shuffle: true, seed: 1 })];
    expect(all.map((x) => x.shape[0])).toEqual([4, 2]);
    expect([...ds.batches({ batchSize: 4, shuffle: false, seed: 1, dropLast: true })].length).toBe(1);
    const again = [...ds.batches({ batchSize: 4, shuffle: true, seed: 1 })];
    expect(Buffer.from(again[0]!.ySoma.buffer).equals(Buffer.from(all[0]!.ySoma.buffer))).toBe(true);
  });

  it("samples batches as the authors' generate_batch: distinct simulations, starts in [ignore, T − W)", () => {
    const ds = new NeuronioDataset([sim], { windowSize: 100, burnIn: 20, ignoreTimeFromStart: 500 });
    const rng = new DataRng(5);
    for (let i = 0; i < 20; i++) {
      const b = ds.sampleBatch(rng, 2);
      expect(b.shape).toEqual([2, 100, 1278]);
      expect(new Set(b.windows.map((w) => w.sim)).size).toBe(2);
      for (const w of b.windows) expect(w.start >= 500 && w.start < 900).toBe(true);
    }
    expect(() => ds.sampleBatch(rng, 3)).toThrow(/batchSize 3 exceeds the 2 simulations/);
    expect(() => new NeuronioDataset([sim], { windowSize: 600, ignoreTimeFromStart: 500 })).toThrow(/shorter than ignoreTimeFromStart \+ windowSize = 1100/);
    expect(() => new NeuronioDataset([sim], { windowSize: 100, burnIn: 100 })).toThrow(/burnIn must be an integer in \[0, windowSize\)/);
  });
});
