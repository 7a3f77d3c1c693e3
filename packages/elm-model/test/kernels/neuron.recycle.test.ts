// elmNeuronBackward's options.recycleSaved: the backward is the last use of the
// forward's saved arrays. It gives the same gradients, a later backward with that
// `saved` is refused, and the next CPU forward of the same shape and dtype reuses
// the arrays (all but m, the caller's output) with the same results bit for bit —
// but never while another backward still reads them.
import { describe, expect, it } from "vitest";
import { elmNeuronBackward, elmNeuronBackwardAsync, elmNeuronForward } from "../../src/kernels/index.js";
import type { NeuronSaved } from "../../src/kernels/saved.js";
import type { ElmNeuronGradsMaybeInput, Float, KernelDevice } from "../../src/kernels/types.js";
import { toFloat32 } from "./fixtureModel.js";
import { lcg, randomProblem } from "./randomProblem.js";

// a shape of its own per test (the pool is keyed by shape): tests do not share arrays
function problem(T: number) {
  const p = randomProblem(33, { variant: "v2", activation: "relu", B: 2, T, dIn: 9, dTree: 4, dBrch: 3, dM: 5, dMlp: 7, initialState: true });
  const inputs = toFloat32(p.inputs);
  const r = lcg(7);
  const dM = Float32Array.from({ length: p.shape.B * p.shape.T * p.shape.dM }, () => r() - 0.5);
  return { shape: p.shape, inputs, dM, inputs64: p.inputs };
}

const arrays = (g: ElmNeuronGradsMaybeInput): Float[] => [g.dx!, g.dWS, g.dKappaTrace, g.dKappaM, g.dGain, ...g.dMlpW, ...g.dMlpB, g.dTrace0, g.dM0];
const same = (a: ElmNeuronGradsMaybeInput, b: ElmNeuronGradsMaybeInput) =>
  arrays(a).forEach((v, i) => expect(Array.from(v), `gradient ${i}`).toEqual(Array.from(arrays(b)[i])));
const savedOf = (s: unknown) => s as NeuronSaved;

describe("elmNeuronBackward options.recycleSaved", () => {
  for (const device of ["cpu", "ref"] as KernelDevice[]) {
    it(`${device}: same gradients, and the used-up saved is refused afterwards`, async () => {
      const { shape, inputs, dM } = problem(device === "cpu" ? 6 : 7);
      const f = elmNeuronForward(shape, inputs, device);
      const keep = elmNeuronBackward(shape, inputs, f.saved, dM, null, null, device);
      const last = elmNeuronBackward(shape, inputs, f.saved, dM, null, null, device, { recycleSaved: true });
      same(last, keep);
      expect(() => elmNeuronBackward(shape, inputs, f.saved, dM, null, null, device)).toThrow(/handed back by a backward with recycleSaved.*run elmNeuronForward again/);
      await expect(elmNeuronBackwardAsync(shape, inputs, f.saved, dM, null, null, device)).rejects.toThrow(/recycleSaved/);
    });
  }

  it("cpu: the next forward of the shape reuses the arrays, with the same bits", () => {
    const { shape, inputs, dM, inputs64 } = problem(8);
    const f1 = elmNeuronForward(shape, inputs, "cpu");
    const m1 = Float32Array.from(f1.m);
    const g1 = elmNeuronBackward(shape, inputs, f1.saved, dM, null, null, "cpu", { recycleSaved: true });
    const f2 = elmNeuronForward(shape, inputs, "cpu");
    const s1 = savedOf(f1.saved), s2 = savedOf(f2.saved);
    for (const k of ["trace", "z", "pre", "post", "deltaM"] as const) expect(s2[k], k).toBe(s1[k]);
    expect(f2.m).not.toBe(f1.m);  // m is the caller's: never reused
    expect(Array.from(f2.m)).toEqual(Array.from(m1));
    same(elmNeuronBackward(shape, inputs, f2.saved, dM, null, null, "cpu"), g1);
    // a float64 forward of the same shape does not take float32 arrays
    elmNeuronBackward(shape, inputs, f2.saved, dM, null, null, "cpu", { recycleSaved: true });
    const f64 = elmNeuronForward(shape, inputs64, "cpu");
    expect(savedOf(f64.saved).trace).toBeInstanceOf(Float64Array);
  });

  it("cpu: arrays an async backward still reads are not reused until it ends", async () => {
    const { shape, inputs, dM } = problem(9);
    const f1 = elmNeuronForward(shape, inputs, "cpu");
    const reading = elmNeuronBackwardAsync(shape, inputs, f1.saved, dM, null, null, "cpu");
    elmNeuronBackward(shape, inputs, f1.saved, dM, null, null, "cpu", { recycleSaved: true });
    const f2 = elmNeuronForward(shape, inputs, "cpu");
    expect(savedOf(f2.saved).z).not.toBe(savedOf(f1.saved).z);
    await reading;
    const f3 = elmNeuronForward(shape, inputs, "cpu");
    expect(savedOf(f3.saved).z).toBe(savedOf(f1.saved).z);
  });

  it("a failed backward leaves the saved value usable", () => {
    const { shape, inputs, dM } = problem(10);
    const f = elmNeuronForward(shape, inputs, "cpu");
    expect(() => elmNeuronBackward(shape, inputs, f.saved, dM.subarray(1), null, null, "cpu", { recycleSaved: true })).toThrow(/dM has length/);
    expect(() => elmNeuronBackward(shape, inputs, f.saved, dM, null, null, "cpu")).not.toThrow();
  });

  it("refuses a non-boolean recycleSaved", () => {
    const { shape, inputs, dM } = problem(11);
    const f = elmNeuronForward(shape, inputs, "cpu");
    expect(() => elmNeuronBackward(shape, inputs, f.saved, dM, null, null, "cpu", { recycleSaved: 1 as unknown as boolean }))
      .toThrow(/options.recycleSaved must be a boolean, got 1/);
  });
});
