// The native ELM Network kernels against the TypeScript oracle: the CPU kernel
// (sync and async), the CUDA thread bodies run on the host, and the CUDA device
// (or its clear "unavailable" error).
import { cpu, cudaStatus, CudaUnavailableError, elmNetworkCpu } from "@elm/native";
import { describe, expect, it } from "vitest";
import {
  elmNetworkBackward,
  elmNetworkBackwardAsync,
  elmNetworkForward,
  elmNetworkForwardAsync,
  mlpLayerDims,
  type ElmNetworkForwardResult,
  type ElmNetworkGrads,
  type ElmNetworkInputs,
  type ElmNetworkShape,
  type Float,
} from "../../src/kernels/network.js";
import { baseShape, maxRelErr, randomNetwork, seededRandom } from "./networkFixtures.js";

interface Upstream { dY: Float; dBT: Float; dMT: Float; dYT: Float }

function upstream(shape: ElmNetworkShape, seed: number, f32: boolean): Upstream {
  const rnd = seededRandom(seed);
  const mk = (n: number) => {
    const a = f32 ? new Float32Array(n) : new Float64Array(n);
    for (let q = 0; q < n; q++) a[q] = rnd();
    return a;
  };
  const { B, T, N, dTree, dM, dAxon } = shape;
  return { dY: mk(B * T * N * dAxon), dBT: mk(B * N * dTree), dMT: mk(B * N * dM), dYT: mk(B * N * dAxon) };
}

function gradList(g: ElmNetworkGrads): [string, Float][] {
  return [
    ["dx", g.dx], ["dW", g.dW], ["dKappaB", g.dKappaB], ["dKappaM", g.dKappaM], ["dGain", g.dGain],
    ...g.dMlpW.map((a, l): [string, Float] => [`dMlpW[${l}]`, a]),
    ...g.dMlpB.map((a, l): [string, Float] => [`dMlpB[${l}]`, a]),
    ["dWY", g.dWY], ["dBY", g.dBY], ["dB0", g.dB0], ["dM0", g.dM0], ["dY0", g.dY0],
  ];
}

/** Every output and gradient within `tol` relative (floor: 1e-3 of the array's largest magnitude). */
function expectClose(
  what: string,
  got: { f: ElmNetworkForwardResult; g: ElmNetworkGrads },
  want: { f: ElmNetworkForwardResult; g: ElmNetworkGrads },
  tol: number,
): void {
  const pairs: [string, Float, Float][] = [
    ["y", got.f.y, want.f.y], ["bT", got.f.bT, want.f.bT], ["mT", got.f.mT, want.f.mT], ["yT", got.f.yT, want.f.yT],
  ];
  const wg = gradList(want.g);
  gradList(got.g).forEach(([n, a], q) => pairs.push([n, a, wg[q][1]]));
  for (const [n, a, b] of pairs) {
    expect(a.length, `${what} ${n} length`).toBe(b.length);
    const scale = Math.max(1e-30, ...Array.from(b, Math.abs));
    const err = maxRelErr(a, b, 1e-3 * scale);
    if (!(err <= tol)) expect.fail(`${what}: ${n} differs from ref by ${err.toExponential(2)} relative (tolerance ${tol})`);
  }
}

function runDevice(shape: ElmNetworkShape, inp: ElmNetworkInputs, up: Upstream, device: "ref" | "cpu") {
  const f = elmNetworkForward(shape, inp, device);
  const g = elmNetworkBackward(shape, inp, f.saved, up.dY, up.dBT, up.dMT, up.dYT, device);
  return { f, g };
}

