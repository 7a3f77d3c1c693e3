// Synthetic spiking digits: a stand-in for SHD that needs no download, written
// in SHD's HDF5 schema so the same reader runs end to end.
//
// 20 classes (labels 0–9 "English", 10–19 "German", as SHD), 700 channels
// (a cochlea-like frequency axis). Every class is the same four formant-like
// channel bands, each sounding for one segment, in a class-specific ORDER (20
// of the 4! = 24 orders). Each band is on for the same expected time in
// every class, so the spike count per channel summed over time has the same
// distribution for all classes: a model that sums over time is at chance, one
// that integrates over time (knows what came before) can separate them.
//
// Speaker variation: per speaker a pitch shift (all bands move by the same
// number of channels), a tempo (segment length) and a loudness; per
// utterance tempo and onset jitter, per segment length jitter, per spike time
// jitter. Spikes are Poisson: within a segment, channel c fires at
// peakRateHz·exp(−(c−centre)²/2σ²), plus background firing on every channel.
import { DataRng } from "../rng.js";
import { samplesFromLists, type SpikeSamples } from "../shd/samples.js";

export interface SpikingDigitsOptions {
  /** Training samples (SHD: 8156). */
  trainSamples?: number;
  /** Test samples (SHD: 2264). */
  testSamples?: number;
  seed?: number;
  channels?: number;
  /** Speakers in the training set; the test set adds `heldOutSpeakers` more (SHD holds out 2). */
  speakers?: number;
  heldOutSpeakers?: number;
  /** Peak Poisson rate in a band's centre channel, Hz. */
  peakRateHz?: number;
  /** Background rate on every channel, Hz. */
  backgroundHz?: number;
  /** Band width σ in channels. */
  bandWidth?: number;
  /** Nominal segment length in seconds (4 segments per digit). */
  segmentS?: number;
}

export const SPIKING_DIGITS_DEFAULTS: Required<SpikingDigitsOptions> = {
  trainSamples: 2000,
  testSamples: 500,
  seed: 0,
  channels: 700,
  speakers: 10,
  heldOutSpeakers: 2,
  peakRateHz: 40,
  backgroundHz: 0.5,
  bandWidth: 20,
  segmentS: 0.15,
};

export const SPIKING_DIGITS_CLASSES = 20;
const BANDS = 4;

/** The 20 band orders: the first 20 permutations of [0,1,2,3] in lexicographic order. */
export function bandOrders(): number[][] {
  const out: number[][] = [];
  const rec = (prefix: number[], rest: number[]): void => {
    if (rest.length === 0) { out.push(prefix); return; }
    for (let i = 0; i < rest.length; i++) rec([...prefix, rest[i]], [...rest.slice(0, i), ...rest.slice(i + 1)]);
  };
  rec([], [0, 1, 2, 3]);
  return out.slice(0, SPIKING_DIGITS_CLASSES);
}

interface Speaker { shift: number; tempo: number; gain: number }

function makeSpeakers(n: number, rng: DataRng, channels: number): Speaker[] {
  return Array.from({ length: n }, () => ({
    shift: Math.round((rng.uniform() * 2 - 1) * 0.035 * channels), // ±~25 channels
    tempo: 0.8 + 0.4 * rng.uniform(), // segment length × 0.8..1.2
    gain: 0.8 + 0.4 * rng.uniform(),
  }));
}

