// A forward whose saved state does not fit in memory fails with an error that says
// how large it was and how to shrink it, on every device, not a bare allocation error.
import { describe, expect, it } from "vitest";
import { networkBenchInputs } from "../../../../benchmarks/elm_network.bench.js";
import { benchInputs, shdAddingBranchElm } from "../../../../benchmarks/elm_step.bench.js";
import { checkFitsInMemory, KernelMemoryError } from "../../src/kernels/backwardSupport.js";
import { elmNeuronForward } from "../../src/kernels/index.js";
import { elmNetworkForward } from "../../src/kernels/network.js";

describe("kernel outputs larger than memory", () => {
  // B 64 × T 100 000 × N 64: y alone is 1.6 GB, the saved sequences 159 GiB
  const shape = { B: 64, T: 100_000, dIn: 1, N: 64, dTree: 8, dBrch: 8, dM: 16, dMlp: 32, lMlp: 1, dAxon: 1, activation: "relu" as const };
  const inputs = networkBenchInputs(shape, 1);
  for (const device of ["cpu", "ref"] as const) {
    it(`${device}: KernelMemoryError naming the size and truncated BPTT`, () => {
      let err: unknown;
      try {
        elmNetworkForward(shape, inputs, device);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KernelMemoryError);
      // cpu: refused before allocating (below); ref: the oracle's own allocation fails
      expect((err as Error).message).toMatch(/^(out of memory for a kernel output( of [\d.]+ (GiB|MiB))? \(.+\)|elmNetworkForward: its outputs .*); the state a forward saves .*truncated BPTT/);
    }, 60_000);
  }
  it("cpu: refused before allocating when the outputs exceed the machine's memory (they would be mapped lazily and the process killed halfway)", () => {
    expect(() => elmNetworkForward(shape, inputs, "cpu")).toThrow(/^elmNetworkForward: its outputs and saved state need \d+\.\d GiB, more than this machine's [\d.]+ GiB of memory; .*truncated BPTT/);
    const neuron = { ...shdAddingBranchElm, B: 64, T: 200_000, dIn: 2, dS: 200, dTree: 100, dBrch: 2 };
    expect(() => elmNeuronForward(neuron, benchInputs(neuron), "cpu")).toThrow(KernelMemoryError);
    expect(() => elmNeuronForward(neuron, benchInputs(neuron), "cpu")).toThrow(/elmNeuronForward: its outputs and saved state need/);
  });
  it("cpu: a saved buffer over JavaScript's typed-array limit (2^32 elements) is refused naming the limit", () => {
    // 8 × 16 400 × 16 samples × 2054 floats = 4.31e9 elements (16.1 GiB): over the limit, and on a
    // machine with less memory than that, refused by the memory check first
    const wide = { B: 8, T: 16_400, dIn: 3, N: 16, dTree: 2, dBrch: 2, dM: 2, dMlp: 1024, lMlp: 1, dAxon: 1, activation: "relu" as const };
    expect(() => elmNetworkForward(wide, networkBenchInputs(wide, 5), "cpu"))
      .toThrow(/a kernel output of 4311756800 elements is over JavaScript's limit for one typed array \(4294967296 elements\)|more than this machine's/);
  });
  it("checkFitsInMemory: at most the given memory passes", () => {
    expect(() => checkFitsInMemory(2 ** 30, "f", 2 ** 30)).not.toThrow();
    expect(() => checkFitsInMemory(2 ** 30 + 1, "f", 2 ** 30)).toThrow(/f: its outputs and saved state need 1\.0 GiB, more than this machine's 1\.0 GiB/);
  });
});
