// A built-in teacher neuron that writes NeuronIO-format files, so the whole
// NeuronIO pipeline (read → window → train → evaluate) runs offline. Not the
// detailed L5PC model of the real data: a point neuron, leaky
// integrate-and-fire (optionally with an adaptive threshold), driven by
// 2·S Poisson inputs — one excitatory and one inhibitory synapse on each of S
// dendritic segments — whose weights fall off with the segment's distance
// from the soma. Its voltage and spikes are written in the published schema
// (see read.ts) as a protocol-2 pickle.
//
// Per ms step t (exact exponential decay over Δt = 1 ms):
//   I_e ← I_e·e^{−1/τ_e} + Σ_{exc spikes at t} w_e(d)      w(d) = w0·exp(−d/λ_d)
//   I_i ← I_i·e^{−1/τ_i} + Σ_{inh spikes at t} w_i(d)
//   V   ← V_rest + (V − V_rest)·e^{−1/τ_m} + (I_e − I_i)·(1 − e^{−1/τ_m})
//   θ   ← θ_0 + (θ − θ_0)·e^{−1/τ_θ}                       (adaptive only)
//   V ≥ θ (and not refractory): output spike at t (stored as t + 0.5 ms),
//       soma sample V_peak, then V ← V_reset, refractory for t_ref ms, θ ← θ + Δθ.
import { DataRng } from "../rng.js";
import { writeNeuronioSimulations, type NeuronioFileContent, type NeuronioSimulationRecord } from "./write.js";

export interface TeacherOptions {
  /** dendritic segments S (inputs 2·S); NeuronIO: 639 */
  numSegments?: number;
  /** simulation length in whole seconds; NeuronIO: 6 */
  simDurationSec?: number;
  /** simulations per file; NeuronIO: 128 */
  numSimulations?: number;
  /** seed of the inputs (rates, spike trains) */
  seed?: number;
  /** seed of the neuron (segment distances, hence weights); one neuron across files by default, as in the data */
  morphologySeed?: number;
  neuron?: "lif" | "adaptive-lif";
  /** per-synapse rate ranges in Hz; each simulation draws its mean rate uniformly in the range */
  excRateHz?: [number, number];
  inhRateHz?: [number, number];
  /** slow modulation: every `modulationMs` the input gain is redrawn uniformly in [1 − depth, 1 + depth] */
  modulationMs?: number;
  modulationDepth?: number;
  /** weights (mV of drive per spike) at the soma, and the length constant of their fall-off (µm) */
  wExc?: number;
  wInh?: number;
  lambdaUm?: number;
  tauMMs?: number;
  tauExcMs?: number;
  tauInhMs?: number;
  vRest?: number;
  vThreshold?: number;
  vReset?: number;
  vPeak?: number;
  refractoryMs?: number;
  /** adaptive threshold jump per spike (mV) and its decay (ms) */
  thetaJump?: number;
  tauThetaMs?: number;
}

const DEFAULTS: Required<TeacherOptions> = {
  numSegments: 639,
  simDurationSec: 6,
  numSimulations: 128,
  seed: 0,
  morphologySeed: 0,
  neuron: "adaptive-lif",
  excRateHz: [1.5, 3.5],
  inhRateHz: [2, 6],
  modulationMs: 250,
  modulationDepth: 0.6,
  wExc: 6.5,
  wInh: 0.8,
  lambdaUm: 500,
  tauMMs: 20,
  tauExcMs: 3,
  tauInhMs: 6,
  vRest: -75,
  vThreshold: -52,
  vReset: -68,
  vPeak: 20,
  refractoryMs: 2,
  thetaJump: 3,
  tauThetaMs: 80,
};

export function resolveTeacherOptions(opts: TeacherOptions = {}): Required<TeacherOptions> {
  const o = { ...DEFAULTS, ...opts };
  const posInt = (k: keyof TeacherOptions) => {
    const v = o[k] as number;
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`teacher option ${k} must be a positive integer, got ${v}`);
  };
  posInt("numSegments"); posInt("simDurationSec"); posInt("numSimulations"); posInt("modulationMs");
  for (const k of ["tauMMs", "tauExcMs", "tauInhMs", "tauThetaMs", "lambdaUm"] as const) {
    if (!(o[k] > 0)) throw new RangeError(`teacher option ${k} must be positive, got ${o[k]}`);
  }
  for (const k of ["excRateHz", "inhRateHz"] as const) {
    const [lo, hi] = o[k];
    if (!(lo >= 0 && hi >= lo)) throw new RangeError(`teacher option ${k} must be [lo, hi] with 0 ≤ lo ≤ hi, got [${lo}, ${hi}]`);
  }
  if (!(o.modulationDepth >= 0 && o.modulationDepth < 1)) throw new RangeError(`modulationDepth must be in [0, 1), got ${o.modulationDepth}`);
  if (!(o.vThreshold > o.vReset)) throw new RangeError(`vThreshold (${o.vThreshold}) must be above vReset (${o.vReset})`);
  if (o.neuron !== "lif" && o.neuron !== "adaptive-lif") throw new RangeError(`neuron must be "lif" or "adaptive-lif", got ${String(o.neuron)}`);
  return o;
}

