// Summary statistics of spike samples (used to compare the synthetic digits with SHD).
import type { SpikeSamples } from "./samples.js";

export interface SpikeStats {
  samples: number;
  meanSpikes: number;
  stdSpikes: number;
  /** Mean over samples of the number of distinct channels that fire. */
  meanActiveChannels: number;
  /** Mean and max over samples of the last spike time, seconds. */
  meanDuration: number;
  maxDuration: number;
  /** Fraction of spikes at or past 1 s (dropped by the authors' binning). */
  fractionPast1s: number;
  classCounts: number[];
}

export function spikeStats(s: SpikeSamples): SpikeStats {
  const n = s.labels.length;
  let sum = 0, sum2 = 0, act = 0, dur = 0, maxDur = 0, past = 0;
  const seen = new Int32Array(s.channels).fill(-1);
  const classCounts = new Array<number>(s.numClasses).fill(0);
  for (let i = 0; i < n; i++) {
    const a = s.offsets[i], b = s.offsets[i + 1];
    const k = b - a;
    sum += k;
    sum2 += k * k;
    let last = 0;
    for (let j = a; j < b; j++) {
      if (seen[s.units[j]] !== i) { seen[s.units[j]] = i; act++; }
      if (s.times[j] > last) last = s.times[j];
      if (s.times[j] >= 1) past++;
    }
    dur += last;
    maxDur = Math.max(maxDur, last);
    classCounts[s.labels[i]]++;
  }
  const mean = n ? sum / n : 0;
  return {
    samples: n,
    meanSpikes: mean,
    stdSpikes: n ? Math.sqrt(Math.max(0, sum2 / n - mean * mean)) : 0,
    meanActiveChannels: n ? act / n : 0,
    meanDuration: n ? dur / n : 0,
    maxDuration: maxDur,
    fractionPast1s: sum ? past / sum : 0,
    classCounts,
  };
}
