// The ELM Network oracle (ELM_SPEC §4): every gradient against central finite
// differences in float64, on small random configurations.
import { describe, expect, it } from "vitest";
import { elmNetworkBackwardRef, elmNetworkForwardRef } from "../../src/kernels/ref/network.js";
import type { ElmNetworkInputs, ElmNetworkShape, Float } from "../../src/kernels/networkShape.js";
import { baseShape, randomNetwork, seededRandom } from "./networkFixtures.js";

type Cot = { cY: Float64Array; cB: Float64Array; cM: Float64Array; cYT: Float64Array };

function cotangents(shape: ElmNetworkShape, seed: number): Cot {
  const rnd = seededRandom(seed);
  const mk = (n: number) => Float64Array.from({ length: n }, () => rnd());
  const { B, T, N, dTree, dM, dAxon } = shape;
  return { cY: mk(B * T * N * dAxon), cB: mk(B * N * dTree), cM: mk(B * N * dM), cYT: mk(B * N * dAxon) };
}

function loss(shape: ElmNetworkShape, inp: ElmNetworkInputs, c: Cot): number {
  const r = elmNetworkForwardRef(shape, inp);
  let s = 0;
  const dot = (a: Float, b: Float64Array) => {
    for (let q = 0; q < b.length; q++) s += a[q] * b[q];
  };
  dot(r.y, c.cY);
  dot(r.bT, c.cB);
  dot(r.mT, c.cM);
  dot(r.yT, c.cYT);
  return s;
}

/** Every float input with its gradient name. */
function gradPairs(inp: ElmNetworkInputs, g: ReturnType<typeof elmNetworkBackwardRef>): [string, Float, Float][] {
  const pairs: [string, Float, Float][] = [
    ["x", inp.x, g.dx], ["w", inp.w, g.dW], ["kappaB", inp.kappaB, g.dKappaB],
    ["kappaM", inp.kappaM, g.dKappaM], ["gain", inp.gain, g.dGain], ["wY", inp.wY, g.dWY], ["bY", inp.bY, g.dBY],
  ];
  inp.mlpW.forEach((w, l) => pairs.push([`mlpW[${l}]`, w, g.dMlpW[l]]));
  inp.mlpB.forEach((b, l) => pairs.push([`mlpB[${l}]`, b, g.dMlpB[l]]));
  if (inp.b0) pairs.push(["b0", inp.b0, g.dB0]);
  if (inp.m0) pairs.push(["m0", inp.m0, g.dM0]);
  if (inp.y0) pairs.push(["y0", inp.y0, g.dY0]);
  return pairs;
}

function checkGradients(shape: ElmNetworkShape, seed: number, opts: { initial: boolean; finalGrads: boolean }): void {
  const { inputs } = randomNetwork(shape, seed, { initial: opts.initial });
  const c = cotangents(shape, seed + 1000);
  if (!opts.finalGrads) {
    c.cB.fill(0);
    c.cM.fill(0);
    c.cYT.fill(0);
  }
  const fwd = elmNetworkForwardRef(shape, inputs);
  const g = elmNetworkBackwardRef(
    shape, inputs, fwd.saved, c.cY,
    opts.finalGrads ? c.cB : null, opts.finalGrads ? c.cM : null, opts.finalGrads ? c.cYT : null,
  );
  const eps = 1e-6;
  let checked = 0;
  for (const [name, arr, grad] of gradPairs(inputs, g)) {
    expect(grad.length, name).toBe(arr.length);
    for (let q = 0; q < arr.length; q++) {
      const v = arr[q];
      arr[q] = v + eps;
      const lp = loss(shape, inputs, c);
      arr[q] = v - eps;
      const lm = loss(shape, inputs, c);
      arr[q] = v;
      const fd = (lp - lm) / (2 * eps);
      const err = Math.abs(fd - grad[q]);
      if (!(err <= 1e-6 * (1 + Math.abs(fd)))) {
        expect.fail(`d${name}[${q}]: analytic ${grad[q]}, finite difference ${fd} (seed ${seed})`);
      }
      checked++;
    }
  }
  // the gradients are not all zero (a test that cannot fail would pass then)
  expect(checked).toBeGreaterThan(50);
  expect(Math.max(...g.dW.map(Math.abs))).toBeGreaterThan(1e-3);
}