/** The CUDA thread bodies on the host, through the raw binding. */
function runCudaBodies(shape: ElmNetworkShape, inp: ElmNetworkInputs, up: Upstream) {
  const k = elmNetworkCpu();
  const like = inp.x;
  const alloc = (n: number): Float => (like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n));
  const { B, T, dIn, N, dTree, dBrch, dM, dAxon } = shape;
  const f: ElmNetworkForwardResult = {
    y: alloc(B * T * N * dAxon), bT: alloc(B * N * dTree), mT: alloc(B * N * dM), yT: alloc(B * N * dAxon), saved: null,
  };
  const saved = alloc(k.elmNetworkSavedLength(shape));
  const ins = [inp.x, inp.src, inp.w, inp.kappaB, inp.kappaM, inp.gain, inp.mlpW, inp.mlpB, inp.wY, inp.bY, inp.b0, inp.m0, inp.y0] as const;
  k.elmNetworkForwardCudaBodies(shape, ...ins, f.y, f.bT, f.mT, f.yT, saved);
  const dims = mlpLayerDims(shape);
  const g: ElmNetworkGrads = {
    dx: alloc(B * T * dIn), dW: alloc(N * dTree * dBrch), dKappaB: alloc(N * dTree), dKappaM: alloc(N * dM),
    dGain: alloc(N * dM), dMlpW: dims.map((d) => alloc(N * d.out * d.in)), dMlpB: dims.map((d) => alloc(N * d.out)),
    dWY: alloc(N * dAxon * dM), dBY: alloc(N * dAxon), dB0: alloc(B * N * dTree), dM0: alloc(B * N * dM), dY0: alloc(B * N * dAxon),
  };
  k.elmNetworkBackwardCudaBodies(shape, ...ins, saved, f.y, up.dY, up.dBT, up.dMT, up.dYT,
    g.dx, g.dW, g.dKappaB, g.dKappaM, g.dGain, g.dMlpW, g.dMlpB, g.dWY, g.dBY, g.dB0, g.dM0, g.dY0);
  return { f, g };
}

const CASES: [string, ElmNetworkShape, boolean][] = [
  ["silu lMlp=1 dAxon=1, zero initial state", baseShape({ B: 3, T: 6 }), false],
  ["relu lMlp=2 dAxon=2, nonzero initial states", baseShape({ activation: "relu", lMlp: 2, dAxon: 2, B: 5, T: 5, N: 4, dBrch: 3 }), true],
  ["lMlp=0", baseShape({ lMlp: 0, B: 2, T: 3 }), true],
  ["wider (more rows than threads, several chunks)", baseShape({ B: 7, T: 9, dIn: 11, N: 6, dTree: 3, dBrch: 4, dM: 5, dMlp: 8, dAxon: 2 }), true],
  // per-neuron slices in whole vectors, a half vector and single elements (float: 27 = 16 + 8 + 3, 13 = 8 + 5;
  // double: 27 = 3·8 + 3, 13 = 8 + 4 + 1)
  ["d_m 27, d_tree 13 (vector, half-vector and element parts)", baseShape({ B: 5, T: 4, dIn: 9, N: 3, dTree: 13, dBrch: 2, dM: 27, dMlp: 8, dAxon: 2 }), true],
];

