// The CUDA side of the step benchmarks. Where a GPU is usable, elm_step and
// elm_network time the same training step on the `cuda` device and report it beside
// the CPU rows: milliseconds, GFLOP/s, the speed-up over the CPU step, and the ratio
// to a floor set by the GPU's own float32 GEMM rate measured in the same run. The
// kernels take and return host arrays (every call copies its inputs to the device
// and its outputs back), so both the step and the GEMM are timed host to host.
// Where no GPU is usable the row says why (cudaStatus), instead of a number.
import { cudaDense, cudaStatus, type CudaStatus } from "@elm/native";
import { bestOf } from "./util.js";

export interface GpuGemmRate {
  gflops: number;
  n: number;
}

/** Best float32 GEMM rate of the CUDA addon, host arrays in and out (2·n³ flops a product). */
export function measureCudaGemmRate(sizes = [1024, 2048, 4096], reps = 3): GpuGemmRate {
  const k = cudaDense();
  let best: GpuGemmRate = { gflops: 0, n: 0 };
  for (const n of sizes) {
    const a = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 13) / 13 - 0.5);
    const b = Float32Array.from({ length: n * n }, (_, i) => ((i * 104729) % 17) / 17 - 0.5);
    const c = new Float32Array(n * n);
    const off = new Float64Array(1);
    const run = () => k.denseMatmul(a, b, c, 1, n, n, n, off, off, false, false, false);
    run();  // warm-up: context, module load, allocations
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      run();
      const g = (2 * n ** 3) / ((performance.now() - t0) * 1e6);
      if (g > best.gflops) best = { gflops: g, n };
    }
  }
  return best;
}

/** The GPU in one phrase, or why there is none. */
export function gpuLabel(s: CudaStatus): string {
  return s.available ? `${s.name ?? "GPU"}${s.computeCapability ? `, sm ${s.computeCapability}` : ""}` : `none (${s.reason ?? "unknown reason"})`;
}

/**
 * The markdown row(s) of a step on the CUDA device: `step(device)` runs one training
 * step; `flops` its FLOPs; `cpuMs` the CPU step it is compared with. Without a usable
 * GPU one row saying why. `device` and `gemm` are parameters so that the plumbing can
 * be run on the CPU where there is no GPU (benchmarks test).
 */
export async function cudaStepRows(opts: {
  step: (device: "cpu" | "cuda") => void;
  flops: number;
  cpuMs: number;
  reps?: number;
  status?: CudaStatus;
  device?: "cpu" | "cuda";
  gemm?: () => GpuGemmRate;
  columns: 4 | 5;
}): Promise<string[]> {
  const status = opts.status ?? cudaStatus();
  const empty = opts.columns === 5 ? " | | |" : " | |";
  if (!status.available) return [`| cuda | —${empty} not measured: ${status.reason ?? "no usable GPU"} (the CUDA code is tested through its thread bodies on the host) |`];
  const device = opts.device ?? "cuda";
  const ms = (await bestOf(() => opts.step(device), opts.reps ?? 5)).wall;
  const g = (opts.gemm ?? measureCudaGemmRate)();
  const floorMs = opts.flops / (g.gflops * 1e6);
  const gflops = (opts.flops / (ms * 1e6)).toFixed(1);
  const label = `cuda (${gpuLabel(status)}), fastest of ${opts.reps ?? 5}, host arrays in/out`;
  const mid = opts.columns === 5 ? ` | ${(opts.flops / 1e9).toFixed(2)}` : "";
  return [
    `| ${label} | ${ms.toFixed(1)}${mid} | ${gflops} | ${(ms / floorMs).toFixed(2)} × its GEMM floor (${g.gflops.toFixed(0)} GFLOP/s host to host, n=${g.n}); ${(opts.cpuMs / ms).toFixed(2)}× the CPU step's speed |`,
  ];
}
