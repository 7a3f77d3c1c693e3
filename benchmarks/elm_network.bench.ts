// ELM Network kernel (ELM_SPEC §4): one training step's kernel work — forward over the
// sequence plus BPTT — in float32, for N 64 neurons, 8×8 synapses, d_m 16, d_mlp 32
// (l_mlp 1), d_in 700, B 8, T 1000 (the SHD-sized network). The task readout W_o is
// a core matmul in the model and is not timed here.
//
// Napkin math, per (row, step, neuron), counting 2 flops per multiply-add:
//   forward  2·(k_c + Σ_l out_l·in_l + d_axon·d_m)
//   backward 4·(k_c + Σ_l out_l·in_l + d_axon·d_m)   (weight gradients and input gradients)
// Floor = flops / (the best float32 GEMM rate this machine reaches, measured in the same run
// with @elm/core's measureBestGemmRate).
// Two CPU steps: with the input gradient dL/dx (x requires grad) and without it (x is data,
// as in training: the model asks the kernel to skip it). Both are counted against the same
// floor (the synapse scatter still runs over every synapse; only dL/dx's store is skipped).
import { cpu } from "@elm/native";
import { measureBestGemmRate } from "../packages/core/src/bench.js";
import {
  elmNetworkBackward,
  elmNetworkForward,
  mlpLayerDims,
  type ElmNetworkInputs,
  type ElmNetworkShape,
} from "../packages/elm-model/src/kernels/network.js";
import { networkKe } from "../packages/elm-model/src/count.js";
import { cudaStepRows } from "./cuda.js";
import { timeIt, betweenSteps } from "./util.js";

/** The SHD-sized network this benchmark times (and `pnpm bench:pair` compares). */
export const shdNetwork: ElmNetworkShape = {
  B: 8, T: 1000, dIn: 700, N: 64, dTree: 8, dBrch: 8, dM: 16, dMlp: 32, lMlp: 1, dAxon: 1, activation: "relu",
};

/** Deterministic inputs for `shape` (a linear congruential generator from `seed`). */
export function networkBenchInputs(shape: ElmNetworkShape, seed: number): ElmNetworkInputs {
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const f = (n: number, scale: number, off = 0) => Float32Array.from({ length: n }, () => off + scale * rnd());
  const { B, T, dIn, N, dTree, dBrch, dM, dAxon } = shape;
  const kc = dTree * dBrch;
  // half of each neuron's synapses read inputs, half read neuron outputs (rec_frac 0.5)
  const src = Int32Array.from({ length: N * kc }, (_, q) =>
    q % 2 === 0 ? Math.floor((rnd() + 0.5) * dIn) % dIn : dIn + (Math.floor((rnd() + 0.5) * N * dAxon) % (N * dAxon)));
  return {
    x: Float32Array.from({ length: B * T * dIn }, () => (rnd() > 0.45 ? 1 : 0)), // binary inputs, 55 % ones (denser than SHD spikes; the network kernel has no sparse path)
    src,
    w: f(N * kc, 2 * Math.sqrt(3 / dBrch)),
    kappaB: f(N * dTree, 0.2, 0.8),
    kappaM: f(N * dM, 0.2, 0.85),
    gain: f(N * dM, 0.2, 0.2),
    mlpW: mlpLayerDims(shape).map((d) => f(N * d.out * d.in, 2 / Math.sqrt(d.in))),
    mlpB: mlpLayerDims(shape).map((d) => f(N * d.out, 2 / Math.sqrt(d.in))),
    wY: f(N * dAxon * dM, 2 / Math.sqrt(dM)),
    bY: f(N * dAxon, 0.2),
    b0: null, m0: null, y0: null,
  };
}

/** A fixed ∂L/∂y for the backward (values in [−0.5, 0.5)). */
export function networkBenchDY(shape: ElmNetworkShape): Float32Array {
  return Float32Array.from({ length: shape.B * shape.T * shape.N * shape.dAxon }, (_, q) => ((q * 7919) % 13) / 13 - 0.5);
}

