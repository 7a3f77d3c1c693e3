// Native CPU kernels against the TypeScript oracle on random problems that
// cross the SIMD tile edges (widths > 32, odd batch sizes, several sample
// blocks per thread, deep MLPs), in float64 and float32; the async variants;
// thread-count independence; argument checks of the addon itself.
import { cpu, elmNeuronCpu } from "@elm/native";
import { describe, expect, it } from "vitest";
import {
  elmNeuronBackward, elmNeuronBackwardAsync, elmNeuronForward, elmNeuronForwardAsync,
} from "../../src/kernels/index.js";
import type { ElmNeuronGrads, ElmNeuronInputs, ElmNeuronShape, Float } from "../../src/kernels/types.js";
import { relErr, toFloat32 } from "./fixtureModel.js";
import { lcg, randomProblem, type ProblemOpts } from "./randomProblem.js";

const cases: [string, ProblemOpts][] = [
  ["v2 relu random, B=19 (3 sample blocks), widths > 32", { variant: "v2", activation: "relu", B: 19, T: 7, dIn: 40, dTree: 37, dBrch: 3, dM: 35, dMlp: 70, routing: "random", initialState: true }],
  ["v1 silu masked, lMlp 3, odd widths", { variant: "v1", activation: "silu", B: 5, T: 9, dIn: 13, dTree: 11, dBrch: 4, dM: 17, dMlp: 33, lMlp: 3, routing: "masked", initialState: true }],
  ["v1 relu identity, B=1", { variant: "v1", activation: "relu", B: 1, T: 12, dTree: 6, dBrch: 5, dM: 9, dMlp: 18, routing: "none" }],
  ["v2 silu identity, tiny", { variant: "v2", activation: "silu", B: 3, T: 4, dTree: 2, dBrch: 1, dM: 1, dMlp: 1, routing: "none", initialState: true }],
  // dx's register lookup table holds 128 entries of dL/d trace (the last one the zero of padding slots)
  ["v2 relu random, 127 branches (dx table boundary)", { variant: "v2", activation: "relu", B: 2, T: 5, dIn: 40, dTree: 127, dBrch: 1, dM: 4, dMlp: 6, routing: "random" }],
  ["v1 relu random, 13×10 synapses (dx past the table)", { variant: "v1", activation: "relu", B: 2, T: 5, dIn: 30, dTree: 13, dBrch: 10, dM: 4, dMlp: 6, routing: "random" }],
];

function upstream(shape: ElmNeuronShape, seed: number) {
  const r = lcg(seed);
  const dTr = shape.variant === "v1" ? shape.dS : shape.dTree;
  return {
    dM: Float64Array.from({ length: shape.B * shape.T * shape.dM }, () => r() - 0.5),
    dTraceT: Float64Array.from({ length: shape.B * dTr }, () => r() - 0.5),
    dMT: Float64Array.from({ length: shape.B * shape.dM }, () => r() - 0.5),
  };
}

function compareGrads(a: ElmNeuronGrads, b: ElmNeuronGrads, tol: number, floor: number, label: string): void {
  const pairs: [string, Float, Float][] = [
    ["dx", a.dx, b.dx], ["dWS", a.dWS, b.dWS], ["dKappaTrace", a.dKappaTrace, b.dKappaTrace], ["dKappaM", a.dKappaM, b.dKappaM],
    ["dGain", a.dGain, b.dGain], ["dTrace0", a.dTrace0, b.dTrace0], ["dM0", a.dM0, b.dM0],
    ...a.dMlpW.map((w, l): [string, Float, Float] => [`dMlpW[${l}]`, w, b.dMlpW[l]]),
    ...a.dMlpB.map((w, l): [string, Float, Float] => [`dMlpB[${l}]`, w, b.dMlpB[l]]),
  ];
  for (const [name, x, y] of pairs) {
    const { err, at } = relErr(x, y, floor);
    expect(err, `${label} ${name}[${at}] = ${x[at]}, ref ${y[at]}`).toBeLessThanOrEqual(tol);
  }
}

