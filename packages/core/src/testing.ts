// @elm/core/testing: the shared harness that runs an op spec on every registered
// device against the `ref` oracle, and the float64 finite-difference gradient check.
// Framework-free (throws on mismatch) so any package's tests can use it.
// Also where the workspace's tests find the shared fixtures.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import "./index.js";
import { Tensor } from "./tensor/tensor.js";
import { allocate, isFloatDType, type DType } from "./tensor/dtype.js";
import { deviceAvailable, type Device } from "./tensor/device.js";
import { registeredDevices, resolveKernelDevice } from "./registry/registry.js";
import { noGrad } from "./autograd/grad-mode.js";
import { Rng } from "./rng/rng.js";

/**
 * The shared test fixtures (golden values of the authors' PyTorch code, a
 * pre-trained model, NeuronIO files): `../shared/fixtures` beside the
 * workspace root, found from this module's place in a checkout
 * (packages/core/src or packages/core/dist).
 */
export const SHARED_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "shared", "fixtures");

/** The path of a shared fixture, e.g. `sharedFixture("neuronio", "sim__small_2x1000ms.p")`. */
export function sharedFixture(...parts: string[]): string {
  return join(SHARED_FIXTURES, ...parts);
}

/** The bytes of a shared fixture. */
export function readSharedFixture(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(sharedFixture(...parts)));
}

/** A shared JSON fixture, parsed. */
export function readSharedJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(sharedFixture(...parts), "utf8")) as T;
}

/** Every `*.json` in a shared fixture folder, in file-name order, parsed. */
export function readSharedJsonDir<T = unknown>(...parts: string[]): T[] {
  const dir = sharedFixture(...parts);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as T);
}

export interface OpSpec {
  /** Name shown in failures. */
  name: string;
  /** Kernel names this spec exercises (for reporting which device ran them). */
  kernels?: string[];
  /** Fresh inputs on `ref` in `dtype` (int32 inputs stay int32). */
  inputs: (rng: Rng, dtype: DType) => Tensor[];
  /** The op under test. */
  run: (inputs: Tensor[]) => Tensor | Tensor[];
  /** Which inputs to differentiate (default: every float input); [] for no gradient. */
  gradInputs?: number[];
  /** Float dtypes to test (default both). */
  dtypes?: DType[];
  /** Relative/absolute tolerance per dtype. */
  tol?: Partial<Record<DType, { rtol: number; atol: number }>>;
  /** Finite-difference step and tolerance (float64). */
  fd?: { eps?: number; rtol?: number; atol?: number };
}

const DEFAULT_TOL: Record<DType, { rtol: number; atol: number }> = {
  float32: { rtol: 2e-4, atol: 2e-5 },
  float64: { rtol: 1e-9, atol: 1e-12 },
  int32: { rtol: 0, atol: 0 },
};

/** Devices usable here that have kernels registered (cuda only with a GPU); always includes ref. */
export function testDevices(): Device[] {
  const ds = new Set<Device>(["ref", ...registeredDevices()]);
  ds.add("cpu");
  return [...ds].filter((d) => deviceAvailable(d));
}

function copyTo(t: Tensor, device: Device, dtype?: DType): Tensor {
  const dt = dtype ?? t.dtype;
  const d = allocate(dt, t.size);
  d.set(t.data);
  return new Tensor(d, t.shape, device);
}

function outputsOf(r: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(r) ? r : [r];
}

/** Throws naming the first element where got and want differ beyond tolerance; returns the max abs error. */
export function assertClose(got: Tensor | ArrayLike<number>, want: Tensor | ArrayLike<number>, tol: { rtol: number; atol: number }, what = "value"): number {
  const g = got instanceof Tensor ? got.data : got;
  const w = want instanceof Tensor ? want.data : want;
  if (got instanceof Tensor && want instanceof Tensor && got.shape.join(",") !== want.shape.join(",")) {
    throw new Error(`${what}: shape [${got.shape}] differs from expected [${want.shape}]`);
  }
  if (g.length !== w.length) throw new Error(`${what}: ${g.length} elements, expected ${w.length}`);
  let maxErr = 0;
  for (let i = 0; i < g.length; i++) {
    const err = Math.abs(g[i] - w[i]);
    const same = g[i] === w[i] || (Number.isNaN(g[i]) && Number.isNaN(w[i]));
    if (!same && !(err <= tol.atol + tol.rtol * Math.abs(w[i]))) {
      throw new Error(`${what}: element ${i} is ${g[i]}, expected ${w[i]} (|err| ${err.toExponential(3)} > atol ${tol.atol} + rtol ${tol.rtol}·|expected|)`);
    }
    if (!same) maxErr = Math.max(maxErr, err);
  }
  return maxErr;
}

/** Weighted sum of outputs with fixed random weights: a scalar whose gradient exercises every output element. */
function probeLoss(outs: Tensor[], weights: Float64Array[]): number {
  let s = 0;
  outs.forEach((o, k) => {
    for (let i = 0; i < o.size; i++) s += o.data[i] * weights[k][i];
  });
  return s;
}

function probeWeights(outs: Tensor[], seed: number): Float64Array[] {
  const rng = new Rng(seed);
  return outs.map((o) => Float64Array.from({ length: o.size }, () => rng.uniform() * 2 - 1));
}

