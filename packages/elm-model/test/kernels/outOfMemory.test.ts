// A forward whose outputs and saved state do not fit is refused before anything is
// allocated, on every device, with an error that gives the size and says how to
// shrink it — not a bare allocation error, and not a process killed halfway.
import { describe, expect, it } from "vitest";
import { benchInputs, shdAddingBranchElm } from "../../../../benchmarks/elm_step.bench.js";
import { networkBenchInputs } from "../../../../benchmarks/elm_network.bench.js";
import { checkFitsInMemory, KernelMemoryError, withKernelMemory } from "../../src/kernels/backwardSupport.js";
import { elmNeuronForward, elmNeuronForwardAsync } from "../../src/kernels/index.js";
import { elmNetworkForward, elmNetworkForwardAsync } from "../../src/kernels/network.js";

const hint = /; the state a forward saves for backpropagation through time .*truncated BPTT/;

describe("kernel outputs larger than memory", () => {
  // far beyond any machine: B 2 × T 10⁶ × N 4096 samples of 104 floats (3.1 TiB); the inputs stay small
  const net = { B: 2, T: 1_000_000, dIn: 1, N: 4096, dTree: 8, dBrch: 8, dM: 16, dMlp: 32, lMlp: 1, dAxon: 1, activation: "relu" as const };
  const netInputs = networkBenchInputs(net, 1);
  // B 2 × T 2·10⁶ rows of a neuron with d_mlp 20 000 (pre and post: 596 GiB)
  const neuron = { ...shdAddingBranchElm, B: 2, T: 2_000_000, dIn: 2, dS: 4, dTree: 2, dBrch: 2, dM: 2, dMlp: 20_000 };
  const neuronInputs = benchInputs(neuron);
  for (const device of ["ref", "cpu"] as const) {
    it(`${device}: the network and the neuron forward are refused up front, naming the size`, async () => {
      const need = /: its outputs and saved state need [\d.]+ (GiB|TiB|MiB), more than this machine's [\d.]+ GiB of memory/;
      for (const [fn, run] of [
        ["elmNetworkForward", () => elmNetworkForward(net, netInputs, device)],
        ["elmNeuronForward", () => elmNeuronForward(neuron, neuronInputs, device)],
      ] as const) {
        expect(run).toThrow(KernelMemoryError);
        expect(run).toThrow(new RegExp(`^${fn}${need.source}${hint.source}`));
      }
      await expect(elmNetworkForwardAsync(net, netInputs, device)).rejects.toThrow(KernelMemoryError);
      await expect(elmNeuronForwardAsync(neuron, neuronInputs, device)).rejects.toThrow(KernelMemoryError);
    }, 60_000);
  }
  it("cpu: a saved buffer over JavaScript's typed-array limit (2^32 elements) is refused naming the limit", () => {
    // 8 × 16 400 × 16 samples × 2054 floats = 4.31e9 elements (16.1 GiB): over the limit, and on a
    // machine with less memory than that, refused by the memory check first
    const wide = { B: 8, T: 16_400, dIn: 3, N: 16, dTree: 2, dBrch: 2, dM: 2, dMlp: 1024, lMlp: 1, dAxon: 1, activation: "relu" as const };
    expect(() => elmNetworkForward(wide, networkBenchInputs(wide, 5), "cpu"))
      .toThrow(/a kernel output of 4311756800 elements is over JavaScript's limit for one typed array \(4294967296 elements\)|more than this machine's/);
  });
  it("checkFitsInMemory: at most the given memory passes", () => {
    expect(() => checkFitsInMemory(2 ** 30, "f", 2 ** 30)).not.toThrow();
    expect(() => checkFitsInMemory(2 ** 30 + 1, "f", 2 ** 30)).toThrow(/^f: its outputs and saved state need 1\.0 GiB, more than this machine's 1\.0 GiB/);
  });
  it("withKernelMemory: an allocation failure inside becomes a KernelMemoryError; other errors pass unchanged", () => {
    expect(() => withKernelMemory(() => new Float32Array(2 ** 33))).toThrow(/^out of memory for a kernel output \(Invalid typed array length: 8589934592\)/);
    const other = new RangeError("shape.B must be ≥ 1");
    expect(() => withKernelMemory(() => { throw other; })).toThrow(other);
  });
});
