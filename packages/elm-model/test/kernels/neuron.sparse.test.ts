// The CPU kernels' spike-sparse synapse path (native/src/cpu/elm_neuron.cpp):
// skipping the synapses that read x = 0 must give the dense path's bits —
// forward state, saved tensors and every gradient — on inputs mixing all-zero
// time steps, fully dense ones and sparse ones, in float32 and float64; and
// non-finite synapse weights must fall back to the dense path (0·inf = NaN).
import { elmNeuronCpu, type ElmNeuronSynapsePath } from "@elm/native";
import { afterEach, describe, expect, it } from "vitest";
import { elmNeuronBackward, elmNeuronForward } from "../../src/kernels/index.js";
import type { ElmNeuronInputs, ElmNeuronShape, Float } from "../../src/kernels/types.js";
import { toFloat32 } from "./fixtureModel.js";
import { lcg, randomProblem, type ProblemOpts } from "./randomProblem.js";

const native = elmNeuronCpu();
afterEach(() => {
  native.elmNeuronSynapsePath("auto");
});

/** x with per-time-step densities cycling through all-zero, 2%, 10%, 50% and fully dense rows. */
function spikyInputs(shape: ElmNeuronShape, inputs: ElmNeuronInputs, seed: number): ElmNeuronInputs {
  const r = lcg(seed);
  const densities = [0, 0.02, 0.1, 0.5, 1];
  const x = new Float64Array(shape.B * shape.T * shape.dIn);
  for (let row = 0; row < shape.B * shape.T; row++) {
    const p = densities[(row * 7 + seed) % densities.length];
    for (let c = 0; c < shape.dIn; c++) if (r() < p) x[row * shape.dIn + c] = r() < 0.8 ? 1 : r() * 3 - 1.5;
  }
  return { ...inputs, x };
}

interface Run { arrays: [string, Float][] }

function runAll(shape: ElmNeuronShape, inputs: ElmNeuronInputs, path: ElmNeuronSynapsePath): Run {
  native.elmNeuronSynapsePath(path);
  const r = lcg(99);
  const dTr = shape.variant === "v1" ? shape.dS : shape.dTree;
  const rand = (n: number): Float => {
    const a = Float64Array.from({ length: n }, () => r() - 0.5);
    return inputs.x instanceof Float32Array ? Float32Array.from(a) : a;
  };
  const dM = rand(shape.B * shape.T * shape.dM);
  const dTraceT = rand(shape.B * dTr);
  const f = elmNeuronForward(shape, inputs, "cpu");
  const g = elmNeuronBackward(shape, inputs, f.saved, dM, dTraceT, null, "cpu");
  const saved = f.saved as Record<string, Float>;
  return {
    arrays: [
      ["m", f.m], ["traceT", f.traceT], ["mT", f.mT],
      ...["trace", "z", "pre", "post", "deltaM"].map((k): [string, Float] => [`saved.${k}`, saved[k]]),
      ["dx", g.dx], ["dWS", g.dWS], ["dKappaTrace", g.dKappaTrace], ["dKappaM", g.dKappaM], ["dGain", g.dGain],
      ["dTrace0", g.dTrace0], ["dM0", g.dM0],
      ...g.dMlpW.map((w, l): [string, Float] => [`dMlpW[${l}]`, w]),
      ...g.dMlpB.map((b, l): [string, Float] => [`dMlpB[${l}]`, b]),
    ],
  };
}

function expectSameBits(a: Run, b: Run, label: string): void {
  for (let i = 0; i < a.arrays.length; i++) {
    const [name, x] = a.arrays[i];
    const y = b.arrays[i][1];
    const bx = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    const by = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
    let at = -1;
    for (let k = 0; k < bx.length; k++) if (bx[k] !== by[k]) { at = Math.floor(k / x.BYTES_PER_ELEMENT); break; }
    expect(at, `${label} ${name}[${at}]: ${x[at]} vs ${y[at]}`).toBe(-1);
  }
}

const cases: [string, ProblemOpts][] = [
  ["v2 random routing, 40 inputs, 37×3 synapses", { variant: "v2", activation: "relu", B: 3, T: 25, dIn: 40, dTree: 37, dBrch: 3, dM: 6, dMlp: 10, routing: "random", initialState: true }],
  ["v2 masked routing, 100 inputs, 20×15 synapses", { variant: "v2", activation: "silu", B: 2, T: 30, dIn: 100, dTree: 20, dBrch: 15, dM: 5, dMlp: 8, routing: "masked" }],
  ["v1 random routing, 70 inputs, 9×8 synapses", { variant: "v1", activation: "relu", B: 2, T: 20, dIn: 70, dTree: 9, dBrch: 8, dM: 4, dMlp: 6, routing: "random", initialState: true }],
  ["v1 identity routing", { variant: "v1", activation: "silu", B: 3, T: 15, dTree: 6, dBrch: 5, dM: 3, dMlp: 5, routing: "none" }],
];

describe("CPU neuron kernels: sparse synapse path = dense path, bit for bit", () => {
  for (const [label, opts] of cases) {
    for (const dtype of ["float64", "float32"] as const) {
      it(`${label}, ${dtype}`, () => {
        const p = randomProblem(11, opts);
        let inputs = spikyInputs(p.shape, p.inputs, 5);
        if (dtype === "float32") inputs = toFloat32(inputs);
        const dense = runAll(p.shape, inputs, "dense");
        const sparse = runAll(p.shape, inputs, "sparse");
        const auto = runAll(p.shape, inputs, "auto");
        expectSameBits(sparse, dense, "sparse vs dense:");
        expectSameBits(auto, dense, "auto vs dense:");
        // the problem is not trivial: gradients are non-zero
        expect(dense.arrays.find(([n]) => n === "dWS")![1].some((v) => v !== 0)).toBe(true);
      });
    }
  }

  it("a non-finite synapse weight falls back to the dense path (0·inf = NaN propagates)", () => {
    const p = randomProblem(12, cases[0][1]);
    const inputs = toFloat32(spikyInputs(p.shape, p.inputs, 3));
    inputs.wS[4] = Infinity;
    const dense = runAll(p.shape, inputs, "dense");
    const sparse = runAll(p.shape, inputs, "sparse");
    expectSameBits(sparse, dense, "inf weight:");
    // the synapse's branch sees 0·inf = NaN whenever its input is 0
    expect(dense.arrays.find(([n]) => n === "m")![1].some(Number.isNaN)).toBe(true);
  });

  it("rejects an unknown mode and reports the previous one", () => {
    expect(native.elmNeuronSynapsePath("sparse")).toBe("auto");
    expect(native.elmNeuronSynapsePath()).toBe("sparse");
    expect(() => native.elmNeuronSynapsePath("fast" as ElmNeuronSynapsePath)).toThrow(/auto/);
  });
});
