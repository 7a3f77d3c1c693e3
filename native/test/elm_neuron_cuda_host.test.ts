// The CUDA kernels' thread bodies (include/elm/neuron_cuda.h), run on the host
// over the launch grid phase by phase, against the CPU kernels: the CUDA code
// path checked without a GPU. Where a device exists, the real CUDA kernels are
// compared too; where none does, asking for them is a clear error.
import { describe, expect, it } from "vitest";
import { CudaUnavailableError, cudaStatus, elmNeuronCpu, elmNeuronCuda } from "../lib/index.js";
import { makeProblem, relErr, type ProblemSpec } from "./elm_neuron_problem.js";

const specs: [string, ProblemSpec][] = [
  ["v2 relu random routing", { variant: "v2", activation: "relu", B: 3, T: 6, dIn: 9, dTree: 5, dBrch: 3, dM: 4, dMlp: 7, lMlp: 1, routing: "random", initialState: true }],
  ["v1 silu masked routing, 3 hidden layers", { variant: "v1", activation: "silu", B: 2, T: 5, dIn: 8, dTree: 3, dBrch: 4, dM: 5, dMlp: 6, lMlp: 3, routing: "masked", initialState: true }],
  ["v1 relu identity, 2 hidden layers", { variant: "v1", activation: "relu", B: 4, T: 4, dIn: 0, dTree: 4, dBrch: 2, dM: 3, dMlp: 9, lMlp: 2, routing: "none", initialState: false }],
  ["v2 silu identity, wide (threads < items)", { variant: "v2", activation: "silu", B: 2, T: 3, dIn: 0, dTree: 40, dBrch: 1, dM: 33, dMlp: 70, lMlp: 1, routing: "none", initialState: true }],
];

const cpu = elmNeuronCpu();

describe("CUDA thread bodies on the host vs the CPU kernels", () => {
  for (const [name, spec] of specs) {
    for (const dtype of ["float64", "float32"] as const) {
      for (const threads of [1, 7, 64]) {
        it(`${name}, ${dtype}, ${threads} threads/block`, () => {
          const p = makeProblem(spec, 11, dtype);
          const tol = dtype === "float64" ? 1e-11 : 1e-4;
          const floor = dtype === "float64" ? 1e-6 : 1e-2;
          const sc = p.saved();
          const fc = p.finals();
          cpu.elmNeuronForward(p.shape, p.inputs, sc, fc.traceT, fc.mT);
          const sb = p.saved();
          const fb = p.finals();
          cpu.elmNeuronForwardCudaBodies(p.shape, p.inputs, sb, fb.traceT, fb.mT, threads);
          for (const k of ["trace", "z", "pre", "post", "deltaM", "m"] as const) {
            expect(relErr(sb[k], sc[k], floor), `saved.${k}`).toBeLessThanOrEqual(tol);
          }
          expect(relErr(fb.traceT, fc.traceT, floor), "traceT").toBeLessThanOrEqual(tol);
          expect(relErr(fb.mT, fc.mT, floor), "mT").toBeLessThanOrEqual(tol);
          const gc = p.grads();
          cpu.elmNeuronBackward(p.shape, p.inputs, sc, p.upstream.dM, p.upstream.dTraceT, p.upstream.dMT, gc);
          const gb = p.grads();
          gb.dx.fill(Number.NaN); // every element must be written
          cpu.elmNeuronBackwardCudaBodies(p.shape, p.inputs, sb, p.upstream.dM, p.upstream.dTraceT, p.upstream.dMT, gb, threads);
          for (const k of ["dx", "dWS", "dKappaTrace", "dKappaM", "dGain", "dTrace0", "dM0"] as const) {
            expect(relErr(gb[k], gc[k], floor), `grads.${k}`).toBeLessThanOrEqual(tol);
          }
          gc.dMlpW.forEach((w, l) => expect(relErr(gb.dMlpW[l], w, floor), `dMlpW[${l}]`).toBeLessThanOrEqual(tol));
          gc.dMlpB.forEach((w, l) => expect(relErr(gb.dMlpB[l], w, floor), `dMlpB[${l}]`).toBeLessThanOrEqual(tol));
        });
      }
    }
  }

  it("checks its arguments like the kernels", () => {
    const p = makeProblem(specs[0][1], 3, "float64");
    const f = p.finals();
    expect(() => cpu.elmNeuronForwardCudaBodies(p.shape, p.inputs, { ...p.saved(), z: new Float64Array(2) }, f.traceT, f.mT)).toThrow(
      /'saved\.z' has length 2, expected 162/,
    );
    expect(() => cpu.elmNeuronForwardCudaBodies(p.shape, p.inputs, p.saved(), f.traceT, f.mT, 0)).toThrow(
      /'threadsPerBlock' must be an integer ≥ 1/,
    );
  });
});

describe("CUDA fused neuron on a device", () => {
  const status = cudaStatus();
  it(status.available ? "matches the CPU kernels" : `is a clear error without a device (${status.reason})`, () => {
    if (!status.available) {
      expect(() => elmNeuronCuda()).toThrow(CudaUnavailableError);
      return;
    }
    for (const [, spec] of specs) {
      const p = makeProblem(spec, 12, "float64");
      const sc = p.saved();
      const fc = p.finals();
      cpu.elmNeuronForward(p.shape, p.inputs, sc, fc.traceT, fc.mT);
      const sg = p.saved();
      const fg = p.finals();
      elmNeuronCuda().elmNeuronForward(p.shape, p.inputs, sg, fg.traceT, fg.mT);
      expect(relErr(sg.m, sc.m, 1e-6)).toBeLessThanOrEqual(1e-11);
      const gc = p.grads();
      cpu.elmNeuronBackward(p.shape, p.inputs, sc, p.upstream.dM, p.upstream.dTraceT, p.upstream.dMT, gc);
      const gg = p.grads();
      elmNeuronCuda().elmNeuronBackward(p.shape, p.inputs, sg, p.upstream.dM, p.upstream.dTraceT, p.upstream.dMT, gg);
      for (const k of ["dx", "dWS", "dKappaTrace", "dKappaM", "dGain", "dTrace0", "dM0"] as const) {
        expect(relErr(gg[k], gc[k], 1e-6), k).toBeLessThanOrEqual(1e-11);
      }
      gc.dMlpW.forEach((w, l) => expect(relErr(gg.dMlpW[l], w, 1e-6)).toBeLessThanOrEqual(1e-11));
    }
  });
});
