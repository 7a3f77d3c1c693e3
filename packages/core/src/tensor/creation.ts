// Creation functions. opts: { dtype = "float32", device = "ref", requiresGrad = false }.
import { allocate, isDType, type DType } from "./dtype.js";
import { assertDevice } from "./device.js";
import { DTypeError } from "./errors.js";
import { checkShape, shapeSize } from "./shape.js";
import { Tensor, type TensorOptions } from "./tensor.js";
import type { Rng } from "../rng/rng.js";

function make(shape: readonly number[], opts: TensorOptions, fill: (a: ReturnType<typeof allocate>) => void, what: string): Tensor {
  const dtype: DType = opts.dtype ?? "float32";
  if (!isDType(dtype)) throw new DTypeError(`${what}: dtype ${JSON.stringify(dtype)} is not one of float32, float64, int32`);
  const device = assertDevice(opts.device ?? "ref");
  const s = checkShape(shape, `${what}: shape`);
  const data = allocate(dtype, shapeSize(s));
  fill(data);
  const t = new Tensor(data, s, device);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

export function zeros(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return make(shape, opts, () => {}, "zeros");
}

export function ones(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return make(shape, opts, (a) => a.fill(1), "ones");
}

export function full(shape: readonly number[], value: number, opts: TensorOptions = {}): Tensor {
  if (typeof value !== "number") throw new TypeError(`full: value must be a number, got ${typeof value}`);
  if (opts.dtype === "int32" && !Number.isInteger(value)) throw new DTypeError(`full: value ${value} is not an int32`);
  return make(shape, opts, (a) => a.fill(value), "full");
}

/** 0, 1, …, n−1. */
export function arange(n: number, opts: TensorOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`arange: n must be a non-negative integer, got ${n}`);
  return make([n], opts, (a) => {
    for (let i = 0; i < n; i++) a[i] = i;
  }, "arange");
}

/** Uniform in [lo, hi) from rng. */
export function randUniform(shape: readonly number[], rng: Rng, lo = 0, hi = 1, opts: TensorOptions = {}): Tensor {
  if (!(hi >= lo)) throw new RangeError(`randUniform: hi (${hi}) must be ≥ lo (${lo})`);
  return make(shape, opts, (a) => {
    for (let i = 0; i < a.length; i++) a[i] = lo + (hi - lo) * rng.uniform();
  }, "randUniform");
}

/** Normal(mean, std²) from rng. */
export function randNormal(shape: readonly number[], rng: Rng, mean = 0, std = 1, opts: TensorOptions = {}): Tensor {
  if (!(std >= 0)) throw new RangeError(`randNormal: std must be ≥ 0, got ${std}`);
  return make(shape, opts, (a) => {
    for (let i = 0; i < a.length; i++) a[i] = mean + std * rng.normal();
  }, "randNormal");
}

export function zerosLike(x: Tensor, opts: TensorOptions = {}): Tensor {
  return zeros(x.shape, { dtype: x.dtype, device: x.device, ...opts });
}

export function onesLike(x: Tensor, opts: TensorOptions = {}): Tensor {
  return ones(x.shape, { dtype: x.dtype, device: x.device, ...opts });
}