export function networkStepFlops(shape: ElmNetworkShape): number {
  const mlp = mlpLayerDims(shape).reduce((a, d) => a + d.out * d.in, 0);
  const perSample = shape.dTree * shape.dBrch + mlp + shape.dAxon * shape.dM;
  return 6 * perSample * shape.B * shape.T * shape.N;
}

function step(shape: ElmNetworkShape, inp: ElmNetworkInputs, dY: Float32Array, device: "ref" | "cpu" | "cuda", inputGrad = true): void {
  const f = elmNetworkForward(shape, inp, device);
  elmNetworkBackward(shape, inp, f.saved, dY, null, null, null, device, { inputGrad });
}

export async function run(): Promise<void> {
  const shape = shdNetwork;
  const inp = networkBenchInputs(shape, 1);
  const dY = networkBenchDY(shape);
  const flops = networkStepFlops(shape);
  // GEMM rate measured before and after the kernel timings (as elm_step); the better one sets the floor
  const g0 = measureBestGemmRate({ sizes: [512, 1024], reps: 3 });
  // forward and backward timed separately inside each step (a backward recycles the
  // forward's saved buffer, as in training); steps with and without the input gradient
  // alternate; medians of 7 steps each after 1 warm-up each; process CPU time ÷ threads too
  const fwdT: number[] = [];
  const stepT: number[] = [];
  const stepCpu: number[] = [];
  const noDxT: number[] = [];
  const noDxCpu: number[] = [];
  const threads = cpu.numThreads();
  for (let k = 0; k < 16; k++) {
    const inputGrad = k % 2 === 0;
    await betweenSteps();  // as in a long run between steps (util.ts)
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const f = elmNetworkForward(shape, inp, "cpu");
    const t1 = performance.now();
    elmNetworkBackward(shape, inp, f.saved, dY, null, null, null, "cpu", { inputGrad });
    const t2 = performance.now();
    const c = process.cpuUsage(c0);
    if (k >= 2) {
      if (inputGrad) {
        fwdT.push(t1 - t0);
        stepT.push(t2 - t0);
        stepCpu.push((c.user + c.system) / 1000 / threads);
      } else {
        noDxT.push(t2 - t0);
        noDxCpu.push((c.user + c.system) / 1000 / threads);
      }
    }
  }
  const g1 = measureBestGemmRate({ sizes: [512, 1024], reps: 3 });
  const best = g1.gflops > g0.gflops ? g1 : g0;
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const msFwd = median(fwdT);
  const ms = median(stepT);
  const msNoDx = median(noDxT);
  // the TypeScript oracle at T 50 (it is linear in T), scaled to T 1000
  const short = { ...shape, T: 50 };
  const inpShort = networkBenchInputs(short, 1);
  const dYShort = dY.subarray(0, short.B * short.T * short.N * short.dAxon);
  const msRef = (timeIt(() => step(short, inpShort, dYShort, "ref"), 1, 0) * shape.T) / short.T;
  const floorMs = flops / (best.gflops * 1e6);
  const g = (f: number, t: number) => (f / (t * 1e6)).toFixed(2);
  console.log(`ELM Network training step (forward + BPTT), float32, N ${shape.N}, ${shape.dTree}×${shape.dBrch} synapses, ` +
    `d_m ${shape.dM}, d_mlp ${shape.dMlp}, d_in ${shape.dIn}, B ${shape.B}, T ${shape.T}; ${threads} threads\n`);
  console.log(`| device | ms/step | GFLOP/step | GFLOP/s | × floor |`);
  console.log(`|---|---|---|---|---|`);
  const row = (label: string, t: number) =>
    console.log(`| ${label} | ${t.toFixed(1)} | ${(flops / 1e9).toFixed(2)} | ${g(flops, t)} | ${(t / floorMs).toFixed(2)} |`);
  row("cpu, with input gradient", ms);
  row(`cpu, with input gradient, CPU time ÷ ${threads} threads`, median(stepCpu));
  row("cpu, without input gradient (x is data)", msNoDx);
  row(`cpu, without input gradient, CPU time ÷ ${threads} threads`, median(noDxCpu));
  // the floor is the GEMM's best time; the kernel's best of its 7 steps is the like-for-like figure
  row("cpu, with input gradient, fastest of 7", Math.min(...stepT));
  row("cpu, without input gradient, fastest of 7", Math.min(...noDxT));
  console.log(`| cpu (forward only) | ${msFwd.toFixed(1)} | ${(flops / 3e9).toFixed(2)} | ${g(flops / 3, msFwd)} | ${(msFwd / (floorMs / 3)).toFixed(2)} |`);
  console.log(`| ref (TypeScript, T 50 scaled ×${shape.T / short.T}) | ${msRef.toFixed(0)} | ${(flops / 1e9).toFixed(2)} | ${g(flops, msRef)} | ${(msRef / floorMs).toFixed(1)} |`);
  // the same step on the GPU where one is usable (without dL/dx, as the CPU row it is compared with)
  for (const line of await cudaStepRows({ step: (dev) => step(shape, inp, dY, dev, false), flops, cpuMs: msNoDx, columns: 5 })) console.log(line);
  const { loadavg } = await import("node:os");
  console.log(`\nmedians of 7 steps each (with / without the input gradient alternating); machine load average ${loadavg()[0].toFixed(1)}`);
  console.log(`floor: ${(flops / 1e9).toFixed(2)} GFLOP at the best float32 GEMM rate measured in this run, ` +
    `${best.gflops.toFixed(1)} GFLOP/s (@elm/core measureBestGemmRate, n=${best.n}; before the steps ${g0.gflops.toFixed(1)}, after ${g1.gflops.toFixed(1)}) = ${floorMs.toFixed(1)} ms; target ≤ 3× floor.`);
  console.log(`cpu vs ref: ${(msRef / ms).toFixed(0)}× faster`);
  await shapeSweep(best.gflops);
}

