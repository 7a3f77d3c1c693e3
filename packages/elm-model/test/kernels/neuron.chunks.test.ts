// Truncated BPTT / streaming: running a sequence in two chunks, carrying the
// final state (traceT, mT) in as the next chunk's initial state (trace0, m0),
// gives the same memory as one run; and chaining the backward passes through
// dTrace0/dM0 → dTraceT/dMT gives the same gradients as one backward pass.
import { describe, expect, it } from "vitest";
import { elmNeuronBackward, elmNeuronForward } from "../../src/kernels/index.js";
import type { ElmNeuronInputs, ElmNeuronShape, KernelDevice } from "../../src/kernels/types.js";
import { relErr } from "./fixtureModel.js";
import { lcg, randomProblem } from "./randomProblem.js";

function sliceT(shape: ElmNeuronShape, a: Float64Array, width: number, t0: number, t1: number): Float64Array {
  const out = new Float64Array(shape.B * (t1 - t0) * width);
  for (let b = 0; b < shape.B; b++) out.set(a.subarray((b * shape.T + t0) * width, (b * shape.T + t1) * width), b * (t1 - t0) * width);
  return out;
}

describe.each(["ref", "cpu"] as KernelDevice[])("elmNeuron %s in chunks = in one run", (device) => {
  for (const variant of ["v1", "v2"] as const) {
    it(`${variant}: forward state carry and backward gradient chaining`, () => {
      const { shape, inputs } = randomProblem(31, { variant, activation: "silu", B: 3, T: 10, lMlp: 2, routing: "masked", initialState: true });
      const r = lcg(32);
      const dM = Float64Array.from({ length: shape.B * shape.T * shape.dM }, () => r() - 0.5);
      const full = elmNeuronForward(shape, inputs, device);
      const gFull = elmNeuronBackward(shape, inputs, full.saved, dM, null, null, device);

      const cut = 4;
      const s1: ElmNeuronShape = { ...shape, T: cut };
      const s2: ElmNeuronShape = { ...shape, T: shape.T - cut };
      const in1: ElmNeuronInputs = { ...inputs, x: sliceT(shape, inputs.x as Float64Array, shape.dIn, 0, cut) };
      const f1 = elmNeuronForward(s1, in1, device);
      const in2: ElmNeuronInputs = { ...inputs, x: sliceT(shape, inputs.x as Float64Array, shape.dIn, cut, shape.T), trace0: f1.traceT, m0: f1.mT };
      const f2 = elmNeuronForward(s2, in2, device);
      expect(relErr(f1.m, sliceT(shape, full.m as Float64Array, shape.dM, 0, cut), 1e-6).err).toBeLessThanOrEqual(1e-12);
      expect(relErr(f2.m, sliceT(shape, full.m as Float64Array, shape.dM, cut, shape.T), 1e-6).err).toBeLessThanOrEqual(1e-12);
      expect(relErr(f2.mT, full.mT, 1e-6).err).toBeLessThanOrEqual(1e-12);
      expect(relErr(f2.traceT, full.traceT, 1e-6).err).toBeLessThanOrEqual(1e-12);

      const g2 = elmNeuronBackward(s2, in2, f2.saved, sliceT(shape, dM, shape.dM, cut, shape.T), null, null, device);
      const g1 = elmNeuronBackward(s1, in1, f1.saved, sliceT(shape, dM, shape.dM, 0, cut), g2.dTrace0, g2.dM0, device);
      const tol = 1e-10;
      expect(relErr(g1.dTrace0, gFull.dTrace0, 1e-6).err).toBeLessThanOrEqual(tol);
      expect(relErr(g1.dM0, gFull.dM0, 1e-6).err).toBeLessThanOrEqual(tol);
      const sum = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from(a, (v, i) => v + b[i]);
      expect(relErr(sum(g1.dWS, g2.dWS), gFull.dWS, 1e-6).err).toBeLessThanOrEqual(tol);
      expect(relErr(sum(g1.dKappaM, g2.dKappaM), gFull.dKappaM, 1e-6).err).toBeLessThanOrEqual(tol);
      expect(relErr(sum(g1.dKappaTrace, g2.dKappaTrace), gFull.dKappaTrace, 1e-6).err).toBeLessThanOrEqual(tol);
      expect(relErr(sum(g1.dGain, g2.dGain), gFull.dGain, 1e-6).err).toBeLessThanOrEqual(tol);
      gFull.dMlpW.forEach((w, l) => expect(relErr(sum(g1.dMlpW[l], g2.dMlpW[l]), w, 1e-6).err).toBeLessThanOrEqual(tol));
      expect(relErr(g1.dx, sliceT(shape, gFull.dx as Float64Array, shape.dIn, 0, cut), 1e-6).err).toBeLessThanOrEqual(tol);
      expect(relErr(g2.dx, sliceT(shape, gFull.dx as Float64Array, shape.dIn, cut, shape.T), 1e-6).err).toBeLessThanOrEqual(tol);
    });
  }
});
