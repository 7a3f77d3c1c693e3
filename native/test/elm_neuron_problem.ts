// Test helper: a seeded random fused-ELM-neuron problem with every buffer the
// native kernels take (inputs, saved, outputs, upstream gradients, gradients).
export type F = Float32Array | Float64Array;

export interface ProblemSpec {
  variant: "v1" | "v2"; activation: "relu" | "silu";
  B: number; T: number; dIn: number; dTree: number; dBrch: number; dM: number; dMlp: number; lMlp: number;
  routing: "none" | "random" | "masked"; initialState: boolean;
}

export function makeProblem(spec: ProblemSpec, seed: number, dtype: "float32" | "float64") {
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
  const A = dtype === "float64" ? Float64Array : Float32Array;
  const gen = (n: number, f: (i: number) => number): F => {
    const a = new A(n);
    for (let i = 0; i < n; i++) a[i] = f(i);
    return a;
  };
  const arr = (n: number, lo: number, hi: number): F => gen(n, () => lo + (hi - lo) * rnd());
  const dS = spec.dTree * spec.dBrch;
  const dIn = spec.routing === "none" ? dS : spec.dIn;
  const shape = { variant: spec.variant, B: spec.B, T: spec.T, dIn, dS, dTree: spec.dTree, dBrch: spec.dBrch, dM: spec.dM, dMlp: spec.dMlp, lMlp: spec.lMlp, activation: spec.activation };
  const dTr = spec.variant === "v1" ? dS : spec.dTree;
  const nZ = spec.dTree + spec.dM;
  const mlpW: F[] = [];
  const mlpB: F[] = [];
  for (let l = 0; l <= spec.lMlp; l++) {
    const nIn = l === 0 ? nZ : spec.dMlp;
    const nOut = l === spec.lMlp ? spec.dM : spec.dMlp;
    const a = 1.5 / Math.sqrt(nIn);
    mlpW.push(arr(nOut * nIn, -a, a));
    mlpB.push(arr(nOut, -a, a));
  }
  const kappaM = arr(spec.dM, 0.3, 0.98);
  const inputs = {
    x: gen(spec.B * spec.T * dIn, () => (rnd() < 0.3 ? 0 : 2.5 * rnd() - 1)),
    route: spec.routing === "none" ? null : Int32Array.from({ length: dS }, () => Math.floor(rnd() * dIn)),
    routeMask: spec.routing === "masked" ? gen(dS, (j) => (j % 5 === 4 ? 0 : 1)) : null,
    wS: arr(dS, 0, 1), kappaTrace: arr(dTr, 0.5, 0.95), kappaM, gain: kappaM.map((k) => 1 - k * k),
    mlpW, mlpB,
    trace0: spec.initialState ? arr(spec.B * dTr, -1, 1) : null,
    m0: spec.initialState ? arr(spec.B * spec.dM, -1, 1) : null,
  };
  const BT = spec.B * spec.T;
  const saved = () => ({
    trace: new A(BT * dTr), z: new A(BT * nZ), pre: new A(BT * spec.lMlp * spec.dMlp), post: new A(BT * spec.lMlp * spec.dMlp),
    deltaM: new A(BT * spec.dM), m: new A(BT * spec.dM),
  });
  const finals = () => ({ traceT: new A(spec.B * dTr), mT: new A(spec.B * spec.dM) });
  const upstream = { dM: arr(BT * spec.dM, -0.5, 0.5), dTraceT: arr(spec.B * dTr, -0.5, 0.5), dMT: arr(spec.B * spec.dM, -0.5, 0.5) };
  const grads = () => ({
    dx: new A(BT * dIn), dWS: new A(dS), dKappaTrace: new A(dTr), dKappaM: new A(spec.dM), dGain: new A(spec.dM),
    dMlpW: mlpW.map((w) => new A(w.length)), dMlpB: mlpB.map((b) => new A(b.length)), dTrace0: new A(spec.B * dTr), dM0: new A(spec.B * spec.dM),
  });
  return { shape, inputs, saved, finals, upstream, grads };
}

/** max_i |a_i − b_i| / (|b_i| + floor·‖b‖∞) */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>, floor: number): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let err = 0;
  for (let i = 0; i < b.length; i++) err = Math.max(err, Math.abs(a[i] - b[i]) / (Math.abs(b[i]) + floor * scale || 1));
  return err;
}
