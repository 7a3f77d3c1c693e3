// NeuronIO simulation files (Beniaguev, Segev & London 2021; the data the ELM
// authors train on): a pickled dict
//   {Params: {allSegmentsType, allSegments_DistFromSoma, totalSimDurationInSec},
//    Results: {listOfSingleSimulationDicts: [{exInputSpikeTimes, inhInputSpikeTimes:
//      {segment: [ms, …]}, outputSpikeTimes: ndarray (ms + 0.5), somaVoltageLowRes: ndarray (mV per ms)}, …]}}
// read into exactly what the authors' `parse_sim_experiment_file` returns.
import { DatasetFileError } from "../errors.js";
import { NumpyArray, numpyGlobals, resolveNumpy } from "../pickle/numpy.js";
import { unpickle } from "../pickle/unpickle.js";
import { PickleError, pyTypeName, type PyValue } from "../pickle/values.js";

export interface NeuronioSimulations {
  numSimulations: number;
  /** Dendritic segments; synapses = 2·numSegments (excitatory then inhibitory). */
  numSegments: number;
  /** T, in 1 ms bins. */
  simDurationMs: number;
  /** [2·numSegments, T, numSimulations] row-major, 0/1: synapses 0..S−1 excitatory, S..2S−1 inhibitory (the authors' X). */
  X: Uint8Array;
  /** [T, numSimulations] 0/1 output spikes (the authors' y_spike). */
  ySpike: Float64Array;
  /** [T, numSimulations] somatic voltage in mV (the authors' y_soma). */
  ySoma: Float64Array;
  /** Params.allSegmentsType */
  segmentType: string[];
  /** Params.allSegments_DistFromSoma (µm) */
  segmentDistFromSoma: number[];
}

function field(d: PyValue, key: string, where: string, file: string): PyValue {
  if (!(d instanceof Map)) throw new DatasetFileError(file, `${where} should be a dict, found ${pyTypeName(d)}`);
  if (!d.has(key)) throw new DatasetFileError(file, `${where} has no key '${key}' (keys: ${[...d.keys()].join(", ")})`);
  return d.get(key);
}

/** numpy-style index: negative counts from the end; out of range is an error (IndexError in numpy). */
function npIndex(i: number, n: number, what: () => string, file: string): number {
  if (!Number.isInteger(i)) throw new DatasetFileError(file, `${what()}: ${i} is not an integer index`);
  if (i < -n || i >= n) throw new DatasetFileError(file, `${what()}: index ${i} is out of bounds for size ${n}`);
  return i < 0 ? i + n : i;
}

function numberList(v: PyValue, what: () => string, file: string): number[] {
  if (v instanceof NumpyArray) {
    if (v.shape.length !== 1) throw new DatasetFileError(file, `${what()}: expected a 1-d array, got shape (${v.shape.join(", ")})`);
    return v.toNumbers();
  }
  if (!Array.isArray(v)) throw new DatasetFileError(file, `${what()}: expected a list or array of numbers, found ${pyTypeName(v)}`);
  return v.map((x) => {
    if (typeof x === "number") return x;
    if (typeof x === "bigint") return Number(x);
    if (typeof x === "boolean") return x ? 1 : 0;
    throw new DatasetFileError(file, `${what()}: expected numbers, found ${pyTypeName(x)}`);
  });
}

/** `dict2bin`: rows[segment] = spike times (ms, integer) → mark(rowOffset + segment, t). */
function dict2bin(
  spikes: PyValue, mark: (channel: number, t: number) => void, rowOffset: number, numSegments: number, T: number, k: number, label: string, file: string,
): void {
  if (!(spikes instanceof Map)) throw new DatasetFileError(file, `simulation ${k} ${label} should be a dict {segment: [ms, …]}, found ${pyTypeName(spikes)}`);
  for (const [key, times] of spikes) {
    const seg = npIndex(typeof key === "bigint" ? Number(key) : key, numSegments, () => `simulation ${k} ${label} segment key ${String(key)}`, file);
    const list = numberList(times, () => `simulation ${k} ${label}[${String(key)}]`, file);
    const ch = rowOffset + seg;
    for (let i = 0; i < list.length; i++) {
      const t = list[i]!;
      // fast path for the usual in-range integer; numpy's negative wrap and errors otherwise
      mark(ch, Number.isInteger(t) && t >= 0 && t < T ? t : npIndex(t, T, () => `simulation ${k} ${label}[${String(key)}] spike time`, file));
    }
  }
}

