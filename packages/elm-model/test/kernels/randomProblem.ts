// Test helper: seeded random ELM neuron problems (shape + derived inputs) in float64.
import type { ElmNeuronInputs, ElmNeuronShape, ElmVariant, MlpActivation } from "../../src/kernels/types.js";

export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface ProblemOpts {
  variant: ElmVariant;
  activation: MlpActivation;
  B?: number; T?: number; dIn?: number; dTree?: number; dBrch?: number; dM?: number; dMlp?: number; lMlp?: number;
  routing?: "none" | "random" | "masked";
  initialState?: boolean;
}

export function randomProblem(seed: number, o: ProblemOpts): { shape: ElmNeuronShape; inputs: ElmNeuronInputs } {
  const rnd = lcg(seed);
  const u = (lo: number, hi: number): number => lo + (hi - lo) * rnd();
  const routing = o.routing ?? "random";
  const dTree = o.dTree ?? 3;
  const dBrch = o.dBrch ?? 2;
  const dS = dTree * dBrch;
  const dIn = routing === "none" ? dS : (o.dIn ?? 5);
  const B = o.B ?? 2, T = o.T ?? 6, dM = o.dM ?? 3, dMlp = o.dMlp ?? 4, lMlp = o.lMlp ?? 1;
  const shape: ElmNeuronShape = { variant: o.variant, B, T, dIn, dS, dTree, dBrch, dM, dMlp, lMlp, activation: o.activation };
  const arr = (n: number, lo: number, hi: number): Float64Array => Float64Array.from({ length: n }, () => u(lo, hi));
  const dTr = o.variant === "v1" ? dS : dTree;
  const mlpW: Float64Array[] = [];
  const mlpB: Float64Array[] = [];
  for (let l = 0; l <= lMlp; l++) {
    const nIn = l === 0 ? dTree + dM : dMlp;
    const nOut = l === lMlp ? dM : dMlp;
    const a = 1.5 / Math.sqrt(nIn);
    mlpW.push(arr(nOut * nIn, -a, a));
    mlpB.push(arr(nOut, -a, a));
  }
  const kappaM = arr(dM, 0.3, 0.98);
  const inputs: ElmNeuronInputs = {
    x: Float64Array.from({ length: B * T * dIn }, () => (rnd() < 0.3 ? 0 : u(-1, 1.5))),
    route: routing === "none" ? null : Int32Array.from({ length: dS }, () => Math.floor(rnd() * dIn)),
    routeMask: routing === "masked" ? Float64Array.from({ length: dS }, (_, j) => (j % 5 === 4 ? 0 : 1)) : null,
    wS: arr(dS, 0, 1),
    kappaTrace: arr(dTr, 0.5, 0.95),
    kappaM,
    gain: kappaM.map((k) => (o.variant === "v1" ? 5 * (1 - k) : 1 - k ** 5)),
    mlpW,
    mlpB,
    trace0: o.initialState ? arr(B * dTr, -1, 1) : null,
    m0: o.initialState ? arr(B * dM, -1, 1) : null,
  };
  return { shape, inputs };
}