describe("elmNetwork ref oracle: gradients vs finite differences (float64)", () => {
  it("silu, lMlp=1, dAxon=1, recurrent synapses, zero initial state", () => {
    checkGradients(baseShape(), 1, { initial: false, finalGrads: false });
  });
  it("silu, lMlp=2, dAxon=2, nonzero initial states, gradients of final states", () => {
    checkGradients(baseShape({ lMlp: 2, dAxon: 2, T: 3 }), 2, { initial: true, finalGrads: true });
  });
  it("relu, lMlp=2, dBrch=3, N·dAxon recurrence", () => {
    checkGradients(baseShape({ activation: "relu", lMlp: 2, dBrch: 3, dAxon: 2, N: 2, B: 1 }), 3, {
      initial: true, finalGrads: true,
    });
  });
  it("lMlp=0 (the MLP is one linear layer), dIn=1", () => {
    checkGradients(baseShape({ lMlp: 0, dIn: 1 }), 4, { initial: true, finalGrads: true });
  });
});

describe("elmNetwork ref oracle: forward semantics", () => {
  it("y_t reads y_{t−1}: a neuron whose only synapse reads another neuron's output sees it one step late", () => {
    // neuron 0 reads x; neuron 1 reads neuron 0's output only
    const shape = baseShape({ B: 1, T: 5, dIn: 1, N: 2, dTree: 1, dBrch: 1, dM: 2, dMlp: 3 });
    const { inputs } = randomNetwork(shape, 7, { recurrent: false });
    inputs.src.set([0, 1]); // z = [x ; y^0 ; y^1]
    inputs.x.fill(0);
    inputs.x[2] = 1; // impulse at t = 2
    // with zero input and zero MLP biases, states stay exactly zero until the impulse
    inputs.mlpB.forEach((b) => b.fill(0));
    inputs.bY.fill(0);
    const r = elmNetworkForwardRef(shape, inputs);
    const y0 = (t: number) => r.y[t * 2];
    const y1 = (t: number) => r.y[t * 2 + 1];
    expect(y0(1)).toBe(0);
    expect(y0(2)).not.toBe(0);
    expect(y1(2)).toBe(0);
    expect(y1(3)).not.toBe(0);
  });

  it("refuses out-of-range src and wrong lengths, naming the value", () => {
    const { shape, inputs } = randomNetwork(baseShape(), 5);
    const bad = { ...inputs, src: Int32Array.from(inputs.src) };
    bad.src[4] = 3 + 3; // dZ = dIn + N·dAxon = 6
    expect(() => elmNetworkForwardRef(shape, bad)).toThrow(/src\[4\].*= 6 is out of range.*< dIn \+ N·dAxon = 6/);
    bad.src[4] = -1;
    expect(() => elmNetworkForwardRef(shape, bad)).toThrow(/src\[4\].*= -1/);
    expect(() => elmNetworkForwardRef(shape, { ...inputs, w: new Float64Array(3) })).toThrow(/'w' has length 3, expected 12/);
    expect(() => elmNetworkForwardRef(shape, { ...inputs, mlpW: [inputs.mlpW[0]] })).toThrow(/'mlpW' must be an array of lMlp\+1 = 2/);
    expect(() => elmNetworkForwardRef({ ...shape, dAxon: 0 }, inputs)).toThrow(/shape.dAxon must be an integer ≥ 1, got 0/);
    expect(() => elmNetworkForwardRef({ ...shape, activation: "tanh" as never }, inputs)).toThrow(/activation/);
    expect(() => elmNetworkForwardRef(shape, { ...inputs, gain: new Float32Array(9) })).toThrow(/'gain' must be a Float64Array/);
    const fwd = elmNetworkForwardRef(shape, inputs);
    expect(() => elmNetworkBackwardRef(shape, inputs, fwd.saved, new Float64Array(2), null, null, null)).toThrow(/'dY' has length 2, expected 24/);
    expect(() => elmNetworkBackwardRef(shape, inputs, {}, new Float64Array(24), null, null, null)).toThrow(/saved/);
  });
});
