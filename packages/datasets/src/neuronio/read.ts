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

/** `dict2bin`: rows[segment] = spike times (ms, integer) → X[rowOffset + segment, t, sim] = 1. */
function dict2bin(
  spikes: PyValue, X: Uint8Array, rowOffset: number, numSegments: number, T: number, sims: number, k: number, label: string, file: string,
): void {
  if (!(spikes instanceof Map)) throw new DatasetFileError(file, `simulation ${k} ${label} should be a dict {segment: [ms, …]}, found ${pyTypeName(spikes)}`);
  for (const [key, times] of spikes) {
    const seg = npIndex(typeof key === "bigint" ? Number(key) : key, numSegments, () => `simulation ${k} ${label} segment key ${String(key)}`, file);
    const list = numberList(times, () => `simulation ${k} ${label}[${String(key)}]`, file);
    for (const t of list) {
      const ti = npIndex(t, T, () => `simulation ${k} ${label}[${String(key)}] spike time`, file);
      X[((rowOffset + seg) * T + ti) * sims + k] = 1;
    }
  }
}

/**
 * Read a NeuronIO simulation file (Python 2 or 3 pickle, protocol 2). `file`
 * names it in errors. Shapes and values are those of the authors'
 * `parse_sim_experiment_file(file)`.
 */
export function readNeuronioSimulations(bytes: Uint8Array, file = "NeuronIO file"): NeuronioSimulations {
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
  const numSegments = segTypes.length;
  const durSec = field(params, "totalSimDurationInSec", "Params", file);
  const T = typeof durSec === "number" ? durSec * 1000 : NaN;
  if (!Number.isInteger(T) || T <= 0) {
    throw new DatasetFileError(file, `Params.totalSimDurationInSec = ${String(durSec)} does not give a positive whole number of ms`);
  }
  const distRaw = params instanceof Map && params.has("allSegments_DistFromSoma") ? params.get("allSegments_DistFromSoma") : [];
  const segmentDistFromSoma = numberList(distRaw, () => "Params.allSegments_DistFromSoma", file);
  const sims = simList.length;
  const S2 = 2 * numSegments;
  if (S2 * T * sims > 2 ** 31) throw new DatasetFileError(file, `${S2}×${T}×${sims} inputs are too many to hold`);
  const X = new Uint8Array(S2 * T * sims);
  const ySpike = new Float64Array(T * sims);
  const ySoma = new Float64Array(T * sims);
  simList.forEach((sim: PyValue, k: number) => {
    const where = `simulation ${k}`;
    dict2bin(field(sim, "exInputSpikeTimes", where, file), X, 0, numSegments, T, sims, k, "exInputSpikeTimes", file);
    dict2bin(field(sim, "inhInputSpikeTimes", where, file), X, numSegments, numSegments, T, sims, k, "inhInputSpikeTimes", file);
    // spike_times = (outputSpikeTimes.astype(float) - 0.5).astype(int): truncation toward zero
    const out = numberList(field(sim, "outputSpikeTimes", where, file), () => `${where} outputSpikeTimes`, file);
    for (const st of out) {
      const t = Math.trunc(st - 0.5);
      ySpike[npIndex(t, T, () => `${where} outputSpikeTimes ${st}`, file) * sims + k] = 1;
    }
    const soma = numberList(field(sim, "somaVoltageLowRes", where, file), () => `${where} somaVoltageLowRes`, file);
    if (soma.length !== T && soma.length !== 1) {
      throw new DatasetFileError(file, `${where} somaVoltageLowRes has ${soma.length} samples, expected ${T} (one per ms)`);
    }
    for (let t = 0; t < T; t++) ySoma[t * sims + k] = soma.length === 1 ? soma[0]! : soma[t]!;
  });
  return {
    numSimulations: sims,
    numSegments,
    simDurationMs: T,
    X,
    ySpike,
    ySoma,
    segmentType: segTypes.map((s: PyValue) => String(s)),
    segmentDistFromSoma,
  };
}

/** Read a NeuronIO simulation file from disk. */
export async function readNeuronioFile(path: string): Promise<NeuronioSimulations> {
  const { readFile } = await import("node:fs/promises");
  const b = await readFile(path);
  return readNeuronioSimulations(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), path);
}