describe("elmNeuron cpu vs ref on random problems", () => {
  cases.forEach(([name, opts], i) => {
    for (const dtype of ["float64", "float32"] as const) {
      it(`${name} (${dtype})`, () => {
        const p = randomProblem(200 + i, opts);
        const inputs: ElmNeuronInputs = dtype === "float64" ? p.inputs : toFloat32(p.inputs);
        const up = upstream(p.shape, 300 + i);
        const cast = (a: Float64Array): Float => (dtype === "float64" ? a : Float32Array.from(a));
        const tol = dtype === "float64" ? 1e-10 : 2e-4;
        const floor = dtype === "float64" ? 1e-6 : 1e-2;
        const fr = elmNeuronForward(p.shape, inputs, "ref");
        const fc = elmNeuronForward(p.shape, inputs, "cpu");
        for (const k of ["m", "traceT", "mT"] as const) {
          const { err, at } = relErr(fc[k], fr[k], floor);
          expect(err, `${k}[${at}]`).toBeLessThanOrEqual(tol);
        }
        const gr = elmNeuronBackward(p.shape, inputs, fr.saved, cast(up.dM), cast(up.dTraceT), cast(up.dMT), "ref");
        const gc = elmNeuronBackward(p.shape, inputs, fc.saved, cast(up.dM), cast(up.dTraceT), cast(up.dMT), "cpu");
        compareGrads(gc, gr, tol, floor, `${name} ${dtype}`);
      });
    }
  });

  it("async variants give the same result as sync", async () => {
    const p = randomProblem(77, { ...cases[0][1], B: 8, T: 50 });
    const up = upstream(p.shape, 78);
    const fs = elmNeuronForward(p.shape, p.inputs, "cpu");
    const fa = await elmNeuronForwardAsync(p.shape, p.inputs, "cpu");
    const ga = await elmNeuronBackwardAsync(p.shape, p.inputs, fa.saved, up.dM, up.dTraceT, up.dMT, "cpu");
    expect(Array.from(fa.m)).toEqual(Array.from(fs.m));
    const gs = elmNeuronBackward(p.shape, p.inputs, fs.saved, up.dM, up.dTraceT, up.dMT, "cpu");
    compareGrads(ga, gs, 0, 0, "async");
  });

  it("async variants run off the JS thread: the event loop turns while they work", async () => {
    const p = randomProblem(79, { ...cases[0][1], B: 8, T: 3000 });
    let done = false;
    const run = elmNeuronForwardAsync(p.shape, p.inputs, "cpu").then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setImmediate(r)); // a synchronous kernel would have settled before this
    const settledDuringRun = done;
    const f = await run;
    expect(settledDuringRun).toBe(false);
    expect(f.m.length).toBe(8 * 3000 * 35);
  });

  // B = 19 on 3 threads: sample blocks of 7/6/6 rows vs 8/8/3 on one; B = 8 on 2 threads: 4 + 4 vs 8
  for (const [B, threads] of [[19, 3], [8, 2]]) {
    it(`results do not depend on the thread count (bit for bit), B = ${B}, 1 vs ${threads} threads`, () => {
      const p = randomProblem(91, { ...cases[0][1], B });
      const up = upstream(p.shape, 92);
      const before = cpu.numThreads();
      try {
        cpu.setNumThreads(1);
        const f1 = elmNeuronForward(p.shape, p.inputs, "cpu");
        const g1 = elmNeuronBackward(p.shape, p.inputs, f1.saved, up.dM, up.dTraceT, up.dMT, "cpu");
        cpu.setNumThreads(threads);
        const f3 = elmNeuronForward(p.shape, p.inputs, "cpu");
        const g3 = elmNeuronBackward(p.shape, p.inputs, f3.saved, up.dM, up.dTraceT, up.dMT, "cpu");
        expect(Array.from(f3.m)).toEqual(Array.from(f1.m));
        compareGrads(g3, g1, 0, 0, "threads");
      } finally {
        cpu.setNumThreads(before);
      }
    });
  }

  it("a backward may take the saved state of another device's forward", () => {
    const p = randomProblem(93, cases[1][1]);
    const up = upstream(p.shape, 94);
    const fr = elmNeuronForward(p.shape, p.inputs, "ref");
    const gc = elmNeuronBackward(p.shape, p.inputs, fr.saved, up.dM, up.dTraceT, up.dMT, "cpu");
    const gr = elmNeuronBackward(p.shape, p.inputs, fr.saved, up.dM, up.dTraceT, up.dMT, "ref");
    compareGrads(gc, gr, 1e-10, 1e-6, "cross-device");
  });
});