describe("elmNetwork cpu == ref", () => {
  for (const [name, shape, initial] of CASES) {
    it(`float64, 1e-10: ${name}`, () => {
      const { inputs } = randomNetwork(shape, 11, { initial });
      const up = upstream(shape, 12, false);
      expectClose("cpu f64", runDevice(shape, inputs, up, "cpu"), runDevice(shape, inputs, up, "ref"), 1e-10);
    });
    it(`float32, 1e-4: ${name}`, () => {
      const { inputs } = randomNetwork(shape, 13, { initial, f32: true });
      const up = upstream(shape, 14, true);
      expectClose("cpu f32", runDevice(shape, inputs, up, "cpu"), runDevice(shape, inputs, up, "ref"), 1e-4);
    });
  }

  it("async variants give the same numbers as sync", async () => {
    const shape = CASES[1][1];
    const { inputs } = randomNetwork(shape, 21, { initial: true });
    const up = upstream(shape, 22, false);
    const f = await elmNetworkForwardAsync(shape, inputs, "cpu");
    const g = await elmNetworkBackwardAsync(shape, inputs, f.saved, up.dY, up.dBT, up.dMT, up.dYT, "cpu");
    expectClose("cpu async", { f, g }, runDevice(shape, inputs, up, "cpu"), 0);
  });

  it("a saved buffer serves one backward, is recycled by the next forward, and stale contents do not leak", () => {
    const shape = CASES[3][1];
    const a = randomNetwork(shape, 81, { initial: true });
    const b = randomNetwork(shape, 82, { initial: false });
    const up = upstream(shape, 83, false);
    const fa = elmNetworkForward(shape, a.inputs, "cpu");
    elmNetworkBackward(shape, a.inputs, fa.saved, up.dY, null, null, null, "cpu");
    expect(() => elmNetworkBackward(shape, a.inputs, fa.saved, up.dY, null, null, null, "cpu")).toThrow(/already used by a backward pass/);
    // b's forward reuses a's buffer
    const fb = elmNetworkForward(shape, b.inputs, "cpu");
    const gb = elmNetworkBackward(shape, b.inputs, fb.saved, up.dY, up.dBT, up.dMT, up.dYT, "cpu");
    expectClose("cpu recycled", { f: fb, g: gb }, runDevice(shape, b.inputs, up, "ref"), 1e-10);
  });

  // The CPU kernel's schedule: rows in fixed blocks of 4, MLP weight gradients taken
  // every 8 steps, the saved pre-activations read in place when d_mlp is a multiple of
  // the SIMD width. This shape has a 1-row last block, T over two gradient groups plus
  // a partial one, and d_mlp 16 (in place for float32 and float64).
  const SCHEDULE: ElmNetworkShape = baseShape({
    activation: "relu", B: 9, T: 19, dIn: 13, N: 5, dTree: 3, dBrch: 4, dM: 16, dMlp: 16, lMlp: 1, dAxon: 2,
  });
  it("float32 and float64 match ref over several row blocks and gradient groups", () => {
    for (const f32 of [false, true]) {
      const { inputs } = randomNetwork(SCHEDULE, 41, { initial: true, f32 });
      const up = upstream(SCHEDULE, 42, f32);
      expectClose(`cpu schedule ${f32 ? "f32" : "f64"}`, runDevice(SCHEDULE, inputs, up, "cpu"), runDevice(SCHEDULE, inputs, up, "ref"), f32 ? 1e-4 : 1e-10);
    }
  });

  it("results do not depend on the thread count (bit for bit)", () => {
    const { inputs } = randomNetwork(SCHEDULE, 43, { initial: true, f32: true });
    const up = upstream(SCHEDULE, 44, true);
    const before = cpu.numThreads();
    try {
      cpu.setNumThreads(1);
      const one = runDevice(SCHEDULE, inputs, up, "cpu");
      for (const n of [2, 3]) {
        cpu.setNumThreads(n);
        expectClose(`cpu ${n} threads vs 1`, runDevice(SCHEDULE, inputs, up, "cpu"), one, 0);
      }
    } finally {
      cpu.setNumThreads(before);
    }
  });

  it("recycled working buffers (native/src/cpu/scratch_pool.h) carry nothing from one call to the next", () => {
    const { inputs } = randomNetwork(SCHEDULE, 45, { initial: true });
    const up = upstream(SCHEDULE, 46, false);
    const first = runDevice(SCHEDULE, inputs, up, "cpu");
    // a call of another shape with nonzero everything leaves its values in the pooled buffers
    const other = CASES[3][1];
    const o = randomNetwork(other, 47, { initial: true });
    runDevice(other, o.inputs, upstream(other, 48, false), "cpu");
    expectClose("cpu after another call", runDevice(SCHEDULE, inputs, up, "cpu"), first, 0);
  });

  it("null final-state gradients mean zero", () => {
    const shape = CASES[0][1];
    const { inputs } = randomNetwork(shape, 31, { initial: true });
    const up = upstream(shape, 32, false);
    const f = elmNetworkForward(shape, inputs, "cpu");
    const g = elmNetworkBackward(shape, inputs, f.saved, up.dY, null, null, null, "cpu");
    const fr = elmNetworkForward(shape, inputs, "ref");
    const gr = elmNetworkBackward(shape, inputs, fr.saved, up.dY, null, null, null, "ref");
    expectClose("cpu null finals", { f, g }, { f: fr, g: gr }, 1e-10);
  });
});

describe("elmNetwork CUDA thread bodies on the host == ref", () => {
  for (const [name, shape, initial] of CASES) {
    it(`float64: ${name}`, () => {
      const { inputs } = randomNetwork(shape, 41, { initial });
      const up = upstream(shape, 42, false);
      expectClose("cuda bodies f64", runCudaBodies(shape, inputs, up), runDevice(shape, inputs, up, "ref"), 1e-10);
    });
  }
  it("float32", () => {
    const shape = CASES[3][1];
    const { inputs } = randomNetwork(shape, 43, { initial: true, f32: true });
    const up = upstream(shape, 44, true);
    expectClose("cuda bodies f32", runCudaBodies(shape, inputs, up), runDevice(shape, inputs, up, "ref"), 1e-4);
  });
});

