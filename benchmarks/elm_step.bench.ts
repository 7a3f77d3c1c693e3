// elm_step: one training step (forward + BPTT) of the fused ELM neuron kernel
// for the SHD-Adding Branch-ELM (paper Table: 100 branches × 15 synapses,
// random routing, d_m 100, d_mlp 200, 67K params), float32, B 8, T 1000.
// Napkin math: FLOPs per step (2 per multiply-add; backward counted) over the
// machine's best float32 GEMM rate measured in the same run = the floor a
// step cannot beat; we report how far above it the kernel is (target ≤ 3×),
// and the TypeScript oracle's time for the same step. Two CPU steps: with the
// input gradient dL/dx (x requires grad) and without it (x is data, as in
// training: the model asks the kernel to skip it).
import { cpu } from "@elm/native";
import { measureBestGemmRate } from "../packages/core/src/bench.js";
import { elmNeuronBackward, elmNeuronForward } from "../packages/elm-model/src/kernels/index.js";
import type { ElmNeuronInputs, ElmNeuronShape, KernelDevice } from "../packages/elm-model/src/kernels/index.js";
import { cudaStepRows } from "./cuda.js";
import { bestOf } from "./util.js";

export const shdAddingBranchElm: ElmNeuronShape = {
  variant: "v2", B: 8, T: 1000, dIn: 700, dS: 1500, dTree: 100, dBrch: 15, dM: 100, dMlp: 200, lMlp: 1, activation: "relu",
};

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function benchInputs(shape: ElmNeuronShape, seed = 1): ElmNeuronInputs {
  const r = seeded(seed);
  const F = Float32Array;
  const u = (n: number, a: number) => F.from({ length: n }, () => (2 * r() - 1) * a);
  const mlpW: Float32Array[] = [];
  const mlpB: Float32Array[] = [];
  for (let l = 0; l <= shape.lMlp; l++) {
    const nIn = l === 0 ? shape.dTree + shape.dM : shape.dMlp;
    const nOut = l === shape.lMlp ? shape.dM : shape.dMlp;
    mlpW.push(u(nOut * nIn, 1 / Math.sqrt(nIn)));
    mlpB.push(u(nOut, 1 / Math.sqrt(nIn)));
  }
  const kappaM = F.from({ length: shape.dM }, (_, k) => Math.exp(-1 / (1 + 10 ** (3 * k / shape.dM))));
  return {
    // spikes: ~2% of channels active per 2 ms bin
    x: F.from({ length: shape.B * shape.T * shape.dIn }, () => (r() < 0.02 ? 1 : 0)),
    route: Int32Array.from({ length: shape.dS }, () => Math.floor(r() * shape.dIn)),
    routeMask: null,
    wS: F.from({ length: shape.dS }, () => 0.5),
    kappaTrace: F.from({ length: shape.dTree }, () => Math.exp(-1 / 5)),
    kappaM,
    gain: kappaM.map((k) => 1 - k ** 5),
    mlpW, mlpB, trace0: null, m0: null,
  };
}

/** A fixed ∂L/∂m for the backward (values in [−0.5, 0.5)). */
export function benchDM(shape: ElmNeuronShape): Float32Array {
  return Float32Array.from({ length: shape.B * shape.T * shape.dM }, (_, i) => ((i * 7919) % 13) / 13 - 0.5);
}

/** FLOPs of one forward + backward step (2 per multiply-add): the MLP products and the synapse/trace work. */
export function stepFlops(s: ElmNeuronShape): { total: number; mlp: number } {
  const nZ = s.dTree + s.dM;
  const mac = nZ * s.dMlp + s.dMlp * s.dM + (s.lMlp - 1) * s.dMlp * s.dMlp; // forward MLP per (b,t)
  const mlp = 2 * 3 * mac * s.B * s.T; // forward; backward = input grads + weight grads
  const dTr = s.variant === "v1" ? s.dS : s.dTree;
  const trace = (2 * s.dS + 2 * dTr + 4 * s.dS + 2 * dTr) * s.B * s.T; // fwd w·r + sums + decay; bwd dWS, dx, dκ
  return { total: mlp + trace, mlp };
}

function step(shape: ElmNeuronShape, inputs: ElmNeuronInputs, dM: Float32Array, device: KernelDevice, inputGrad = true): void {
  const f = elmNeuronForward(shape, inputs, device);
  elmNeuronBackward(shape, inputs, f.saved, dM, null, null, device, { inputGrad });
}

