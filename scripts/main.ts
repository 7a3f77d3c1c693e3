// The main job. Until the trainer lands it shows the build and runs the kernel
// demo; @elm/trainer replaces it with training on the built-in spiking digits.
import { cpu, cudaStatus } from "@elm/native";

const info = cpu.buildInfo();
console.log(`elm native addon: ${info.compiler}, simd ${info.simd}, ${info.threads} threads`);
const cuda = cudaStatus();
console.log(`cuda: ${cuda.available ? `${cuda.devices} device(s), ${cuda.name}` : `unavailable — ${cuda.reason}`}`);

const n = 1 << 20;
const x = new Float32Array(n).fill(1);
const y = new Float32Array(n).fill(2);
const t0 = performance.now();
cpu.axpy(3, x, y);
console.log(`axpy demo: y[0] = ${y[0]} (expected 5) over ${n} elements in ${(performance.now() - t0).toFixed(2)} ms`);
