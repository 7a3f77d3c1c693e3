// elmNetworkBackward's options.inputGrad (false: dx is null, the CPU kernel does
// not store dL/dx; every other gradient is unchanged), and the CPU kernels'
// "every output element is written" property the wrapper relies on when it
// allocates outputs, saved state and gradients uninitialised: outputs prefilled
// with NaN give the same bits as outputs prefilled with zeros.
import { elmNetworkCpu } from "@elm/native";
import { describe, expect, it } from "vitest";
import {
  elmNetworkBackward,
  elmNetworkBackwardAsync,
  elmNetworkForward,
  mlpLayerDims,
  type ElmNetworkGrads,
  type ElmNetworkGradsMaybeInput,
  type ElmNetworkInputs,
  type ElmNetworkShape,
  type Float,
} from "../../src/kernels/network.js";
import { baseShape, randomNetwork, seededRandom } from "./networkFixtures.js";

const SHAPES: [string, ElmNetworkShape, boolean][] = [
  ["silu lMlp=1, zero initial state", baseShape({ B: 3, T: 6 }), false],
  ["relu lMlp=2 dAxon=2, initial states", baseShape({ activation: "relu", lMlp: 2, dAxon: 2, B: 5, T: 5, N: 4, dBrch: 3 }), true],
  ["wider, several row blocks", baseShape({ B: 7, T: 9, dIn: 11, N: 6, dTree: 3, dBrch: 4, dM: 5, dMlp: 16, dAxon: 2 }), true],
];

function randomArray(n: number, seed: number, f32: boolean): Float {
  const rnd = seededRandom(seed);
  const a = f32 ? new Float32Array(n) : new Float64Array(n);
  for (let q = 0; q < n; q++) a[q] = rnd();
  return a;
}

function gradArrays(g: ElmNetworkGradsMaybeInput): [string, Float][] {
  return [
    ["dW", g.dW], ["dKappaB", g.dKappaB], ["dKappaM", g.dKappaM], ["dGain", g.dGain],
    ...g.dMlpW.map((a, l): [string, Float] => [`dMlpW[${l}]`, a]),
    ...g.dMlpB.map((a, l): [string, Float] => [`dMlpB[${l}]`, a]),
    ["dWY", g.dWY], ["dBY", g.dBY], ["dB0", g.dB0], ["dM0", g.dM0], ["dY0", g.dY0],
  ];
}

function expectSameBits(what: string, a: Float, b: Float): void {
  expect(a.length, `${what} length`).toBe(b.length);
  for (let q = 0; q < a.length; q++) {
    if (!Object.is(a[q], b[q])) expect.fail(`${what}[${q}]: ${a[q]} vs ${b[q]}`);
  }
}

describe("elmNetworkBackward options.inputGrad", () => {
  for (const [name, shape, initial] of SHAPES) {
    for (const f32 of [false, true]) {
      it(`${f32 ? "float32" : "float64"} ${name}: false → dx null, every other gradient bit-identical (cpu, ref, async)`, async () => {
        const { inputs } = randomNetwork(shape, 31, { initial, f32 });
        const dY = randomArray(shape.B * shape.T * shape.N * shape.dAxon, 32, f32);
        const dBT = randomArray(shape.B * shape.N * shape.dTree, 33, f32);
        for (const device of ["cpu", "ref"] as const) {
          const run = (o?: { inputGrad: boolean }) => {
            const f = elmNetworkForward(shape, inputs, device);
            return o ? elmNetworkBackward(shape, inputs, f.saved, dY, dBT, null, null, device, o) : elmNetworkBackward(shape, inputs, f.saved, dY, dBT, null, null, device);
          };
          const dflt = run();
          const withX = run({ inputGrad: true });
          const noX = run({ inputGrad: false });
          const f = elmNetworkForward(shape, inputs, device);
          const noXAsync = await elmNetworkBackwardAsync(shape, inputs, f.saved, dY, dBT, null, null, device, { inputGrad: false });
          expect(dflt.dx).not.toBeNull();
          expectSameBits(`${device} dx`, withX.dx!, dflt.dx!);
          expect(noX.dx).toBeNull();
          expect(noXAsync.dx).toBeNull();
          const want = gradArrays(dflt);
          gradArrays(noX).forEach(([n, a], q) => expectSameBits(`${device} ${n}`, a, want[q][1]));
          gradArrays(noXAsync).forEach(([n, a], q) => expectSameBits(`${device} async ${n}`, a, want[q][1]));
        }
      });
    }
  }

  it("rejects a non-boolean inputGrad", () => {
    const shape = SHAPES[0][1];
    const { inputs } = randomNetwork(shape, 41, {});
    const dY = randomArray(shape.B * shape.T * shape.N * shape.dAxon, 42, false);
    const f = elmNetworkForward(shape, inputs, "cpu");
    expect(() => elmNetworkBackward(shape, inputs, f.saved, dY, null, null, null, "cpu", { inputGrad: 1 as unknown as boolean }))
      .toThrow(/options.inputGrad must be a boolean/);
  });
});