interface ParsedFile {
  numSegments: number;
  T: number;
  sims: PyValue[];
  segmentType: string[];
  segmentDistFromSoma: number[];
}

/** Unpickle and check the top of the schema. */
function parseNeuronio(bytes: Uint8Array, file: string): ParsedFile {
  let root: PyValue;
  try {
    root = resolveNumpy(unpickle(bytes, { globals: numpyGlobals(), source: file }));
  } catch (e) {
    if (e instanceof PickleError) throw new DatasetFileError(file, e.message);
    throw e;
  }
  const params = field(root, "Params", "the file", file);
  const results = field(root, "Results", "the file", file);
  const simList = field(results, "listOfSingleSimulationDicts", "Results", file);
  if (!Array.isArray(simList)) throw new DatasetFileError(file, `Results.listOfSingleSimulationDicts should be a list, found ${pyTypeName(simList)}`);
  const segTypes = field(params, "allSegmentsType", "Params", file);
  if (!Array.isArray(segTypes)) throw new DatasetFileError(file, `Params.allSegmentsType should be a list, found ${pyTypeName(segTypes)}`);
  const durSec = field(params, "totalSimDurationInSec", "Params", file);
  const T = typeof durSec === "number" ? durSec * 1000 : NaN;
  if (!Number.isInteger(T) || T <= 0) {
    throw new DatasetFileError(file, `Params.totalSimDurationInSec = ${String(durSec)} does not give a positive whole number of ms`);
  }
  const distRaw = params instanceof Map && params.has("allSegments_DistFromSoma") ? params.get("allSegments_DistFromSoma") : [];
  return {
    numSegments: segTypes.length,
    T,
    sims: simList,
    segmentType: segTypes.map((x: PyValue) => String(x)),
    segmentDistFromSoma: numberList(distRaw, () => "Params.allSegments_DistFromSoma", file),
  };
}

/** One simulation: inputs through `mark(channel, t)`, output spikes and soma into the [T, sims] arrays. */
function readSimulation(
  p: ParsedFile, k: number, file: string, mark: (channel: number, t: number) => void, ySpike: Float64Array, ySoma: Float64Array,
): void {
  const { numSegments, T } = p;
  const nSims = p.sims.length;
  const sim = p.sims[k];
  const where = `simulation ${k}`;
  dict2bin(field(sim, "exInputSpikeTimes", where, file), mark, 0, numSegments, T, k, "exInputSpikeTimes", file);
  dict2bin(field(sim, "inhInputSpikeTimes", where, file), mark, numSegments, numSegments, T, k, "inhInputSpikeTimes", file);
  // spike_times = (outputSpikeTimes.astype(float) - 0.5).astype(int): truncation toward zero
  const out = numberList(field(sim, "outputSpikeTimes", where, file), () => `${where} outputSpikeTimes`, file);
  for (const st of out) {
    const t = Math.trunc(st - 0.5);
    ySpike[npIndex(t, T, () => `${where} outputSpikeTimes ${st}`, file) * nSims + k] = 1;
  }
  const soma = numberList(field(sim, "somaVoltageLowRes", where, file), () => `${where} somaVoltageLowRes`, file);
  if (soma.length !== T && soma.length !== 1) {
    throw new DatasetFileError(file, `${where} somaVoltageLowRes has ${soma.length} samples, expected ${T} (one per ms)`);
  }
  for (let t = 0; t < T; t++) ySoma[t * nSims + k] = soma.length === 1 ? soma[0]! : soma[t]!;
}

/**
 * Read a NeuronIO simulation file (Python 2 or 3 pickle, protocol 2). `file`
 * names it in errors. Shapes and values are those of the authors'
 * `parse_sim_experiment_file(file)` (X is dense: 1278·T·sims bytes, ≈ 1 GB
 * for a published file of 128 × 6 s; readNeuronioSparse holds the same inputs compactly).
 */