/** Networks of about shdNetwork's FLOPs per step made of fewer, larger or more, smaller neurons, by N. */
export const sweepNetworks: Record<16 | 256, ElmNetworkShape> = {
  16: { ...shdNetwork, N: 16, dTree: 8, dBrch: 8, dM: 32, dMlp: 72 },
  256: { ...shdNetwork, N: 256, dTree: 4, dBrch: 8, dM: 8, dMlp: 16 },
};

/**
 * The same kernel on networks of about the same FLOPs per step, with fewer, larger
 * neurons or more, smaller ones (the N × k_e trade of the scaling study): the per-neuron
 * products grow with k_e, so the larger the neuron the nearer the GEMM floor. Without
 * dL/dx, fastest of 5 steps after one warm-up, against the floor of the run above.
 */
async function shapeSweep(gemmGflops: number): Promise<void> {
  const shapes = [sweepNetworks[16], shdNetwork, sweepNetworks[256]];
  console.log(`\nsame kernel, about the same FLOPs, neurons of other sizes (without input gradient, fastest of 5):\n`);
  console.log(`| N | synapses | d_m | d_mlp | k_e | GFLOP/step | ms/step | GFLOP/s | × floor |`);
  console.log(`|---|---|---|---|---|---|---|---|---|`);
  for (const shape of shapes) {
    const inp = networkBenchInputs(shape, 1);
    const dY = networkBenchDY(shape);
    const flops = networkStepFlops(shape);
    const times: number[] = [];
    for (let k = 0; k < 6; k++) {
      await betweenSteps();
      const t0 = performance.now();
      step(shape, inp, dY, "cpu", false);
      if (k > 0) times.push(performance.now() - t0);
    }
    const t = Math.min(...times);
    const ke = networkKe({ ...shape, learnTauM: false });
    console.log(`| ${shape.N} | ${shape.dTree}×${shape.dBrch} | ${shape.dM} | ${shape.dMlp} | ${ke} | ${(flops / 1e9).toFixed(2)} | ` +
      `${t.toFixed(1)} | ${(flops / (t * 1e6)).toFixed(1)} | ${(t / (flops / (gemmGflops * 1e6))).toFixed(2)} |`);
  }
}
