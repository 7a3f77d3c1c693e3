// Bad input to the fused ELM neuron gets an error naming the value and what was expected.
import { describe, expect, it } from "vitest";
import { elmNeuronBackward, elmNeuronForward } from "../../src/kernels/index.js";
import type { KernelDevice } from "../../src/kernels/types.js";
import { randomProblem } from "./randomProblem.js";

const devices: KernelDevice[] = ["ref", "cpu"];

describe.each(devices)("elmNeuron input validation (%s)", (device) => {
  const base = () => randomProblem(7, { variant: "v2", activation: "relu" });

  it("names a wrong length", () => {
    const { shape, inputs } = base();
    expect(() => elmNeuronForward(shape, { ...inputs, wS: new Float64Array(5) }, device)).toThrow(/inputs\.wS has length 5, expected 6/);
    expect(() => elmNeuronForward(shape, { ...inputs, x: new Float64Array(3) }, device)).toThrow(/inputs\.x has length 3, expected 60/);
    expect(() => elmNeuronForward(shape, { ...inputs, kappaTrace: new Float64Array(6) }, device)).toThrow(/inputs\.kappaTrace has length 6, expected 3/);
  });

  it("names a mixed dtype", () => {
    const { shape, inputs } = base();
    expect(() => elmNeuronForward(shape, { ...inputs, gain: new Float32Array(3) }, device)).toThrow(/inputs\.gain must be a Float64Array/);
  });

  it("names a bad shape", () => {
    const { shape, inputs } = base();
    expect(() => elmNeuronForward({ ...shape, dS: 7 }, inputs, device)).toThrow(/shape\.dS \(7\) must equal dTree·dBrch/);
    expect(() => elmNeuronForward({ ...shape, T: 0 }, inputs, device)).toThrow(/shape\.T must be an integer ≥ 1, got 0/);
    expect(() => elmNeuronForward({ ...shape, activation: "gelu" as never }, inputs, device)).toThrow(/shape\.activation/);
    expect(() => elmNeuronForward({ ...shape, variant: "v3" as never }, inputs, device)).toThrow(/shape\.variant/);
  });

  it("names an out-of-range route and a missing MLP layer", () => {
    const { shape, inputs } = base();
    const route = Int32Array.from(inputs.route!);
    route[2] = 99;
    expect(() => elmNeuronForward(shape, { ...inputs, route }, device)).toThrow(/inputs\.route\[2\] = 99 is outside \[0, 5\)/);
    expect(() => elmNeuronForward(shape, { ...inputs, mlpW: inputs.mlpW.slice(0, 1) }, device)).toThrow(/inputs\.mlpW must be an array of lMlp\+1 = 2 layers, got 1/);
    expect(() => elmNeuronForward({ ...shape }, { ...inputs, route: null }, device)).toThrow(/identity routing/);
  });

  it("checks backward's upstream gradients and saved state", () => {
    const { shape, inputs } = base();
    const f = elmNeuronForward(shape, inputs, device);
    expect(() => elmNeuronBackward(shape, inputs, f.saved, new Float64Array(2), null, null, device)).toThrow(/dM has length 2, expected 36/);
    expect(() => elmNeuronBackward(shape, inputs, f.saved, new Float64Array(36), new Float64Array(1), null, device)).toThrow(/dTraceT has length 1, expected 6/);
    expect(() => elmNeuronBackward(shape, inputs, {}, new Float64Array(36), null, null, device)).toThrow(/'saved' must be the value returned by elmNeuronForward/);
  });

  it("refuses an unknown device", () => {
    const { shape, inputs } = base();
    expect(() => elmNeuronForward(shape, inputs, "tpu" as never)).toThrow(/device must be "ref", "cpu" or "cuda", got "tpu"/);
  });
});

describe("elmNeuron on device cuda", () => {
  it("without a device: throws CudaUnavailableError naming the reason (never crashes)", async () => {
    const { cudaStatus, CudaUnavailableError } = await import("@elm/native");
    const { shape, inputs } = randomProblem(8, { variant: "v1", activation: "silu" });
    const s = cudaStatus();
    if (s.available) {
      const f = elmNeuronForward(shape, inputs, "cuda");
      const r = elmNeuronForward(shape, inputs, "ref");
      f.m.forEach((v, i) => expect(v).toBeCloseTo(r.m[i], 10));
      return;
    }
    expect(() => elmNeuronForward(shape, inputs, "cuda")).toThrow(CudaUnavailableError);
    expect(() => elmNeuronForward(shape, inputs, "cuda")).toThrow(s.reason!);
    const f = elmNeuronForward(shape, inputs, "ref");
    expect(() => elmNeuronBackward(shape, inputs, f.saved, new Float64Array(36), null, null, "cuda")).toThrow(CudaUnavailableError);
  });
});
