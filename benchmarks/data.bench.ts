// Data pipeline: how fast @elm/datasets turns sparse spikes into dense batches
// (SHD-Adding at the papers' 2 ms bins, batch 8), and what share of a training
// step that is. Uses the synthetic spiking digits (no download).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { timeIt } from "./util.js";
import { ensureSpikingDigits, generateSpikingDigits, readShd, ShdAddingDataset, ShdDataset, spikeStats, type Dataset } from "../packages/datasets/src/index.js"; // relative: the root package does not depend on @elm/datasets

function batchesPerSecond(ds: Dataset, batchSize: number, count: number): { perS: number; msPer: number } {
  // warm up, then time `count` batches
  let k = 0;
  for (const _ of ds.batches({ batchSize, shuffle: true, seed: 0 }) as Iterable<unknown>) if (++k >= 5) break;
  const t0 = performance.now();
  k = 0;
  for (const _ of ds.batches({ batchSize, shuffle: true, seed: 1 }) as Iterable<unknown>) if (++k >= count) break;
  const ms = performance.now() - t0;
  return { perS: (1000 * k) / ms, msPer: ms / k };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "elm-data-bench-"));
  try {
    let t0 = performance.now();
    const mem = generateSpikingDigits();
    const genMs = performance.now() - t0;
    t0 = performance.now();
    const files = ensureSpikingDigits({ cacheDir: dir });
    const writeMs = performance.now() - t0; // generates again + writes both files
    t0 = performance.now();
    await readShd(files.test); // first read: includes compiling h5wasm's WebAssembly
    const coldMs = performance.now() - t0;
    t0 = performance.now();
    const train = await readShd(files.train);
    const readMs = performance.now() - t0;
    const st = spikeStats(train);
    console.log(`synthetic digits (defaults): ${mem.train.labels.length}+${mem.test.labels.length} samples, ${st.meanSpikes.toFixed(0)} spikes/sample`);
    console.log(`generate ${genMs.toFixed(0)} ms · generate+write HDF5 ${writeMs.toFixed(0)} ms · first read (test split, h5wasm start-up included) ${coldMs.toFixed(0)} ms · read train split ${readMs.toFixed(0)} ms (${((train.times.length * 6) / readMs / 1e3).toFixed(0)} MB/s of spikes)\n`);

    const B = 8;
    const adding2 = new ShdAddingDataset(train, { binMs: 2 });
    const shd2 = new ShdDataset(train, { binMs: 2 });
    const shd10 = new ShdDataset(train, { binMs: 10 });
    const rows: [string, Dataset, number][] = [
      ["SHD-Adding, 2 ms (T=1000)", adding2, 100],
      ["SHD, 2 ms (T=500)", shd2, 100],
      ["SHD, 10 ms (T=100)", shd10, 200],
    ];
    console.log(`| batch B=${B} | T | batches/s | ms/batch | MB/batch | GB/s written |\n|---|---|---|---|---|---|`);
    let addingMs = 0;
    for (const [name, ds, n] of rows) {
      const r = batchesPerSecond(ds, B, n);
      const mb = (B * ds.steps * ds.channels * 4) / 1e6;
      if (ds === adding2) addingMs = r.msPer;
      console.log(`| ${name} | ${ds.steps} | ${r.perS.toFixed(1)} | ${r.msPer.toFixed(2)} | ${mb.toFixed(1)} | ${(mb / r.msPer).toFixed(2)} |`);
    }
    // napkin math: a batch is a zero-filled dense [B, T, 700] float32 array (the
    // allocation dominates) plus one add per spike; ceiling ≈ bytes / memory bandwidth.
    const mb = (B * adding2.steps * 700 * 4) / 1e6;
    console.log(`\nceiling: ${mb.toFixed(1)} MB per SHD-Adding batch at ~10 GB/s fill ≈ ${(mb / 10).toFixed(1)} ms; spikes scattered per batch ≈ ${(2 * B * st.meanSpikes).toFixed(0)}`);

    // share of a training step: measured with the fused CPU ELM kernel when the
    // branch providing it (`kernels`: packages/elm-model/src/kernels) is merged,
    // otherwise estimated. Model: the paper's SHD-Adding ELM d_m=100 (186K params;
    // v1, 700 synapses, d_mlp = 200, 1 hidden layer) on one real data batch.
    const x = (adding2.batches({ batchSize: B, shuffle: true, seed: 2 }) as Iterable<{ x: Float32Array }>)[Symbol.iterator]().next().value!.x;
    const measured = await measureElmStep(x, B, adding2.steps);
    const stepGflop = (3 * 2 * 186e3 * adding2.steps * B) / 1e9;
    let stepMs: number;
    if (measured !== null) {
      stepMs = measured;
      console.log(`training step (measured: fused CPU ELM v1 d_m=100 forward + BPTT backward, B=${B}, T=${adding2.steps}, float32): ${stepMs.toFixed(0)} ms (≈ ${stepGflop.toFixed(1)} GFLOP → ${(stepGflop / (stepMs / 1000)).toFixed(1)} GFLOP/s)`);
    } else {
      // ≈ 2·186K FLOP per time step and sample forward, ≈ 2× that backward → ≈ 1.1 MFLOP; × T × B
      const assumedGflops = 10;
      stepMs = (stepGflop / assumedGflops) * 1000;
      console.log(`training step (ESTIMATED — no CPU ELM kernel on this branch; ELM d_m=100, B=${B}, T=${adding2.steps}): ${stepGflop.toFixed(1)} GFLOP at an assumed ${assumedGflops} GFLOP/s ≈ ${stepMs.toFixed(0)} ms`);
    }
    console.log(`data share of a step ≈ ${addingMs.toFixed(1)} / (${addingMs.toFixed(1)} + ${stepMs.toFixed(0)}) = ${((100 * addingMs) / (addingMs + stepMs)).toFixed(1)} %`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median ms of one fused ELM forward + backward on the CPU kernel, or null when the kernel module is absent. */
async function measureElmStep(x: Float32Array, B: number, T: number): Promise<number | null> {
  const spec = "../packages/elm-model/src/kernels/index.js"; // a variable: the module exists only once branch `kernels` is merged
  let k: {
    elmNeuronForward: (shape: unknown, inputs: unknown, device: string) => { saved: unknown };
    elmNeuronBackward: (shape: unknown, inputs: unknown, saved: unknown, dM: Float32Array, a: null, b: null, device: string) => unknown;
  };
  try {
    k = await import(spec);
  } catch {
    return null;
  }
  const dIn = 700, dM = 100, dMlp = 200;
  const shape = { variant: "v1", B, T, dIn, dS: dIn, dTree: dIn, dBrch: 1, dM, dMlp, lMlp: 1, activation: "relu" };
  const rnd = (n: number, scale: number): Float32Array => Float32Array.from({ length: n }, (_, i) => scale * Math.sin(i * 12.9898 + 0.5));
  const inputs = {
    x, route: null, routeMask: null,
    wS: Float32Array.from({ length: dIn }, () => 0.5),
    kappaTrace: Float32Array.from({ length: dIn }, () => Math.exp(-1 / 5)),
    kappaM: Float32Array.from({ length: dM }, (_, i) => Math.exp(-1 / (1 + i))),
    gain: Float32Array.from({ length: dM }, (_, i) => 1 - Math.exp(-1 / (1 + i))),
    mlpW: [rnd(dMlp * (dIn + dM), 1 / Math.sqrt(dIn + dM)), rnd(dM * dMlp, 1 / Math.sqrt(dMlp))],
    mlpB: [new Float32Array(dMlp), new Float32Array(dM)],
    trace0: null, m0: null,
  };
  const dMseq = new Float32Array(B * T * dM);
  for (let b = 0; b < B; b++) for (let j = 0; j < dM; j++) dMseq[(b * T + T - 1) * dM + j] = 0.01; // loss on o_T only
  try {
    return timeIt(() => {
      const f = k.elmNeuronForward(shape, inputs, "cpu");
      k.elmNeuronBackward(shape, inputs, f.saved, dMseq, null, null, "cpu");
    }, 3, 1);
  } catch (e) {
    console.log(`(CPU ELM kernel present but failed: ${(e as Error).message}; falling back to the estimate)`);
    return null;
  }
}
