// axpy: native (threaded) vs a TypeScript loop, float32, memory-bound.
import { cpu } from "@elm/native";
import { timeIt } from "./util.js";

export async function run(): Promise<void> {
  const n = 1 << 24;
  const x = new Float32Array(n).fill(1);
  const y = new Float32Array(n).fill(2);
  const nat = timeIt(() => cpu.axpy(0.5, x, y));
  const js = timeIt(() => {
    for (let i = 0; i < n; i++) y[i] = 0.5 * x[i] + y[i];
  });
  const gbps = (t: number) => ((3 * 4 * n) / t / 1e6).toFixed(1); // 2 reads + 1 write, bytes/ms → GB/s
  console.log(`| axpy n=2^24 f32 | ms | GB/s |\n|---|---|---|`);
  console.log(`| native (${cpu.numThreads()} threads) | ${nat.toFixed(2)} | ${gbps(nat)} |`);
  console.log(`| TypeScript loop | ${js.toFixed(2)} | ${gbps(js)} |`);
  console.log(`\nratio native/TS: ${(js / nat).toFixed(2)}× faster`);
}
