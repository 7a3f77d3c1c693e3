import { describe, expect, it } from "vitest";
import { readSharedFixture, readSharedJson } from "@elm/core/testing";
import { fillInputWindow, readNeuronioSimulations, readNeuronioSparse } from "../../src/neuronio/read.js";
import { NeuronioDataset } from "../../src/neuronio/dataset.js";
import { computeTestPredictions } from "../../src/neuronio/eval.js";
import { writeNeuronioSimulations, type NeuronioFileContent } from "../../src/neuronio/write.js";
import { NumpyArray, numpyGlobals, resolveNumpy } from "../../src/pickle/numpy.js";
import { unpickle } from "../../src/pickle/unpickle.js";
import { DatasetFileError } from "../../src/errors.js";

const bytes = readSharedFixture("neuronio", "sim__small_2x1000ms.p");
const expected = readSharedJson<{
  X_shape: number[]; X_nonzero: number[][]; y_spike_shape: number[]; y_spike_nonzero: number[][];
  y_soma: { shape: number[]; data: number[] };
}>("neuronio", "sim__small_2x1000ms.expected.json");

/** Index of the first element where a and b differ (bitwise for floats), −1 when equal; −2 when lengths differ. */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

function nonzero3(X: Uint8Array, [a, b, c]: number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a!; i++) for (let j = 0; j < b!; j++) for (let k = 0; k < c!; k++) if (X[(i * b! + j) * c! + k]) out.push([i, j, k]);
  return out;
}

/** The file's raw records, to write them again in either flavour. */
function rawContent(b: Uint8Array): NeuronioFileContent {
  const root = resolveNumpy(unpickle(b, { globals: numpyGlobals() }));
  const p = root.get("Params");
  const sims = root.get("Results").get("listOfSingleSimulationDicts") as Map<string, unknown>[];
  return {
    segmentType: p.get("allSegmentsType"),
    segmentDistFromSoma: p.get("allSegments_DistFromSoma"),
    totalSimDurationInSec: p.get("totalSimDurationInSec"),
    simulations: sims.map((s) => ({
      exInputSpikeTimes: s.get("exInputSpikeTimes") as Map<number, number[]>,
      inhInputSpikeTimes: s.get("inhInputSpikeTimes") as Map<number, number[]>,
      outputSpikeTimes: (s.get("outputSpikeTimes") as NumpyArray).data as Float64Array,
      somaVoltageLowRes: (s.get("somaVoltageLowRes") as NumpyArray).data as Float64Array,
    })),
  };
}

