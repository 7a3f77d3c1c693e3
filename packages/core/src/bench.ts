// GEMM rate measurements: the native float32 matmul's best rate on this machine (the
// floor other benchmarks report their ratio to) and a naive TypeScript loop for scale.
import { cpu, dense } from "@elm/native";

export interface GemmRate {
  /** Best rate seen, in GFLOP/s (2·n³ flops per product). */
  gflops: number;
  /** Square size n at which it was seen. */
  n: number;
  /** Best time of one product, ms. */
  ms: number;
  threads: number;
  dtype: "float32" | "float64";
}

function fill(a: Float32Array | Float64Array, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
}

/** Best-of-`reps` time (ms) of the native GEMM C = A·B at n×n×n. */
export function timeNativeGemm(n: number, dtype: "float32" | "float64" = "float32", reps = 5): number {
  const A = dtype === "float32" ? Float32Array : Float64Array;
  const a = new A(n * n);
  const b = new A(n * n);
  const c = new A(n * n);
  fill(a, 1);
  fill(b, 2);
  const off = new Float64Array(1);
  const run = () => dense.denseMatmul(a, b, c, 1, n, n, n, off, off, false, false, false);
  run();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Best-of-`reps` time (ms) of a naive TypeScript GEMM (i-k-j loop order on Float32Array). */
export function timeNaiveGemm(n: number, reps = 1): number {
  const a = new Float32Array(n * n);
  const b = new Float32Array(n * n);
  const c = new Float32Array(n * n);
  fill(a, 1);
  fill(b, 2);
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    c.fill(0);
    for (let i = 0; i < n; i++) {
      for (let l = 0; l < n; l++) {
        const av = a[i * n + l];
        const bo = l * n;
        const co = i * n;
        for (let j = 0; j < n; j++) c[co + j] += av * b[bo + j];
      }
    }
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export const gflops = (n: number, ms: number): number => (2 * n ** 3) / (ms * 1e6);

/**
 * The best float32 GEMM rate the native matmul reaches here (square sizes 512…1536,
 * best of several runs each). Other benchmarks report their ratio to it in the same run.
 */
export function measureBestGemmRate(opts: { sizes?: number[]; reps?: number; dtype?: "float32" | "float64" } = {}): GemmRate {
  const dtype = opts.dtype ?? "float32";
  let best: GemmRate = { gflops: 0, n: 0, ms: Infinity, threads: cpu.numThreads(), dtype };
  for (const n of opts.sizes ?? [512, 1024, 1536]) {
    const ms = timeNativeGemm(n, dtype, opts.reps ?? 5);
    const g = gflops(n, ms);
    if (g > best.gflops) best = { gflops: g, n, ms, threads: cpu.numThreads(), dtype };
  }
  return best;
}
