// Data pipeline: how fast @elm/datasets turns sparse spikes into dense batches
// (SHD-Adding at the papers' 2 ms bins, batch 8), and what share of a training
// step that is. Uses the synthetic spiking digits (no download).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

    // share of a training step. No CPU Branch-ELM step exists on this branch yet
    // (branch `kernels` had only mlp.h/activations.h when this was written), so
    // the step time is estimated, not measured:
    //   ELM d_m=100 (186K params, the paper's SHD-Adding model): ≈ 2·186K FLOP per
    //   time step and sample forward, ≈ 2× that backward → ≈ 1.1 MFLOP; × T=1000 × B=8
    //   ≈ 9 GFLOP per step; at an assumed 10 GFLOP/s on 2 CPU cores → ≈ 900 ms.
    const stepGflop = (3 * 2 * 186e3 * 1000 * B) / 1e9;
    const assumedGflops = 10;
    const stepMs = (stepGflop / assumedGflops) * 1000;
    console.log(`training step (estimated, ELM d_m=100, B=${B}, T=1000): ${stepGflop.toFixed(1)} GFLOP at an assumed ${assumedGflops} GFLOP/s ≈ ${stepMs.toFixed(0)} ms`);
    console.log(`data share of a step ≈ ${addingMs.toFixed(1)} / (${addingMs.toFixed(1)} + ${stepMs.toFixed(0)}) = ${((100 * addingMs) / (addingMs + stepMs)).toFixed(1)} %`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
