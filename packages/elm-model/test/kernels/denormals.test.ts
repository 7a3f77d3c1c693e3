// The CPU kernels run with subnormals flushed to zero (native/src/cpu/float_mode.h):
// traces and memories of sparse spike inputs decay geometrically through the
// subnormal range, where x86 arithmetic is ~100× slower. The mode is set for
// the kernel call only: the JavaScript thread keeps IEEE subnormals.
import { describe, expect, it } from "vitest";
import { elmNeuronBackward, elmNeuronBackwardAsync, elmNeuronForward, elmNeuronForwardAsync, type ElmNeuronShape } from "../../src/kernels/index.js";
import { elmNetworkBackward, elmNetworkForward, elmNetworkForwardAsync } from "../../src/kernels/network.js";
import { baseShape, randomNetwork } from "./networkFixtures.js";

// One synapse per branch, one spike at t = 0, then silence: the Branch-ELM
// trace is w·κ^t, which in float32 is subnormal (< 1.18e-38) from t ≈ 437 on.
const T = 440;
const shape: ElmNeuronShape = { variant: "v2", B: 1, T, dIn: 2, dS: 2, dTree: 2, dBrch: 1, dM: 2, dMlp: 4, lMlp: 1, activation: "relu" };
const kappa = Math.exp(-1 / 5);
function decayInputs() {
  const F = Float32Array;
  const x = new F(T * 2);
  x[0] = 1;
  x[1] = 1;
  return {
    x, route: null, routeMask: null, wS: F.from([1, 0.5]), kappaTrace: F.from([kappa, kappa]),
    kappaM: F.from([0.9, 0.5]), gain: F.from([0.1, 0.5]),
    mlpW: [F.from({ length: 4 * 4 }, (_, i) => ((i % 5) - 2) / 4), F.from({ length: 2 * 4 }, (_, i) => ((i % 3) - 1) / 3)],
    mlpB: [new F(4).fill(0.01), new F(2)], trace0: null, m0: null,
  };
}

/** Subnormal double arithmetic at run time (operands from an array, so nothing is folded). */
function jsKeepsSubnormals(): boolean {
  const v = [Number.MIN_VALUE, 2.5e-310];
  return v[0]! * 2 === 1e-323 && v[1]! + v[0]! > v[1]! && Math.fround(1e-40) !== 0;
}

describe("subnormals in the CPU kernels", () => {
  it("the float32 trace flushes to zero where the oracle is subnormal; outputs still match the oracle", () => {
    const inputs = decayInputs();
    const ref = elmNeuronForward(shape, inputs, "ref");
    const cpu = elmNeuronForward(shape, inputs, "cpu");
    // the oracle's final trace is subnormal but not zero; the kernel's is zero
    expect(Math.abs(ref.traceT[0]!)).toBeGreaterThan(0);
    expect(Math.abs(ref.traceT[0]!)).toBeLessThan(1.18e-38);
    expect(cpu.traceT[0]).toBe(0);
    for (let i = 0; i < ref.m.length; i++) expect(Math.abs(cpu.m[i]! - ref.m[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(ref.m[i]!)));
    const dM = new Float32Array(T * 2).fill(1e-3);
    const gr = elmNeuronBackward(shape, inputs, ref.saved, dM, null, null, "ref");
    const gc = elmNeuronBackward(shape, inputs, cpu.saved, dM, null, null, "cpu");
    for (let l = 0; l < 2; l++) {
      const a = gc.dMlpW[l]!, b = gr.dMlpW[l]!;
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-4 * Math.max(1e-3, Math.abs(b[i]!)));
    }
  });

  it("the JavaScript thread keeps IEEE subnormals after sync and async neuron and network calls", async () => {
    expect(jsKeepsSubnormals()).toBe(true);
    const inputs = decayInputs();
    const f = elmNeuronForward(shape, inputs, "cpu");
    expect(jsKeepsSubnormals()).toBe(true);
    elmNeuronBackward(shape, inputs, f.saved, new Float32Array(T * 2).fill(1), null, null, "cpu");
    expect(jsKeepsSubnormals()).toBe(true);
    const fa = await elmNeuronForwardAsync(shape, inputs, "cpu");
    await elmNeuronBackwardAsync(shape, inputs, fa.saved, new Float32Array(T * 2).fill(1), null, null, "cpu");
    expect(jsKeepsSubnormals()).toBe(true);
    const net = randomNetwork(baseShape({ B: 4, T: 6 }), 3);
    const nf = elmNetworkForward(net.shape, net.inputs, "cpu");
    expect(jsKeepsSubnormals()).toBe(true);
    elmNetworkBackward(net.shape, net.inputs, nf.saved, new Float64Array(nf.y.length).fill(1), null, null, null, "cpu");
    await elmNetworkForwardAsync(net.shape, net.inputs, "cpu");
    expect(jsKeepsSubnormals()).toBe(true);
  });
});