/** The raw CPU binding with every output, the saved buffer and every gradient prefilled with `fill`. */
function rawRun(shape: ElmNetworkShape, inp: ElmNetworkInputs, dY: Float, fill: number, opts: { dx: boolean; cudaBodies?: boolean }) {
  const k = elmNetworkCpu();
  const F = inp.x instanceof Float64Array ? Float64Array : Float32Array;
  const alloc = (n: number): Float => new F(n).fill(fill);
  const { B, T, dIn, N, dTree, dBrch, dM, dAxon } = shape;
  const f = { y: alloc(B * T * N * dAxon), bT: alloc(B * N * dTree), mT: alloc(B * N * dM), yT: alloc(B * N * dAxon) };
  const saved = alloc(k.elmNetworkSavedLength(shape));
  const ins = [inp.x, inp.src, inp.w, inp.kappaB, inp.kappaM, inp.gain, inp.mlpW, inp.mlpB, inp.wY, inp.bY, inp.b0, inp.m0, inp.y0] as const;
  k.elmNetworkForward(shape, ...ins, f.y, f.bT, f.mT, f.yT, saved);
  const yCopy = f.y.slice();
  const dims = mlpLayerDims(shape);
  const g: ElmNetworkGradsMaybeInput = {
    dx: opts.dx ? alloc(B * T * dIn) : null, dW: alloc(N * dTree * dBrch), dKappaB: alloc(N * dTree), dKappaM: alloc(N * dM),
    dGain: alloc(N * dM), dMlpW: dims.map((d) => alloc(N * d.out * d.in)), dMlpB: dims.map((d) => alloc(N * d.out)),
    dWY: alloc(N * dAxon * dM), dBY: alloc(N * dAxon), dB0: alloc(B * N * dTree), dM0: alloc(B * N * dM), dY0: alloc(B * N * dAxon),
  };
  const back = opts.cudaBodies ? k.elmNetworkBackwardCudaBodies : k.elmNetworkBackward;
  back(shape, ...ins, saved, yCopy, dY, null, null, null,
    g.dx, g.dW, g.dKappaB, g.dKappaM, g.dGain, g.dMlpW, g.dMlpB, g.dWY, g.dBY, g.dB0, g.dM0, g.dY0);
  return { f, g };
}

describe("elmNetwork cpu kernels write every output element (uninitialised allocation is safe)", () => {
  for (const [name, shape, initial] of SHAPES) {
    for (const f32 of [false, true]) {
      it(`${f32 ? "float32" : "float64"} ${name}: NaN-prefilled outputs, saved and gradients == zero-prefilled`, () => {
        const { inputs } = randomNetwork(shape, 51, { initial, f32 });
        const dY = randomArray(shape.B * shape.T * shape.N * shape.dAxon, 52, f32);
        for (const dx of [true, false]) {
          const z = rawRun(shape, inputs, dY, 0, { dx });
          const n = rawRun(shape, inputs, dY, NaN, { dx });
          for (const key of ["y", "bT", "mT", "yT"] as const) expectSameBits(key, n.f[key], z.f[key]);
          if (dx) expectSameBits("dx", n.g.dx!, z.g.dx!);
          const want = gradArrays(z.g);
          gradArrays(n.g).forEach(([nm, a], q) => {
            expect(a.some(Number.isNaN), `${nm} has NaN`).toBe(false);
            expectSameBits(nm, a, want[q][1]);
          });
        }
      });
    }
  }

  it("the CPU kernel takes dx = null (and matches the wrapper); the CUDA thread bodies refuse it", () => {
    const shape = SHAPES[1][1];
    const { inputs } = randomNetwork(shape, 61, { initial: true });
    const dY = randomArray(shape.B * shape.T * shape.N * shape.dAxon, 62, false);
    const raw = rawRun(shape, inputs, dY, 0, { dx: false });
    const f = elmNetworkForward(shape, inputs, "cpu");
    const g: ElmNetworkGrads = elmNetworkBackward(shape, inputs, f.saved, dY, null, null, null, "cpu");
    const want = gradArrays(g);
    gradArrays(raw.g).forEach(([nm, a], q) => expectSameBits(nm, a, want[q][1]));
    expect(() => rawRun(shape, inputs, dY, 0, { dx: false, cudaBodies: true })).toThrow(/argument 'dx' must be a Float64Array/);
  });
});