function utterance(label: number, sp: Speaker, o: Required<SpikingDigitsOptions>, orders: number[][], rng: DataRng): { times: Float32Array; units: Uint16Array } {
  const C = o.channels;
  const centres = Array.from({ length: BANDS }, (_, k) => Math.round(((k + 0.75) / (BANDS + 0.5)) * C) + sp.shift);
  const tempo = sp.tempo * (0.92 + 0.16 * rng.uniform());
  const onset = 0.02 + 0.06 * rng.uniform();
  const ts: number[] = [];
  const us: number[] = [];
  let t0 = onset;
  const reach = Math.ceil(3 * o.bandWidth);
  for (const band of orders[label]) {
    const dur = o.segmentS * tempo * (0.85 + 0.3 * rng.uniform());
    const c0 = centres[band];
    for (let c = Math.max(0, c0 - reach); c <= Math.min(C - 1, c0 + reach); c++) {
      const d = (c - c0) / o.bandWidth;
      const k = rng.poisson(sp.gain * o.peakRateHz * Math.exp(-0.5 * d * d) * dur);
      for (let j = 0; j < k; j++) {
        ts.push(t0 + dur * rng.uniform() + 0.002 * rng.normal());
        us.push(c);
      }
    }
    t0 += dur;
  }
  const end = t0 + 0.03;
  const nb = rng.poisson(o.backgroundHz * C * end);
  for (let j = 0; j < nb; j++) {
    ts.push(end * rng.uniform());
    us.push(rng.int(C));
  }
  // SHD stores spikes sorted by time. Sort (float32 time, unit) pairs as one
  // number: the bit pattern of a float32 ≥ 0 grows with its value, so
  // bits·2^16 + unit (< 2^48, exact in a double) sorts by time, then unit.
  const t32 = Float32Array.from(ts, (t) => Math.max(0, t));
  const bits = new Uint32Array(t32.buffer);
  const keys = new Float64Array(t32.length);
  for (let i = 0; i < keys.length; i++) keys[i] = bits[i] * 65536 + us[i];
  keys.sort();
  const units = new Uint16Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const hi = Math.floor(k / 65536);
    units[i] = k - hi * 65536;
    bits[i] = hi;
  }
  return { times: t32, units };
}

export function resolveSpikingDigitsOptions(opts: SpikingDigitsOptions = {}): Required<SpikingDigitsOptions> {
  const o = { ...SPIKING_DIGITS_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) } as Required<SpikingDigitsOptions>;
  for (const [k, v] of Object.entries(o)) {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new RangeError(`spiking digits option ${k} must be a finite number ≥ 0, got ${String(v)}`);
  }
  for (const k of ["trainSamples", "testSamples", "channels", "speakers", "heldOutSpeakers"] as const) {
    if (!Number.isInteger(o[k])) throw new RangeError(`spiking digits option ${k} must be an integer, got ${o[k]}`);
  }
  if (o.channels < 64 || o.channels > 65535) throw new RangeError(`channels must be in [64, 65535], got ${o.channels}`);
  if (o.speakers < 1) throw new RangeError(`speakers must be ≥ 1, got ${o.speakers}`);
  return o;
}

/** Generates the train and test splits in memory (deterministic in the options and seed). */
export function generateSpikingDigits(opts: SpikingDigitsOptions = {}): { train: SpikeSamples; test: SpikeSamples; options: Required<SpikingDigitsOptions> } {
  const o = resolveSpikingDigitsOptions(opts);
  const rng = new DataRng(o.seed);
  const orders = bandOrders();
  const speakers = makeSpeakers(o.speakers + o.heldOutSpeakers, rng, o.channels);
  const make = (n: number, nSpeakers: number, what: string): SpikeSamples => {
    const lists: { times: Float32Array; units: Uint16Array; label: number; speaker: number }[] = [];
    for (let i = 0; i < n; i++) {
      const label = i % SPIKING_DIGITS_CLASSES; // balanced classes
      const speaker = rng.int(nSpeakers);
      lists.push({ ...utterance(label, speakers[speaker], o, orders, rng), label, speaker });
    }
    // shuffle sample order so classes are not periodic in the file
    const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    return samplesFromLists(Array.from(order, (i) => lists[i]), { channels: o.channels, numClasses: SPIKING_DIGITS_CLASSES, source: `spiking digits (${what}, seed ${o.seed})` });
  };
  const train = make(o.trainSamples, o.speakers, "train");
  const test = make(o.testSamples, o.speakers + o.heldOutSpeakers, "test");
  return { train, test, options: o };
}
