// Writes NeuronIO simulation files in the published schema (see read.ts), as a
// protocol-2 pickle: "py2" as the published files (Python 2: str keys and numpy
// payloads as BINSTRING), "py3" as Python 3 writes protocol 2 (BINUNICODE keys,
// payloads as _codecs.encode(…, 'latin1')). Python's pickle.load reads both.
import { NumpyArray, numpyArrayToPickle } from "../pickle/numpy.js";
import { PyFloat, pickle } from "../pickle/pickler.js";
import type { PyValue } from "../pickle/values.js";

export interface NeuronioSimulationRecord {
  /** segment → spike times in ms (integers), excitatory synapse of that segment. */
  exInputSpikeTimes: ReadonlyMap<number, readonly number[]>;
  /** segment → spike times in ms (integers), inhibitory synapse of that segment. */
  inhInputSpikeTimes: ReadonlyMap<number, readonly number[]>;
  /** Output spike times in ms, as the data stores them (bin start + 0.5). */
  outputSpikeTimes: Float64Array;
  /** Somatic voltage in mV, one sample per ms. */
  somaVoltageLowRes: Float64Array;
}

export interface NeuronioFileContent {
  segmentType: readonly string[];
  segmentDistFromSoma: readonly number[];
  /** Simulation length in whole seconds (an int, as in the data). */
  totalSimDurationInSec: number;
  simulations: readonly NeuronioSimulationRecord[];
}

export function writeNeuronioSimulations(content: NeuronioFileContent, flavor: "py2" | "py3" = "py2"): Uint8Array {
  const { segmentType, segmentDistFromSoma, totalSimDurationInSec: sec, simulations } = content;
  if (!Number.isInteger(sec) || sec <= 0) throw new RangeError(`totalSimDurationInSec must be a positive integer, got ${sec}`);
  if (segmentDistFromSoma.length !== segmentType.length) {
    throw new RangeError(`segmentDistFromSoma has ${segmentDistFromSoma.length} entries, segmentType ${segmentType.length}`);
  }
  const T = sec * 1000;
  const spikeDict = (m: ReadonlyMap<number, readonly number[]>, label: string): Map<PyValue, PyValue> => {
    const d = new Map<PyValue, PyValue>();
    for (const [seg, times] of m) {
      if (!Number.isInteger(seg) || seg < 0 || seg >= segmentType.length) throw new RangeError(`${label}: segment ${seg} is not in [0, ${segmentType.length})`);
      for (const t of times) if (!Number.isInteger(t) || t < 0 || t >= T) throw new RangeError(`${label}[${seg}]: spike time ${t} is not an integer ms in [0, ${T})`);
      d.set(seg, [...times]);
    }
    return d;
  };
  const sims = simulations.map((s, k) => {
    if (s.somaVoltageLowRes.length !== T) throw new RangeError(`simulation ${k}: somaVoltageLowRes has ${s.somaVoltageLowRes.length} samples, expected ${T}`);
    return new Map<PyValue, PyValue>([
      ["exInputSpikeTimes", spikeDict(s.exInputSpikeTimes, `simulation ${k} exInputSpikeTimes`)],
      ["inhInputSpikeTimes", spikeDict(s.inhInputSpikeTimes, `simulation ${k} inhInputSpikeTimes`)],
      ["outputSpikeTimes", numpyArrayToPickle(new NumpyArray("float64", [s.outputSpikeTimes.length], s.outputSpikeTimes), flavor)],
      ["somaVoltageLowRes", numpyArrayToPickle(new NumpyArray("float64", [T], s.somaVoltageLowRes), flavor)],
    ]);
  });
  const root = new Map<PyValue, PyValue>([
    [
      "Params",
      new Map<PyValue, PyValue>([
        ["allSegmentsType", [...segmentType]],
        ["allSegments_DistFromSoma", segmentDistFromSoma.map((d) => new PyFloat(d))],
        ["totalSimDurationInSec", sec],
      ]),
    ],
    ["Results", new Map<PyValue, PyValue>([["listOfSingleSimulationDicts", sims]])],
  ]);
  return pickle(root, { strings: flavor === "py2" ? "py2str" : "unicode" });
}