describe("elm_cpu.node checks its own arguments (no crash on bad input)", () => {
  const p = randomProblem(5, { variant: "v2", activation: "relu" });
  const k = elmNeuronCpu();
  const F = Float64Array;
  const BT = p.shape.B * p.shape.T;
  const saved = () => ({
    trace: new F(BT * p.shape.dTree), z: new F(BT * (p.shape.dTree + p.shape.dM)), pre: new F(BT * p.shape.dMlp),
    post: new F(BT * p.shape.dMlp), deltaM: new F(BT * p.shape.dM), m: new F(BT * p.shape.dM),
  });
  const traceT = () => new F(p.shape.B * p.shape.dTree);
  const mT = () => new F(p.shape.B * p.shape.dM);

  it("works when everything is right", () => {
    expect(() => k.elmNeuronForward(p.shape, p.inputs, saved(), traceT(), mT())).not.toThrow();
  });
  it("names a short saved buffer, a wrong dtype, a bad route, a bad shape", () => {
    expect(() => k.elmNeuronForward(p.shape, p.inputs, { ...saved(), pre: new F(3) }, traceT(), mT())).toThrow(/'saved\.pre' has length 3, expected 48/);
    expect(() => k.elmNeuronForward(p.shape, p.inputs, saved(), new Float32Array(6) as never, mT())).toThrow(/'traceT' must be a Float64Array, got Float32Array/);
    const route = Int32Array.from(p.inputs.route!);
    route[0] = -1;
    expect(() => k.elmNeuronForward(p.shape, { ...p.inputs, route }, saved(), traceT(), mT())).toThrow(/'inputs\.route\[0\]' = -1 is outside \[0, 5\)/);
    expect(() => k.elmNeuronForward({ ...p.shape, dS: 9 }, p.inputs, saved(), traceT(), mT())).toThrow(/'shape\.dS' \(9\) must equal dTree·dBrch/);
    expect(() => k.elmNeuronForward({ ...p.shape, lMlp: 0 }, p.inputs, saved(), traceT(), mT())).toThrow(/'shape\.lMlp' must be an integer ≥ 1, got 0/);
    expect(() => k.elmNeuronForward(p.shape, { ...p.inputs, mlpW: [p.inputs.mlpW[0]] }, saved(), traceT(), mT())).toThrow(/'inputs\.mlpW' must be an array of lMlp\+1 = 2/);
    expect(() => k.elmNeuronForward(p.shape, null as never, saved(), traceT(), mT())).toThrow(/'inputs' must be an object, got null/);
  });
  it("rejects the async promise's arguments synchronously with the same messages", () => {
    expect(() => k.elmNeuronForwardAsync(p.shape, p.inputs, { ...saved(), m: new F(1) }, traceT(), mT())).toThrow(/'saved\.m' has length 1/);
    expect(() =>
      k.elmNeuronBackward(p.shape, p.inputs, saved(), new F(BT * p.shape.dM), null, null, { dx: new F(1) } as never),
    ).toThrow(/'grads\.dx' has length 1, expected 60/);
  });
});

// The CPU path hands the kernels uninitialised saved and gradient arrays: they
// must write every element (arrays prefilled with NaN give the zero-filled bits).
describe("CPU neuron kernels write every output element", () => {
  for (const [name, opts] of [cases[0], cases[1]]) {
    it(name, () => {
      const k = elmNeuronCpu();
      const p = randomProblem(401, opts);
      const inputs = toFloat32(p.inputs);
      const { B, T, dIn, dS, dTree, dM, dMlp, lMlp } = p.shape;
      const dTr = p.shape.variant === "v1" ? dS : dTree;
      const nH = lMlp * dMlp;
      const run = (fill: number) => {
        const A = (n: number) => new Float32Array(n).fill(fill);
        const saved = { trace: A(B * T * dTr), z: A(B * T * (dTree + dM)), pre: A(B * T * nH), post: A(B * T * nH), deltaM: A(B * T * dM), m: A(B * T * dM) };
        const traceT = A(B * dTr), mT = A(B * dM);
        k.elmNeuronForward(p.shape, inputs, saved, traceT, mT);
        const grads = {
          dx: A(B * T * dIn), dWS: A(dS), dKappaTrace: A(dTr), dKappaM: A(dM), dGain: A(dM),
          dMlpW: inputs.mlpW.map((w) => A(w.length)), dMlpB: inputs.mlpB.map((b) => A(b.length)), dTrace0: A(B * dTr), dM0: A(B * dM),
        };
        const r = lcg(5);
        const dMup = Float32Array.from({ length: B * T * dM }, () => r() - 0.5);
        k.elmNeuronBackward(p.shape, inputs, saved, dMup, null, null, grads);
        return [...Object.values(saved), traceT, mT, grads.dx, grads.dWS, grads.dKappaTrace, grads.dKappaM, grads.dGain,
          ...grads.dMlpW, ...grads.dMlpB, grads.dTrace0, grads.dM0].map((a) => Array.from(a));
      };
      expect(run(Number.NaN)).toEqual(run(0));
    });
  }
});