/** Poisson spike times (integer ms, distinct, sorted) at rate·gain(t) by thinning. */
function poissonTrain(rng: DataRng, rateHz: number, gain: Float64Array, gainMax: number, modulationMs: number, T: number): number[] {
  const out: number[] = [];
  const lam = (rateHz * gainMax) / 1000; // per ms
  if (lam <= 0) return out;
  let t = 0;
  let last = -1;
  for (;;) {
    let u = rng.uniform();
    while (u === 0) u = rng.uniform();
    t += -Math.log(u) / lam;
    if (t >= T) break;
    const ms = Math.floor(t);
    if (rng.uniform() * gainMax > gain[Math.floor(ms / modulationMs)]!) continue;
    if (ms !== last) { out.push(ms); last = ms; }
  }
  return out;
}

/** Simulate the teacher: the file's content in the NeuronIO schema. */
export function simulateTeacher(opts: TeacherOptions = {}): NeuronioFileContent {
  const o = resolveTeacherOptions(opts);
  const S = o.numSegments, T = o.simDurationSec * 1000;
  // morphology: segment types and distances (fixed by morphologySeed), basal then apical as in the data's ordering
  const morph = new DataRng(o.morphologySeed);
  const nBasal = Math.round(S * 0.41);
  const segmentType = Array.from({ length: S }, (_, i) => (i < nBasal ? "basal" : "apical"));
  const segmentDistFromSoma = Array.from({ length: S }, (_, i) => (i < nBasal ? 10 + 290 * morph.uniform() : 50 + 1150 * morph.uniform()));
  const rng = new DataRng(o.seed);
  const wE = segmentDistFromSoma.map((d) => o.wExc * Math.exp(-d / o.lambdaUm));
  const wI = segmentDistFromSoma.map((d) => o.wInh * Math.exp(-d / o.lambdaUm));
  const aM = Math.exp(-1 / o.tauMMs), aE = Math.exp(-1 / o.tauExcMs), aI = Math.exp(-1 / o.tauInhMs), aTh = Math.exp(-1 / o.tauThetaMs);
  const nBlocks = Math.ceil(T / o.modulationMs);
  const simulations: NeuronioSimulationRecord[] = [];
  for (let k = 0; k < o.numSimulations; k++) {
    const rExc = o.excRateHz[0] + (o.excRateHz[1] - o.excRateHz[0]) * rng.uniform();
    const rInh = o.inhRateHz[0] + (o.inhRateHz[1] - o.inhRateHz[0]) * rng.uniform();
    const gain = new Float64Array(nBlocks);
    for (let b = 0; b < nBlocks; b++) gain[b] = 1 - o.modulationDepth + 2 * o.modulationDepth * rng.uniform();
    const gMax = 1 + o.modulationDepth;
    const driveE = new Float64Array(T), driveI = new Float64Array(T);
    const exIn = new Map<number, number[]>(), inhIn = new Map<number, number[]>();
    for (let s = 0; s < S; s++) {
      const te = poissonTrain(rng, rExc, gain, gMax, o.modulationMs, T);
      const ti = poissonTrain(rng, rInh, gain, gMax, o.modulationMs, T);
      if (te.length) { exIn.set(s, te); for (const t of te) driveE[t]! += wE[s]!; }
      if (ti.length) { inhIn.set(s, ti); for (const t of ti) driveI[t]! += wI[s]!; }
    }
    const soma = new Float64Array(T);
    const spikes: number[] = [];
    let v = o.vRest, iE = 0, iI = 0, theta = o.vThreshold, refr = 0;
    for (let t = 0; t < T; t++) {
      iE = iE * aE + driveE[t]!;
      iI = iI * aI + driveI[t]!;
      if (o.neuron === "adaptive-lif") theta = o.vThreshold + (theta - o.vThreshold) * aTh;
      if (refr > 0) { refr--; v = o.vReset; soma[t] = v; continue; }
      v = o.vRest + (v - o.vRest) * aM + (iE - iI) * (1 - aM);
      if (v >= theta) {
        spikes.push(t + 0.5);
        soma[t] = o.vPeak;
        v = o.vReset;
        refr = o.refractoryMs;
        if (o.neuron === "adaptive-lif") theta += o.thetaJump;
      } else soma[t] = v;
    }
    simulations.push({ exInputSpikeTimes: exIn, inhInputSpikeTimes: inhIn, outputSpikeTimes: Float64Array.from(spikes), somaVoltageLowRes: soma });
  }
  return { segmentType, segmentDistFromSoma, totalSimDurationInSec: o.simDurationSec, simulations };
}

/** Simulate and write one NeuronIO-format file (`flavor` "py2" as the published files, or "py3"). */
export function generateTeacherFile(opts: TeacherOptions = {}, flavor: "py2" | "py3" = "py2"): Uint8Array {
  return writeNeuronioSimulations(simulateTeacher(opts), flavor);
}

/**
 * Write `files` teacher files into `dir` as `sim__teacher_seed<seed+i>.p` (the
 * authors collect NeuronIO files by the pattern "*sim__*"). File i draws its
 * inputs with seed `seed + i`; all share one neuron (morphologySeed).
 */
export async function writeTeacherFiles(
  dir: string, opts: TeacherOptions & { files?: number; flavor?: "py2" | "py3" } = {},
): Promise<string[]> {
  const { mkdir, writeFile } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const n = opts.files ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`files must be a positive integer, got ${n}`);
  const { files: _files, flavor, ...teacher } = opts;
  await mkdir(dir, { recursive: true });
  const base = teacher.seed ?? 0;
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = join(dir, `sim__teacher_seed${base + i}.p`);
    await writeFile(p, generateTeacherFile({ ...teacher, seed: base + i }, flavor ?? "py2"));
    paths.push(p);
  }
  return paths;
}