describe("NeuronIO reader", () => {
  const sim = readNeuronioSimulations(bytes, "sim__small_2x1000ms.p");

  it("reads the Python 3 sample to exactly the authors' parse_sim_experiment_file arrays", () => {
    expect([2 * sim.numSegments, sim.simDurationMs, sim.numSimulations]).toEqual(expected.X_shape);
    expect(nonzero3(sim.X, expected.X_shape)).toEqual(expected.X_nonzero);
    expect([sim.simDurationMs, sim.numSimulations]).toEqual(expected.y_spike_shape);
    const ys: number[][] = [];
    for (let t = 0; t < sim.simDurationMs; t++) for (let k = 0; k < sim.numSimulations; k++) if (sim.ySpike[t * 2 + k]) ys.push([t, k]);
    expect(ys).toEqual(expected.y_spike_nonzero);
    expect(expected.y_soma.shape).toEqual([1000, 2]);
    const soma = expected.y_soma.data;
    expect(soma.length).toBe(2000);
    expect(firstDiff(sim.ySoma, soma)).toBe(-1); // bit-exact float64
    expect(sim.segmentType.length).toBe(639);
    expect(sim.segmentDistFromSoma.length).toBe(639);
    expect(sim.X.reduce((a, b) => a + b, 0)).toBe(expected.X_nonzero.length);
  });

  it("reads the same content written as a Python 2 pickle (BINSTRING keys and payloads) and as Python 3 identically", () => {
    const content = rawContent(bytes);
    for (const flavor of ["py2", "py3"] as const) {
      const again = writeNeuronioSimulations(content, flavor);
      const s2 = readNeuronioSimulations(again, flavor);
      expect(firstDiff(s2.X, sim.X)).toBe(-1);
      expect(firstDiff(s2.ySpike, sim.ySpike)).toBe(-1);
      expect(firstDiff(s2.ySoma, sim.ySoma)).toBe(-1);
      expect(s2.segmentType).toEqual(sim.segmentType);
      expect(s2.segmentDistFromSoma).toEqual(sim.segmentDistFromSoma);
    }
    // the Python 2 flavour really uses BINSTRING: 'Params' as SHORT_BINSTRING (U, len 6)
    const py2 = writeNeuronioSimulations(content, "py2");
    expect(Buffer.from(py2).includes(Buffer.from([0x55, 6, ...Buffer.from("Params")]))).toBe(true);
    expect(Buffer.from(py2).includes(Buffer.from("_codecs"))).toBe(false);
  });

  it("the sparse reader holds the same inputs as events (and the same targets)", () => {
    const sp = readNeuronioSparse(bytes, "sim__small_2x1000ms.p");
    expect(firstDiff(sp.ySpike, sim.ySpike)).toBe(-1);
    expect(firstDiff(sp.ySoma, sim.ySoma)).toBe(-1);
    const events: number[][] = [];
    sp.inputs.forEach(({ offsets, channels }, k) => {
      expect(offsets.length).toBe(1001);
      for (let t = 0; t < 1000; t++) for (let i = offsets[t]!; i < offsets[t + 1]!; i++) events.push([channels[i]!, t, k]);
    });
    events.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!);
    expect(events).toEqual(expected.X_nonzero);
    // windows, batches and evaluation inputs agree between the two forms
    const xa = new Float32Array(300 * 1278), xb = new Float32Array(300 * 1278);
    fillInputWindow(sim, 1, 800, 300, xa, 0);
    fillInputWindow(sp, 1, 800, 300, xb, 0);
    expect(firstDiff(xa, xb)).toBe(-1);
    expect(xa.some((v) => v === -1) && xa.some((v) => v === 1)).toBe(true);
    const dd = new NeuronioDataset([sim], { windowSize: 200, burnIn: 50 }), ds = new NeuronioDataset([sp], { windowSize: 200, burnIn: 50 });
    const ba = dd.batch(dd.windows()), bb = ds.batch(ds.windows());
    expect(firstDiff(ba.x, bb.x)).toBe(-1);
    expect(firstDiff(ba.ySoma, bb.ySoma)).toBe(-1);
    const fwd = (x: Float32Array, [B, W, C]: [number, number, number]) => {
      const o = new Float64Array(B * W * 2);
      for (let i = 0; i < B * W; i++) { let a = 0; for (let c = 0; c < C; c++) a += x[i * C + c]!; o[2 * i] = 1 / (1 + Math.exp(-a)); o[2 * i + 1] = a; }
      return o;
    };
    const pa = computeTestPredictions(sim, fwd, { burnInTime: 100, inputWindowSize: 400 });
    const pb = computeTestPredictions(sp, fwd, { burnInTime: 100, inputWindowSize: 400 });
    expect(firstDiff(pa.ySpikesHat, pb.ySpikesHat)).toBe(-1);
    expect(firstDiff(pa.ySomaHat, pb.ySomaHat)).toBe(-1);
  });

  it("refuses a truncated file, a wrong schema and out-of-range spike times with clear errors", () => {
    expect(() => readNeuronioSimulations(bytes.subarray(0, 30000), "cut.p")).toThrow(/cut\.p: .*truncated pickle/);
    const content = rawContent(bytes);
    const bad = writeNeuronioSimulations({ ...content, simulations: [] }, "py3");
    expect(readNeuronioSimulations(bad).numSimulations).toBe(0);
    const c2 = rawContent(bytes);
    (c2.simulations[0]!.exInputSpikeTimes as Map<number, number[]>).set(3, [999]);
    const ok = readNeuronioSimulations(writeNeuronioSimulations(c2, "py3"));
    expect(ok.X[((3 * 1000) + 999) * 2]).toBe(1);
    // an index past the end is numpy's IndexError, named
    const raw = unpickle(bytes, { globals: numpyGlobals() });
    expect(raw).toBeInstanceOf(Map);
    expect(() => readNeuronioSimulations(new Uint8Array([0x80, 2, 0x7d, 0x2e]), "empty.p")).toThrow(DatasetFileError);
    expect(() => readNeuronioSimulations(new Uint8Array([0x80, 2, 0x7d, 0x2e]), "empty.p")).toThrow(/no key 'Params'/);
  });
});
