// The benchmarks' CUDA rows: without a GPU one row saying why; with one, the step's
// time, rate, floor ratio and speed-up. The second path runs here on the CPU device
// with a stated GPU and GEMM rate, so its plumbing is checked where no GPU exists.
import { cudaStatus } from "@elm/native";
import { describe, expect, it } from "vitest";
import { cudaStepRows, gpuLabel } from "../../benchmarks/cuda.js";
import { networkBenchDY, networkBenchInputs, shdNetwork } from "../../benchmarks/elm_network.bench.js";
import { elmNetworkBackward, elmNetworkForward } from "../../packages/elm-model/src/kernels/network.js";

describe("benchmarks/cuda.ts", () => {
  it("without a usable GPU: one row naming the reason, as many cells as the table", async () => {
    const status = { available: false, devices: 0, reason: "no CUDA driver found" };
    for (const columns of [4, 5] as const) {
      const rows = await cudaStepRows({ step: () => { throw new Error("must not run"); }, flops: 1e9, cpuMs: 10, status, columns });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toContain("not measured: no CUDA driver found");
      expect(rows[0].split("|").length - 2).toBe(columns);
    }
    if (!cudaStatus().available) expect(gpuLabel(cudaStatus())).toMatch(/^none \(/);
  });

  it("with a GPU: time, GFLOP/s, ratio to the GPU's GEMM floor and speed-up over the CPU step", async () => {
    const shape = { ...shdNetwork, B: 2, T: 20 };
    const inp = networkBenchInputs(shape, 1);
    const dY = networkBenchDY(shape);
    let calls = 0;
    const step = (device: "cpu" | "cuda") => {
      calls++;
      const f = elmNetworkForward(shape, inp, device);
      elmNetworkBackward(shape, inp, f.saved, dY, null, null, null, device, { inputGrad: false });
    };
    const rows = await cudaStepRows({
      step, flops: 2e8, cpuMs: 1000, reps: 2, columns: 5, device: "cpu",
      status: { available: true, devices: 1, name: "Test GPU", computeCapability: "9.0" },
      gemm: () => ({ gflops: 1000, n: 4096 }),
    });
    expect(calls).toBe(3); // one warm-up, two timed
    expect(rows).toHaveLength(1);
    const cells = rows[0].split("|").slice(1, -1).map((c) => c.trim());
    expect(cells).toHaveLength(5);
    expect(cells[0]).toBe("cuda (Test GPU, sm 9.0), fastest of 2, host arrays in/out");
    // the cells are rounded (ms to 0.1): compare within the rounding
    const ms = Number(cells[1]);
    expect(ms).toBeGreaterThan(0);
    const near = (x: number, want: number) => expect(Math.abs(x - want) / want).toBeLessThan(0.05 / ms + 1e-3);
    expect(cells[2]).toBe("0.20");
    near(Number(cells[3]), 2e8 / (ms * 1e6));
    // floor: 2e8 flops at 1000 GFLOP/s = 0.2 ms
    const m = /^([\d.]+) × its GEMM floor \(1000 GFLOP\/s host to host, n=4096\); ([\d.]+)× the CPU step's speed$/.exec(cells[4]);
    expect(m, cells[4]).not.toBeNull();
    near(Number(m![1]), ms / 0.2);
    near(Number(m![2]), 1000 / ms);
  });
});