export async function run(): Promise<void> {
  const shape = shdAddingBranchElm;
  const inputs = benchInputs(shape);
  const dM = benchDM(shape);
  const threads = cpu.numThreads();
  const { total, mlp } = stepFlops(shape);
  // GEMM rate measured before and after the kernel timings; the better one sets the floor
  const g0 = measureBestGemmRate({ sizes: [512, 1024], reps: 3 });
  const fwd = await bestOf(() => elmNeuronForward(shape, inputs, "cpu"), 5);
  const stepT = await bestOf(() => step(shape, inputs, dM, "cpu"), 7);
  const stepNoDx = await bestOf(() => step(shape, inputs, dM, "cpu", false), 7);
  const cpuMs = stepT.wall;
  const fwdMs = fwd.wall;
  const cpuTimeMs = stepT.cpu / threads; // the wall time of a step with the machine to itself, if the threads scale
  const noDxMs = stepNoDx.wall;
  const noDxTimeMs = stepNoDx.cpu / threads;
  const g1 = measureBestGemmRate({ sizes: [512, 1024], reps: 3 });
  const best = g1.gflops > g0.gflops ? g1 : g0;
  const t0 = performance.now();
  step(shape, inputs, dM, "ref");
  const refMs = performance.now() - t0;
  const { loadavg } = await import("node:os");
  const floorMs = total / (best.gflops * 1e6);
  const gf = (ms: number) => (total / (ms * 1e6)).toFixed(1);
  console.log(`SHD-Adding Branch-ELM (d_in 700, 100×15 synapses random routing, d_m 100, d_mlp 200), B ${shape.B}, T ${shape.T}, float32, ${threads} threads`);
  console.log(`times: fastest of 7 steps (ref: one step); machine load average ${loadavg()[0].toFixed(1)} on ${(await import("node:os")).cpus().length} cores`);
  console.log(`FLOPs per step (fwd + bwd): ${(total / 1e9).toFixed(3)} GFLOP (MLP products ${(mlp / 1e9).toFixed(3)})`);
  console.log(`best float32 GEMM this run (@elm/core measureBestGemmRate, n=${best.n}): ${best.gflops.toFixed(1)} GFLOP/s → floor ${floorMs.toFixed(1)} ms/step\n`);
  console.log(`| device | ms/step | GFLOP/s | × floor |\n|---|---|---|---|`);
  console.log(`| cpu (native), with input gradient | ${cpuMs.toFixed(1)} | ${gf(cpuMs)} | ${(cpuMs / floorMs).toFixed(2)} |`);
  console.log(`| cpu (native), with input gradient, CPU time ÷ ${threads} threads | ${cpuTimeMs.toFixed(1)} | ${gf(cpuTimeMs)} | ${(cpuTimeMs / floorMs).toFixed(2)} |`);
  console.log(`| cpu (native), without input gradient (x is data) | ${noDxMs.toFixed(1)} | ${gf(noDxMs)} | ${(noDxMs / floorMs).toFixed(2)} |`);
  console.log(`| cpu (native), without input gradient, CPU time ÷ ${threads} threads | ${noDxTimeMs.toFixed(1)} | ${gf(noDxTimeMs)} | ${(noDxTimeMs / floorMs).toFixed(2)} |`);
  console.log(`| cpu forward only | ${fwdMs.toFixed(1)} | — | — |`);
  console.log(`| ref (TypeScript) | ${refMs.toFixed(0)} | ${gf(refMs)} | ${(refMs / floorMs).toFixed(1)} |`);
  // the same step on the GPU where one is usable (without dL/dx, as the CPU row it is compared with)
  for (const line of await cudaStepRows({ step: (dev) => step(shape, inputs, dM, dev, false), flops: total, cpuMs: noDxMs, columns: 4 })) console.log(line);
  console.log(`\nref/cpu: ${(refMs / cpuMs).toFixed(1)}× slower; cpu is ${(cpuMs / floorMs).toFixed(2)}× the GEMM floor in wall time, ${(cpuTimeMs / floorMs).toFixed(2)}× by CPU time ÷ threads (target ≤ 3×)`);
  console.log(`without the input gradient: ${(noDxMs / floorMs).toFixed(2)}× in wall time, ${(noDxTimeMs / floorMs).toFixed(2)}× by CPU time ÷ threads (same floor; it counts dL/dx's 2·d_s FLOPs per row, under 1% of the step)`);
}
