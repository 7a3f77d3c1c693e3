// Reads the official Spiking Heidelberg Digits files (shd_train.h5,
// shd_test.h5; Cramer et al. 2020) — and files of the same schema, such as
// the synthetic digits — through h5wasm:
//
//   spikes/times   vlen float32, seconds, one sequence per sample
//   spikes/units   vlen uint16, channel ids in [0, 700), aligned with times
//   labels         uint16 [samples], 0–9 English digits, 10–19 German digits
//   extra/speaker  uint16 [samples] (optional here; used for held-out speakers)
//   extra/keys, extra/meta_info …  (not needed, ignored)
//
// Every problem is reported as a DatasetFileError naming the file.
import { DatasetFileError } from "../errors.js";
import { checkHdf5File } from "../hdf5/inspect.js";
import { h5wasm, type H5Dataset, type H5File } from "../hdf5/h5wasm.js";
import type { SpikeSamples } from "./samples.js";

export interface ReadShdOptions {
  /** Input channels (700 in SHD). Units must lie in [0, channels). */
  channels?: number;
  /** Classes (20 in SHD). Labels must lie in [0, numClasses). */
  numClasses?: number;
  /** Samples read per HDF5 call (bounds the WebAssembly heap). */
  chunk?: number;
}

const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_VLEN = 9;

function dataset(f: H5File, file: string, name: string, required: true): H5Dataset;
function dataset(f: H5File, file: string, name: string, required: false): H5Dataset | null;
function dataset(f: H5File, file: string, name: string, required: boolean): H5Dataset | null {
  let obj: unknown = null;
  try {
    obj = f.get(name);
  } catch {
    obj = null;
  }
  if (obj === null || obj === undefined) {
    if (!required) return null;
    throw new DatasetFileError(file, `not in the SHD schema: no dataset "${name}" (found: ${listNames(f).join(", ") || "nothing"})`);
  }
  if ((obj as { constructor: { name: string } }).constructor.name !== "Dataset") {
    throw new DatasetFileError(file, `not in the SHD schema: "${name}" is a ${(obj as { constructor: { name: string } }).constructor.name}, expected a dataset`);
  }
  return obj as H5Dataset;
}

function listNames(f: H5File): string[] {
  try {
    const out: string[] = [];
    for (const k of f.keys()) {
      const o = f.get(k) as unknown as { keys?: () => string[] } | null;
      if (o && typeof o.keys === "function" && (o as { constructor: { name: string } }).constructor.name === "Group") for (const c of o.keys()) out.push(`${k}/${c}`);
      else out.push(k);
    }
    return out;
  } catch {
    return [];
  }
}

function describeType(m: H5Dataset["metadata"]): string {
  const cls = ({ 0: "integer", 1: "float", 3: "string", 6: "compound", 9: "vlen" } as Record<number, string>)[m.type] ?? `class ${m.type}`;
  if (m.type === H5T_VLEN && m.vlen_type) return `vlen ${describeType(m.vlen_type as H5Dataset["metadata"])}`;
  return `${cls}${m.type === 0 || m.type === 1 ? m.size * 8 : ""}`;
}

function check1d(file: string, name: string, ds: H5Dataset, baseClass: number, vlen: boolean): number {
  const m = ds.metadata;
  const want = `${vlen ? "vlen " : ""}${baseClass === H5T_FLOAT ? "float" : "integer"}`;
  const ok = vlen ? m.type === H5T_VLEN && m.vlen_type?.type === baseClass : m.type === baseClass;
  if (!ok) throw new DatasetFileError(file, `not in the SHD schema: "${name}" is ${describeType(m)}, expected ${want}`);
  if (m.shape?.length !== 1) throw new DatasetFileError(file, `not in the SHD schema: "${name}" has shape [${m.shape}], expected one dimension`);
  return m.shape[0];
}

function readInts(file: string, name: string, ds: H5Dataset): Int32Array {
  try {
    const v = ds.value as ArrayLike<number | bigint>;
    return Int32Array.from(v as ArrayLike<number>, (x) => Number(x));
  } catch (e) {
    throw new DatasetFileError(file, `cannot read "${name}": ${(e as Error).message}`);
  }
}

