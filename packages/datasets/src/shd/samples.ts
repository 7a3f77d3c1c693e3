// Spike samples held sparse: the concatenated spike times and channel ids of
// every sample, and where each sample starts. A dense [samples, T, C] array of
// a whole split is never built; batches densify only their own samples.

export interface SpikeSamples {
  /** Spike times in seconds (float32, as stored in SHD), sample after sample. */
  times: Float32Array;
  /** Channel ids in [0, channels), aligned with `times`. */
  units: Uint16Array;
  /** Sample i's spikes are [offsets[i], offsets[i+1]); length = samples + 1. */
  offsets: Float64Array;
  /** Class ids in [0, numClasses). */
  labels: Int32Array;
  /** Speaker id per sample (`extra/speaker`), or null when the file has none. */
  speakers: Int32Array | null;
  channels: number;
  numClasses: number;
  /** Where the samples came from (a file path or a generator description). */
  source: string;
}

export const sampleCount = (s: SpikeSamples): number => s.labels.length;

/** A copy of the samples at `indices`, in that order. */
export function subsetSamples(s: SpikeSamples, indices: ArrayLike<number>, source = s.source): SpikeSamples {
  let total = 0;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= s.labels.length) throw new RangeError(`sample index ${i} out of range [0, ${s.labels.length})`);
    total += s.offsets[i + 1] - s.offsets[i];
  }
  const times = new Float32Array(total);
  const units = new Uint16Array(total);
  const offsets = new Float64Array(indices.length + 1);
  const labels = new Int32Array(indices.length);
  const speakers = s.speakers ? new Int32Array(indices.length) : null;
  let o = 0;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    const a = s.offsets[i];
    const b = s.offsets[i + 1];
    times.set(s.times.subarray(a, b), o);
    units.set(s.units.subarray(a, b), o);
    o += b - a;
    offsets[k + 1] = o;
    labels[k] = s.labels[i];
    if (speakers && s.speakers) speakers[k] = s.speakers[i];
  }
  return { times, units, offsets, labels, speakers, channels: s.channels, numClasses: s.numClasses, source };
}

/** Builds SpikeSamples from per-sample arrays (used by the generator and tests). */
export function samplesFromLists(
  lists: { times: ArrayLike<number>; units: ArrayLike<number>; label: number; speaker?: number }[],
  opts: { channels: number; numClasses: number; source: string },
): SpikeSamples {
  let total = 0;
  for (const l of lists) total += l.times.length;
  const times = new Float32Array(total);
  const units = new Uint16Array(total);
  const offsets = new Float64Array(lists.length + 1);
  const labels = new Int32Array(lists.length);
  const hasSpeakers = lists.length > 0 && lists.every((l) => l.speaker !== undefined);
  const speakers = hasSpeakers ? new Int32Array(lists.length) : null;
  let o = 0;
  lists.forEach((l, i) => {
    if (l.units.length !== l.times.length) throw new RangeError(`sample ${i}: ${l.times.length} times but ${l.units.length} units`);
    times.set(l.times, o);
    units.set(l.units, o);
    o += l.times.length;
    offsets[i + 1] = o;
    labels[i] = l.label;
    if (speakers) speakers[i] = l.speaker as number;
  });
  return { times, units, offsets, labels, speakers, channels: opts.channels, numClasses: opts.numClasses, source: opts.source };
}
