// Random configurations for the ELM Network kernel tests (seeded, no fixtures on disk).
import type { ElmNetworkInputs, ElmNetworkShape, Float } from "../../src/kernels/networkShape.js";
import { mlpLayerDims, synapsesPerNeuron, zLength } from "../../src/kernels/networkShape.js";

/** A tiny LCG in [−0.5, 0.5): reproducible across runs and platforms. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

export interface NetworkCase {
  shape: ElmNetworkShape;
  inputs: ElmNetworkInputs;
}

/**
 * A random network. `recurrent`: whether src may read neuron outputs (y part of z);
 * `initial`: nonzero b0, m0, y0.
 */
export function randomNetwork(
  shape: ElmNetworkShape,
  seed: number,
  opts: { recurrent?: boolean; initial?: boolean; f32?: boolean } = {},
): NetworkCase {
  const rnd = seededRandom(seed);
  const mk = (n: number, scale = 1, offset = 0): Float => {
    const a = opts.f32 ? new Float32Array(n) : new Float64Array(n);
    for (let q = 0; q < n; q++) a[q] = offset + scale * rnd();
    return a;
  };
  const { B, T, dIn, N, dTree, dM, dAxon } = shape;
  const kc = synapsesPerNeuron(shape);
  const dZ = zLength(shape);
  const recurrent = opts.recurrent ?? true;
  const src = new Int32Array(N * kc);
  for (let q = 0; q < src.length; q++) {
    const pool = recurrent ? dZ : dIn;
    src[q] = Math.min(pool - 1, Math.floor((rnd() + 0.5) * pool));
  }
  if (recurrent && N * kc >= 2) {
    src[0] = 0; // one input and one recurrent synapse at least
    src[src.length - 1] = dZ - 1;
  }
  const dims = mlpLayerDims(shape);
  return {
    shape,
    inputs: {
      x: mk(B * T * dIn, 2),
      src,
      w: mk(N * kc, 2),
      kappaB: mk(N * dTree, 0.6, 0.6),
      kappaM: mk(N * dM, 0.6, 0.6),
      gain: mk(N * dM, 0.8, 0.5),
      mlpW: dims.map((d) => mk(N * d.out * d.in, 2 / Math.sqrt(d.in))),
      mlpB: dims.map((d) => mk(N * d.out, 0.5)),
      wY: mk(N * dAxon * dM, 1.5),
      bY: mk(N * dAxon, 0.5),
      b0: opts.initial ? mk(B * N * dTree, 1) : null,
      m0: opts.initial ? mk(B * N * dM, 1) : null,
      y0: opts.initial ? mk(B * N * dAxon, 1) : null,
    },
  };
}

export function baseShape(over: Partial<ElmNetworkShape> = {}): ElmNetworkShape {
  return {
    B: 2, T: 4, dIn: 3, N: 3, dTree: 2, dBrch: 2, dM: 3, dMlp: 4, lMlp: 1, dAxon: 1, activation: "silu",
    ...over,
  };
}

/** Largest |a−b| / (|b| + floor) over the arrays. */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>, floor: number): number {
  let m = 0;
  for (let q = 0; q < b.length; q++) m = Math.max(m, Math.abs(a[q] - b[q]) / (Math.abs(b[q]) + floor));
  return m;
}