export function readNeuronioSimulations(bytes: Uint8Array, file = "NeuronIO file"): NeuronioSimulations {
  const p = parseNeuronio(bytes, file);
  const { numSegments, T } = p;
  const sims = p.sims.length;
  const S2 = 2 * numSegments;
  if (S2 * T * sims > 2 ** 32) throw new DatasetFileError(file, `${S2}×${T}×${sims} dense inputs are too many to hold; use readNeuronioSparse`);
  const X = new Uint8Array(S2 * T * sims);
  const ySpike = new Float64Array(T * sims);
  const ySoma = new Float64Array(T * sims);
  for (let k = 0; k < sims; k++) readSimulation(p, k, file, (c, t) => { X[(c * T + t) * sims + k] = 1; }, ySpike, ySoma);
  return { numSimulations: sims, numSegments, simDurationMs: T, X, ySpike, ySoma, segmentType: p.segmentType, segmentDistFromSoma: p.segmentDistFromSoma };
}

/** The same content as NeuronioSimulations with the inputs as events instead of the dense X. */
export interface NeuronioSparseSimulations extends Omit<NeuronioSimulations, "X"> {
  /**
   * Per simulation, the active input channels of each ms (CSR): the channels of
   * step t are `channels[offsets[t] .. offsets[t+1])`, ascending, without repeats
   * (channel c < S excitatory segment c, S + c inhibitory segment c).
   */
  inputs: { offsets: Int32Array; channels: Int32Array }[];
}

/** Read a NeuronIO file keeping the inputs as events (a few MB instead of ≈ 1 GB per published file). */
export function readNeuronioSparse(bytes: Uint8Array, file = "NeuronIO file"): NeuronioSparseSimulations {
  const p = parseNeuronio(bytes, file);
  const { numSegments, T } = p;
  const sims = p.sims.length;
  const ySpike = new Float64Array(T * sims);
  const ySoma = new Float64Array(T * sims);
  const inputs: { offsets: Int32Array; channels: Int32Array }[] = [];
  for (let k = 0; k < sims; k++) {
    const ev: number[] = []; // t * 2S + c
    readSimulation(p, k, file, (c, t) => { ev.push(t * 2 * numSegments + c); }, ySpike, ySoma);
    const sorted = Float64Array.from(ev).sort();
    const offsets = new Int32Array(T + 1);
    const channels: number[] = [];
    let prev = -1;
    for (const e of sorted) {
      if (e === prev) continue; // dict2bin sets a bool: repeats collapse
      prev = e;
      const t = Math.floor(e / (2 * numSegments));
      offsets[t + 1]!++;
      channels.push(e - t * 2 * numSegments);
    }
    for (let t = 0; t < T; t++) offsets[t + 1]! += offsets[t]!;
    inputs.push({ offsets, channels: Int32Array.from(channels) });
  }
  return { numSimulations: sims, numSegments, simDurationMs: T, inputs, ySpike, ySoma, segmentType: p.segmentType, segmentDistFromSoma: p.segmentDistFromSoma };
}

/**
 * Write the synapse-typed input of simulation `sim`, steps [start, start+W), into
 * x[base + t·C + c] (+1 excitatory, −1 inhibitory; steps past the end stay 0).
 * Works on either reader's result.
 */
export function fillInputWindow(
  data: NeuronioSimulations | NeuronioSparseSimulations, sim: number, start: number, W: number, x: Float32Array, base: number,
): void {
  const S = data.numSegments, C = 2 * S, T = data.simDurationMs, sims = data.numSimulations;
  const end = Math.min(T, start + W);
  if ("inputs" in data) {
    const { offsets, channels } = data.inputs[sim]!;
    for (let t = start; t < end; t++) {
      const row = base + (t - start) * C;
      for (let i = offsets[t]!; i < offsets[t + 1]!; i++) { const c = channels[i]!; x[row + c] = c < S ? 1 : -1; }
    }
  } else {
    const X = data.X;
    for (let t = start; t < end; t++) {
      const row = base + (t - start) * C;
      for (let c = 0; c < C; c++) if (X[(c * T + t) * sims + sim]) x[row + c] = c < S ? 1 : -1;
    }
  }
}

/** Read a NeuronIO simulation file from disk (dense, or sparse with `{ sparse: true }`). */
export async function readNeuronioFile(path: string): Promise<NeuronioSimulations>;
export async function readNeuronioFile(path: string, opts: { sparse: true }): Promise<NeuronioSparseSimulations>;
export async function readNeuronioFile(path: string, opts: { sparse?: boolean } = {}): Promise<NeuronioSimulations | NeuronioSparseSimulations> {
  const { readFile } = await import("node:fs/promises");
  const b = await readFile(path);
  const u = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return opts.sparse ? readNeuronioSparse(u, path) : readNeuronioSimulations(u, path);
}
