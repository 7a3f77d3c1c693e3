// Finite-difference checks (float64) of the fused ELM neuron's own gradients:
// every float input, including the initial state (trace0, m0) and upstream
// gradients on the final state (dTraceT, dMT). Loss = Σ m⊙Gm + Σ traceT⊙Gt + Σ mT⊙Gmt.
import { describe, expect, it } from "vitest";
import { elmNeuronBackward, elmNeuronForward } from "../../src/kernels/index.js";
import type { ElmNeuronInputs, ElmNeuronShape, Float, KernelDevice } from "../../src/kernels/types.js";
import { lcg, randomProblem, type ProblemOpts } from "./randomProblem.js";

function loss(shape: ElmNeuronShape, inputs: ElmNeuronInputs, G: { m: Float64Array; t: Float64Array; mT: Float64Array }, device: KernelDevice): number {
  const f = elmNeuronForward(shape, inputs, device);
  let s = 0;
  for (let i = 0; i < f.m.length; i++) s += f.m[i] * G.m[i];
  for (let i = 0; i < f.traceT.length; i++) s += f.traceT[i] * G.t[i];
  for (let i = 0; i < f.mT.length; i++) s += f.mT[i] * G.mT[i];
  return s;
}

export function gradCheck(opts: ProblemOpts, seed: number, device: KernelDevice): void {
  const { shape, inputs } = randomProblem(seed, { ...opts, initialState: true });
  const rnd = lcg(seed + 99);
  const dTr = shape.variant === "v1" ? shape.dS : shape.dTree;
  const G = {
    m: Float64Array.from({ length: shape.B * shape.T * shape.dM }, () => rnd() - 0.5),
    t: Float64Array.from({ length: shape.B * dTr }, () => rnd() - 0.5),
    mT: Float64Array.from({ length: shape.B * shape.dM }, () => rnd() - 0.5),
  };
  const fwd = elmNeuronForward(shape, inputs, device);
  const g = elmNeuronBackward(shape, inputs, fwd.saved, G.m, G.t, G.mT, device);
  const targets: [string, Float, Float][] = [
    ["x", inputs.x, g.dx], ["wS", inputs.wS, g.dWS], ["kappaTrace", inputs.kappaTrace, g.dKappaTrace],
    ["kappaM", inputs.kappaM, g.dKappaM], ["gain", inputs.gain, g.dGain],
    ["trace0", inputs.trace0!, g.dTrace0], ["m0", inputs.m0!, g.dM0],
    ...inputs.mlpW.map((w, l): [string, Float, Float] => [`mlpW[${l}]`, w, g.dMlpW[l]]),
    ...inputs.mlpB.map((b, l): [string, Float, Float] => [`mlpB[${l}]`, b, g.dMlpB[l]]),
  ];
  const eps = 1e-6;
  for (const [name, arr, grad] of targets) {
    expect(grad.length, name).toBe(arr.length);
    let scale = 0;
    for (let i = 0; i < grad.length; i++) scale = Math.max(scale, Math.abs(grad[i]));
    expect(scale, `${name}: gradient must not be all zeros`).toBeGreaterThan(0);
    // every element for small arrays, a spread sample for large ones
    const step = Math.max(1, Math.floor(arr.length / 12));
    for (let i = 0; i < arr.length; i += step) {
      const v = arr[i];
      arr[i] = v + eps;
      const lp = loss(shape, inputs, G, device);
      arr[i] = v - eps;
      const lm = loss(shape, inputs, G, device);
      arr[i] = v;
      const fd = (lp - lm) / (2 * eps);
      expect(Math.abs(fd - grad[i]), `${name}[${i}]: analytic ${grad[i]} vs finite difference ${fd}`).toBeLessThanOrEqual(
        1e-6 * (Math.abs(fd) + scale) + 1e-9,
      );
    }
  }
}

export const gradCases: [string, ProblemOpts][] = [
  ["v1 relu random routing", { variant: "v1", activation: "relu", routing: "random" }],
  ["v1 silu identity routing, 2 hidden layers", { variant: "v1", activation: "silu", routing: "none", lMlp: 2 }],
  ["v2 relu masked routing", { variant: "v2", activation: "relu", routing: "masked", dTree: 4, dBrch: 3 }],
  ["v2 silu random routing, 3 hidden layers", { variant: "v2", activation: "silu", routing: "random", lMlp: 3, dMlp: 5 }],
];

describe.each(["ref", "cpu"] as const)("elmNeuron %s: gradients vs finite differences (float64)", (device) => {
  gradCases.forEach(([name, opts], i) => {
    it(name, () => gradCheck(opts, 1000 + i, device));
  });
});