/** Reads a whole SHD-schema file into sparse SpikeSamples. */
export async function readShd(file: string, opts: ReadShdOptions = {}): Promise<SpikeSamples> {
  const channels = opts.channels ?? 700;
  const numClasses = opts.numClasses ?? 20;
  const chunk = opts.chunk ?? 256;
  checkHdf5File(file, "SHD file");
  const h5 = await h5wasm();
  let f: H5File;
  try {
    f = new h5.File(file, "r");
  } catch (e) {
    throw new DatasetFileError(file, `HDF5 library cannot open it: ${(e as Error).message}`);
  }
  try {
    const timesDs = dataset(f, file, "spikes/times", true);
    const unitsDs = dataset(f, file, "spikes/units", true);
    const labelsDs = dataset(f, file, "labels", true);
    const speakerDs = dataset(f, file, "extra/speaker", false);
    const n = check1d(file, "spikes/times", timesDs, H5T_FLOAT, true);
    const nu = check1d(file, "spikes/units", unitsDs, H5T_INTEGER, true);
    const nl = check1d(file, "labels", labelsDs, H5T_INTEGER, false);
    if (nu !== n || nl !== n) throw new DatasetFileError(file, `not in the SHD schema: spikes/times has ${n} samples, spikes/units ${nu}, labels ${nl}`);
    const labels = readInts(file, "labels", labelsDs);
    for (let i = 0; i < n; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) throw new DatasetFileError(file, `labels[${i}] = ${labels[i]} is out of range [0, ${numClasses})`);
    }
    let speakers: Int32Array | null = null;
    if (speakerDs) {
      const ns = check1d(file, "extra/speaker", speakerDs, H5T_INTEGER, false);
      if (ns !== n) throw new DatasetFileError(file, `not in the SHD schema: extra/speaker has ${ns} entries for ${n} samples`);
      speakers = readInts(file, "extra/speaker", speakerDs);
    }
    // first pass over chunks: collect the per-sample arrays of one chunk, copy them into growing flat arrays
    let times = new Float32Array(1 << 16);
    let units = new Uint16Array(1 << 16);
    const offsets = new Float64Array(n + 1);
    let total = 0;
    for (let a = 0; a < n; a += chunk) {
      const b = Math.min(n, a + chunk);
      let ts: ArrayLike<number>[];
      let us: ArrayLike<number>[];
      try {
        ts = timesDs.slice([[a, b]]) as unknown as ArrayLike<number>[];
        us = unitsDs.slice([[a, b]]) as unknown as ArrayLike<number>[];
      } catch (e) {
        throw new DatasetFileError(file, `cannot read spikes of samples ${a}..${b - 1}: ${(e as Error).message}`);
      }
      for (let k = 0; k < b - a; k++) {
        const i = a + k;
        const t = ts[k];
        const u = us[k];
        if (t.length !== u.length) throw new DatasetFileError(file, `sample ${i}: ${t.length} spike times but ${u.length} units`);
        if (total + t.length > times.length) {
          let cap = times.length * 2;
          while (cap < total + t.length) cap *= 2;
          const nt = new Float32Array(cap); nt.set(times.subarray(0, total)); times = nt;
          const nu2 = new Uint16Array(cap); nu2.set(units.subarray(0, total)); units = nu2;
        }
        for (let j = 0; j < t.length; j++) {
          const tj = t[j];
          const uj = u[j];
          if (!(tj >= 0) || !Number.isFinite(tj)) throw new DatasetFileError(file, `sample ${i}: spike time ${tj} s is not a finite time ≥ 0`);
          if (!(uj >= 0 && uj < channels && Number.isInteger(uj))) throw new DatasetFileError(file, `sample ${i}: unit ${uj} is out of range [0, ${channels})`);
          times[total + j] = tj;
          units[total + j] = uj;
        }
        total += t.length;
        offsets[i + 1] = total;
      }
    }
    return { times: times.slice(0, total), units: units.slice(0, total), offsets, labels, speakers, channels, numClasses, source: file };
  } finally {
    try { f.close(); } catch { /* already closed */ }
  }
}
