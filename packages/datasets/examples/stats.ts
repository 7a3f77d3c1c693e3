// Prints the statistics of an SHD-schema file (the README's comparison table):
//   pnpm exec tsx --conditions=@elm/source packages/datasets/examples/stats.ts .elm-data/shd/shd_train.h5
// With no argument it generates (or reuses) the synthetic digits and prints theirs.
import { ensureSpikingDigits, readShd, spikeStats } from "@elm/datasets";

const files = process.argv.slice(2);
if (files.length === 0) {
  const d = ensureSpikingDigits({ cacheDir: ".elm-data" });
  files.push(d.train, d.test);
}
for (const f of files) {
  let st;
  try {
    st = spikeStats(await readShd(f));
  } catch (e) {
    // a missing or malformed file: its message (which names the file), not a stack trace
    console.error(`stats: ${(e as Error).message}`);
    process.exitCode = 1;
    continue;
  }
  console.log(f);
  console.log(`  samples ${st.samples}, spikes/sample ${st.meanSpikes.toFixed(0)} ± ${st.stdSpikes.toFixed(0)}, active channels ${st.meanActiveChannels.toFixed(0)}`);
  console.log(`  last spike: mean ${st.meanDuration.toFixed(3)} s, max ${st.maxDuration.toFixed(3)} s; spikes at or past 1 s: ${(100 * st.fractionPast1s).toFixed(2)} %`);
  console.log(`  samples per class: ${st.classCounts.join(" ")}`);
}
