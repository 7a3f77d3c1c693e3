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
import { h5wasm, hdf5Message, type H5Dataset, type H5File, type H5wasm } from "../hdf5/h5wasm.js";
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

const kindOf = (h5: H5wasm, o: unknown): string =>
  o instanceof h5.Dataset ? "dataset" : o instanceof h5.Group ? "group" : o instanceof h5.Datatype ? "named datatype" : "link or unknown object";

function dataset(h5: H5wasm, f: H5File, file: string, name: string, required: true): H5Dataset;
function dataset(h5: H5wasm, f: H5File, file: string, name: string, required: false): H5Dataset | null;
function dataset(h5: H5wasm, f: H5File, file: string, name: string, required: boolean): H5Dataset | null {
  let obj: unknown = null;
  try {
    obj = f.get(name);
  } catch {
    obj = null;
  }
  if (obj === null || obj === undefined) {
    if (!required) return null;
    throw new DatasetFileError(file, `not in the SHD schema: no dataset "${name}" (found: ${listNames(h5, f).join(", ") || "nothing"})`);
  }
  if (!(obj instanceof h5.Dataset)) {
    throw new DatasetFileError(file, `not in the SHD schema: "${name}" is a ${kindOf(h5, obj)}, expected a dataset (or its object header is corrupt)`);
  }
  return obj;
}

/** Top-level names and one level below, for error messages. */
function listNames(h5: H5wasm, f: H5File): string[] {
  try {
    const out: string[] = [];
    for (const k of f.keys()) {
      const o = f.get(k);
      if (o instanceof h5.Group) for (const c of o.keys()) out.push(`${k}/${c}`);
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
    throw new DatasetFileError(file, `cannot read "${name}" (corrupt file?): ${hdf5Message(e)}`);
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
    throw new DatasetFileError(file, `the HDF5 library cannot open it (corrupt file?): ${hdf5Message(e)}`);
  }
  try {
    const timesDs = dataset(h5, f, file, "spikes/times", true);
    const unitsDs = dataset(h5, f, file, "spikes/units", true);
    const labelsDs = dataset(h5, f, file, "labels", true);
    const speakerDs = dataset(h5, f, file, "extra/speaker", false);
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
    // read `chunk` samples per HDF5 call, copy each chunk into its own flat
    // arrays, concatenate once at the end (peak memory ≈ 2× the spikes)
    const partsT: Float32Array[] = [];
    const partsU: Uint16Array[] = [];
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
        throw new DatasetFileError(file, `cannot read the spikes of samples ${a}..${b - 1} (corrupt file?): ${hdf5Message(e)}`);
      }
      let count = 0;
      for (let k = 0; k < b - a; k++) {
        if (ts[k].length !== us[k].length) throw new DatasetFileError(file, `sample ${a + k}: ${ts[k].length} spike times but ${us[k].length} units`);
        count += ts[k].length;
      }
      const pt = new Float32Array(count);
      const pu = new Uint16Array(count);
      let o = 0;
      for (let k = 0; k < b - a; k++) {
        const i = a + k;
        const t = ts[k];
        const u = us[k];
        for (let j = 0; j < t.length; j++) {
          const tj = t[j];
          const uj = u[j];
          if (!(tj >= 0) || !Number.isFinite(tj)) throw new DatasetFileError(file, `sample ${i}: spike time ${tj} s is not a finite time ≥ 0`);
          if (!(uj >= 0 && uj < channels && Number.isInteger(uj))) throw new DatasetFileError(file, `sample ${i}: unit ${uj} is out of range [0, ${channels})`);
          pt[o + j] = tj;
          pu[o + j] = uj;
        }
        o += t.length;
        offsets[i + 1] = total + o;
      }
      total += count;
      partsT.push(pt);
      partsU.push(pu);
    }
    const times = new Float32Array(total);
    const units = new Uint16Array(total);
    let o = 0;
    for (let p = 0; p < partsT.length; p++) {
      times.set(partsT[p], o);
      units.set(partsU[p], o);
      o += partsT[p].length;
    }
    return { times, units, offsets, labels, speakers, channels, numClasses, source: file };
  } finally {
    try { f.close(); } catch { /* already closed */ }
  }
}
