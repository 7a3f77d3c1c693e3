// Spikes turned into per-sample event lists for one binning: event = bin·C + unit,
// spikes past the last edge dropped (see binning.ts). Densifying a sample is
// then one `x[event] += 1` per spike.
import { digitizeMinusOne, timeBins, type TimeBins } from "./binning.js";
import type { SpikeSamples } from "./samples.js";

export interface BinnedSamples {
  bins: TimeBins;
  channels: number;
  /** bin·channels + unit for every kept spike, sample after sample. */
  events: Int32Array;
  /** Sample i's events are [offsets[i], offsets[i+1]). */
  offsets: Float64Array;
  /** Spikes dropped because they fell at or past the last edge. */
  dropped: number;
}

export function binSamples(s: SpikeSamples, binMs: number, maxTimeS = 1.0): BinnedSamples {
  const bins = timeBins(binMs, maxTimeS);
  const C = s.channels;
  const n = s.labels.length;
  const events = new Int32Array(s.times.length);
  const offsets = new Float64Array(n + 1);
  let o = 0;
  for (let i = 0; i < n; i++) {
    for (let j = s.offsets[i]; j < s.offsets[i + 1]; j++) {
      const bin = digitizeMinusOne(s.times[j], bins.edges);
      if (bin < 0 || bin >= bins.steps) continue; // x[:, :-1] drops bin == steps
      events[o++] = bin * C + s.units[j];
    }
    offsets[i + 1] = o;
  }
  return { bins, channels: C, events: events.slice(0, o), offsets, dropped: s.times.length - o };
}

/** Adds sample i's spikes into x at `base` (row-major [T, C] block). */
export function scatterSample(b: BinnedSamples, i: number, x: Float32Array, base: number): void {
  const ev = b.events;
  for (let j = b.offsets[i], end = b.offsets[i + 1]; j < end; j++) x[base + ev[j]] += 1;
}
