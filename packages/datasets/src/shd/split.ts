// Train/validation splits of the SHD training file, deterministic by seed.
import { DataRng } from "../rng.js";
import { subsetSamples, type SpikeSamples } from "./samples.js";

export interface SplitOptions {
  /** Fraction of samples for validation, in [0, 1). */
  validFraction: number;
  seed: number;
  /**
   * "bernoulli" (default, the authors' `random_val_split_SHD_data`): each
   * sample goes to validation with probability validFraction, independently.
   * "exact": a seeded permutation, the first round(fraction·n) go to validation.
   */
  method?: "bernoulli" | "exact";
}

export interface Split {
  train: SpikeSamples;
  valid: SpikeSamples;
  trainIndices: Int32Array;
  validIndices: Int32Array;
}

function fromMask(s: SpikeSamples, isValid: Uint8Array, what: string): Split {
  const tr: number[] = [];
  const va: number[] = [];
  for (let i = 0; i < isValid.length; i++) (isValid[i] ? va : tr).push(i);
  const trainIndices = Int32Array.from(tr);
  const validIndices = Int32Array.from(va);
  return {
    train: subsetSamples(s, trainIndices, `${s.source} (train part of ${what})`),
    valid: subsetSamples(s, validIndices, `${s.source} (validation part of ${what})`),
    trainIndices,
    validIndices,
  };
}

export function splitTrainValid(s: SpikeSamples, opts: SplitOptions): Split {
  const f = opts.validFraction;
  if (!(f >= 0 && f < 1)) throw new RangeError(`validFraction must be in [0, 1), got ${f}`);
  const n = s.labels.length;
  const rng = new DataRng(opts.seed);
  const isValid = new Uint8Array(n);
  const method = opts.method ?? "bernoulli";
  if (method === "bernoulli") {
    for (let i = 0; i < n; i++) isValid[i] = rng.uniform() < f ? 1 : 0;
  } else if (method === "exact") {
    const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
    const k = Math.round(f * n);
    for (let i = 0; i < k; i++) isValid[order[i]] = 1;
  } else {
    throw new RangeError(`split method must be "bernoulli" or "exact", got ${String(method)}`);
  }
  return fromMask(s, isValid, `split ${method} ${f} seed ${opts.seed}`);
}

/** Held-out speakers: every sample of `validSpeakers` goes to validation, the rest to training. */
export function splitBySpeakers(s: SpikeSamples, validSpeakers: readonly number[]): Split {
  if (!s.speakers) throw new RangeError(`${s.source} has no extra/speaker dataset; cannot hold out speakers`);
  const known = new Set(s.speakers);
  const missing = validSpeakers.filter((v) => !known.has(v));
  if (missing.length > 0) throw new RangeError(`speakers ${missing.join(", ")} do not occur in ${s.source} (it has ${[...known].sort((a, b) => a - b).join(", ")})`);
  const want = new Set(validSpeakers);
  const isValid = Uint8Array.from(s.speakers, (sp) => (want.has(sp) ? 1 : 0));
  return fromMask(s, isValid, `held-out speakers ${validSpeakers.join(",")}`);
}