describe("elmNetwork on device cuda", () => {
  it("matches ref where a device exists, else fails with CudaUnavailableError naming the reason", () => {
    const shape = CASES[1][1];
    const { inputs } = randomNetwork(shape, 51, { initial: true });
    const up = upstream(shape, 52, false);
    const s = cudaStatus();
    if (!s.available) {
      expect(() => elmNetworkForward(shape, inputs, "cuda")).toThrow(CudaUnavailableError);
      expect(() => elmNetworkForward(shape, inputs, "cuda")).toThrow(s.reason!);
      return;
    }
    const f = elmNetworkForward(shape, inputs, "cuda");
    const g = elmNetworkBackward(shape, inputs, f.saved, up.dY, up.dBT, up.dMT, up.dYT, "cuda");
    expectClose("cuda f64", { f, g }, runDevice(shape, inputs, up, "ref"), 1e-10);
  });
});

describe("elmNetwork native argument checks", () => {
  const { shape, inputs } = randomNetwork(baseShape(), 61);
  it("the dispatcher refuses bad src, lengths, devices and foreign `saved`", () => {
    const bad = { ...inputs, src: Int32Array.from(inputs.src) };
    bad.src[5] = 99;
    expect(() => elmNetworkForward(shape, bad, "cpu")).toThrow(/src\[5\].*= 99 is out of range/);
    expect(() => elmNetworkForward(shape, inputs, "gpu" as never)).toThrow(/device must be "ref", "cpu" or "cuda", got "gpu"/);
    const fr = elmNetworkForward(shape, inputs, "ref");
    expect(() => elmNetworkBackward(shape, inputs, fr.saved, fr.y, null, null, null, "cpu")).toThrow(/'saved' must come from elmNetworkForward on device "cpu"/);
    const fc = elmNetworkForward(shape, inputs, "cpu");
    const other = { ...shape, T: 2 };
    const small = randomNetwork(other, 61).inputs;
    expect(() => elmNetworkBackward(other, small, fc.saved, new Float64Array(12), null, null, null, "cpu")).toThrow(/'saved' was made for shape/);
  });
  it("the binding itself refuses bad arguments with a message, never a crash", () => {
    const k = elmNetworkCpu();
    const { B, T, N, dTree, dM, dAxon } = shape;
    const outs = () => [new Float64Array(B * T * N * dAxon), new Float64Array(B * N * dTree), new Float64Array(B * N * dM),
      new Float64Array(B * N * dAxon), new Float64Array(k.elmNetworkSavedLength(shape))] as const;
    const ins = [inputs.x, inputs.src, inputs.w, inputs.kappaB, inputs.kappaM, inputs.gain, inputs.mlpW, inputs.mlpB,
      inputs.wY, inputs.bY, null, null, null] as const;
    expect(() => k.elmNetworkForward(shape, ...ins, ...outs())).not.toThrow();
    const src = Int32Array.from(inputs.src);
    src[7] = -3;
    const insBad = [...ins] as unknown[];
    insBad[1] = src;
    expect(() => (k.elmNetworkForward as (...a: unknown[]) => void)(shape, ...insBad, ...outs())).toThrow(/elmNetworkForward: src\[7\].*= -3 is out of range; expected 0 ≤ src < dIn \+ N·dAxon = 6/);
    insBad[1] = inputs.src;
    insBad[6] = [inputs.mlpW[0]];
    expect(() => (k.elmNetworkForward as (...a: unknown[]) => void)(shape, ...insBad, ...outs())).toThrow(/'mlpW' must be an Array of lMlp\+1 = 2 layers, got 1/);
    insBad[6] = inputs.mlpW;
    insBad[2] = new Float64Array(5);
    expect(() => (k.elmNetworkForward as (...a: unknown[]) => void)(shape, ...insBad, ...outs())).toThrow(/'w' has length 5, expected 12/);
    insBad[2] = new Float32Array(12);
    expect(() => (k.elmNetworkForward as (...a: unknown[]) => void)(shape, ...insBad, ...outs())).toThrow(/'w' must be a Float64Array, got Float32Array/);
    expect(() => k.elmNetworkForward({ ...shape, dM: 0 }, ...ins, ...outs())).toThrow(/shape.dM must be an integer ≥ 1/);
    expect(() => k.elmNetworkForward({ ...shape, activation: "gelu" as never }, ...ins, ...outs())).toThrow(/shape.activation must be "relu" or "silu", got "gelu"/);
    expect(() => k.elmNetworkSavedLength({ ...shape, lMlp: 40 })).toThrow(/shape.lMlp must be ≤ 15, got 40/);
    expect(() => (k.elmNetworkForward as (...a: unknown[]) => void)(shape)).toThrow(/'x' must be a Float32Array or Float64Array, got nothing/);
  });
});
