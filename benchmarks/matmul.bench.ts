// matmul: native blocked GEMM (float32 and float64) vs a naive TypeScript loop, same run.
// Napkin math: 2·n³ flops per product; the ceiling is cores × 2 FMA ports × 16 f32 lanes × 2 × GHz.
import { cpu } from "@elm/native";
import { gflops, measureBestGemmRate, timeNaiveGemm, timeNativeGemm } from "../packages/core/src/bench.js";

export async function run(): Promise<void> {
  const threads = cpu.numThreads();
  console.log(`| n | native f32 ms | native f32 GFLOP/s | native f64 GFLOP/s | naive TS f32 GFLOP/s | native/naive (f32) |`);
  console.log(`|---|---|---|---|---|---|`);
  for (const n of [256, 512, 1024]) {
    const f32 = timeNativeGemm(n, "float32", n >= 1024 ? 5 : 10);
    const f64 = timeNativeGemm(n, "float64", n >= 1024 ? 3 : 10);
    const naive = timeNaiveGemm(n, 1);
    console.log(`| ${n} | ${f32.toFixed(2)} | ${gflops(n, f32).toFixed(1)} | ${gflops(n, f64).toFixed(1)} | ${gflops(n, naive).toFixed(2)} | ${(naive / f32).toFixed(0)}× |`);
  }
  const best = measureBestGemmRate();
  console.log(`\nbest native float32 GEMM: ${best.gflops.toFixed(1)} GFLOP/s at n=${best.n} (${threads} threads) — the floor ELM benchmarks compare against`);
}