/** Runs backward of Σ_k Σ w_k ⊙ out_k and returns the input gradients (null where none). */
function analyticGrads(spec: OpSpec, inputs: Tensor[], which: number[], weights: Float64Array[] | null, seed: number): { outs: Tensor[]; grads: (Tensor | null)[]; weights: Float64Array[] } {
  for (const i of which) inputs[i].requiresGrad = true;
  const outs = outputsOf(spec.run(inputs));
  const w = weights ?? probeWeights(outs, seed);
  const live = outs.filter((o) => o.requiresGrad);
  outs.forEach((o, k) => {
    if (!o.requiresGrad) return;
    const g = allocate(o.dtype, o.size);
    g.set(w[k]);
    o.backward(new Tensor(g, o.shape, o.device));
  });
  if (which.length && live.length === 0) throw new Error(`${spec.name}: no output requires grad although inputs ${which} do`);
  return { outs, grads: inputs.map((t) => t.grad), weights: w };
}

export interface DeviceReport {
  spec: string;
  device: Device;
  dtype: DType;
  /** Which device's kernels ran (per kernel name in spec.kernels). */
  kernelDevices: Record<string, Device | undefined>;
  maxOutputError: number;
  maxGradError: number;
}

/**
 * Runs `spec` on every usable device (default: testDevices()) in each float dtype and
 * compares outputs and input gradients with `ref` on the same inputs. Throws on mismatch.
 */
export function checkOpAcrossDevices(spec: OpSpec, opts: { devices?: Device[]; seed?: number } = {}): DeviceReport[] {
  const devices = opts.devices ?? testDevices();
  const seed = opts.seed ?? 1234;
  const reports: DeviceReport[] = [];
  for (const dtype of spec.dtypes ?? (["float32", "float64"] as DType[])) {
    const base = spec.inputs(new Rng(seed), dtype);
    const which = spec.gradInputs ?? base.flatMap((t, i) => (isFloatDType(t.dtype) ? [i] : []));
    const want = analyticGrads(spec, base.map((t) => copyTo(t, "ref")), which, null, seed + 1);
    const tol = spec.tol?.[dtype] ?? DEFAULT_TOL[dtype];
    for (const device of devices) {
      if (device === "ref") continue;
      const got = analyticGrads(spec, base.map((t) => copyTo(t, device)), which, want.weights, seed + 1);
      let maxOutputError = 0;
      let maxGradError = 0;
      got.outs.forEach((o, k) => {
        if (o.device !== device) throw new Error(`${spec.name} on ${device}: output ${k} is on ${o.device}`);
        if (o.dtype !== want.outs[k].dtype) throw new Error(`${spec.name} on ${device}: output ${k} is ${o.dtype}, expected ${want.outs[k].dtype}`);
        maxOutputError = Math.max(maxOutputError, assertClose(o, want.outs[k], tol, `${spec.name} on ${device} (${dtype}) output ${k}`));
      });
      for (const i of which) {
        const g = got.grads[i];
        const w = want.grads[i];
        if (!w) continue;
        if (!g) throw new Error(`${spec.name} on ${device} (${dtype}): input ${i} got no gradient, ref did`);
        maxGradError = Math.max(maxGradError, assertClose(g, w, tol, `${spec.name} on ${device} (${dtype}) grad of input ${i}`));
      }
      const kernelDevices: Record<string, Device | undefined> = {};
      for (const k of spec.kernels ?? []) kernelDevices[k] = resolveKernelDevice(k, device);
      reports.push({ spec: spec.name, device, dtype, kernelDevices, maxOutputError, maxGradError });
    }
  }
  return reports;
}

/**
 * Float64 finite-difference check of every differentiable input of `spec` on `device`:
 * analytic ∂L/∂x of L = Σ w ⊙ out against (L(x + ε) − L(x − ε)) / 2ε. Throws on mismatch.
 */
export function checkGradFiniteDifference(spec: OpSpec, opts: { device?: Device; seed?: number } = {}): number {
  const device = opts.device ?? "ref";
  const seed = opts.seed ?? 4321;
  const eps = spec.fd?.eps ?? 1e-6;
  const rtol = spec.fd?.rtol ?? 1e-5;
  const atol = spec.fd?.atol ?? 1e-7;
  const base = spec.inputs(new Rng(seed), "float64").map((t) => copyTo(t, device));
  const which = spec.gradInputs ?? base.flatMap((t, i) => (isFloatDType(t.dtype) ? [i] : []));
  const { grads, weights } = analyticGrads(spec, base.map((t) => copyTo(t, device)), which, null, seed + 1);
  let maxErr = 0;
  for (const i of which) {
    const x = base[i];
    const g = grads[i];
    if (!g) throw new Error(`${spec.name}: input ${i} got no gradient`);
    for (let j = 0; j < x.size; j++) {
      const at = (delta: number) => {
        const xs = base.map((t) => copyTo(t, device));
        xs[i].data[j] += delta;
        return noGrad(() => probeLoss(outputsOf(spec.run(xs)), weights));
      };
      const fd = (at(eps) - at(-eps)) / (2 * eps);
      const err = Math.abs(g.data[j] - fd);
      if (!(err <= atol + rtol * Math.abs(fd))) {
        throw new Error(`${spec.name}: d/d input ${i}[${j}] is ${g.data[j]}, finite difference says ${fd} (|err| ${err.toExponential(3)})`);
      }
      maxErr = Math.max(maxErr, err);
    }
  }
  return maxErr;
}
