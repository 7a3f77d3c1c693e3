// The authors' NeuronIO training targets and inputs (neuronio_data_utils.py,
// neuronio_data_loader.py: preprocess_data, create_neuronio_input_type).

/** DEFAULT_Y_SOMA_THRESHOLD: somatic voltage is capped here (mV), removing spikes from the soma target. */
export const NEURONIO_SOMA_THRESHOLD = -55.0;
/** DEFAULT_Y_TRAIN_SOMA_BIAS (mV), subtracted. */
export const NEURONIO_SOMA_BIAS = -67.7;
/** DEFAULT_Y_TRAIN_SOMA_SCALE, multiplied after the bias. */
export const NEURONIO_SOMA_SCALE = 1 / 10;

export interface SomaTargetOptions {
  threshold?: number;
  bias?: number;
  scale?: number;
}

/** One soma value → training target: (min(v, −55) − (−67.7)) · 1/10 (computed in the input's precision). */
export function somaTarget(v: number, opts: SomaTargetOptions = {}): number {
  const th = opts.threshold ?? NEURONIO_SOMA_THRESHOLD;
  return ((v > th ? th : v) - (opts.bias ?? NEURONIO_SOMA_BIAS)) * (opts.scale ?? NEURONIO_SOMA_SCALE);
}

/** Inverse of the scaling for a prediction (mV): raw / scale + bias — what neuronio_eval_forward plus the bias give. */
export function somaFromPrediction(raw: number, opts: SomaTargetOptions = {}): number {
  return raw / (opts.scale ?? NEURONIO_SOMA_SCALE) + (opts.bias ?? NEURONIO_SOMA_BIAS);
}

/** create_neuronio_input_type: +1 for the first ⌊n/2⌋ (excitatory) inputs, −1 for the next ⌊n/2⌋ (inhibitory). */
export function neuronioInputType(numInput = 1278): Int32Array {
  const half = Math.floor(numInput / 2);
  const t = new Int32Array(2 * half);
  t.fill(1, 0, half);
  t.fill(-1, half);
  return t;
}

/**
 * The authors' preprocess_data on float32 tensors: each step rounded to float32
 * as torch does (threshold, − bias, · scale, scalars cast to float32).
 */
export function somaTarget32(v: number, opts: SomaTargetOptions = {}): number {
  const f = Math.fround;
  const th = f(opts.threshold ?? NEURONIO_SOMA_THRESHOLD);
  const x = f(v);
  return f(f((x > th ? th : x) - f(opts.bias ?? NEURONIO_SOMA_BIAS)) * f(opts.scale ?? NEURONIO_SOMA_SCALE));
}
