// NeuronIO evaluation as the ELM authors run it (src/neuronio/neuronio_eval_utils.py,
// after Beniaguev et al.'s evaluate_CNN_test.py) with sklearn's metrics:
// spike ROC AUC, TP rate at 0.25% / 1% false positives, AUC up to those FP
// rates, soma RMSE, MAE and explained variance (in %), on simulations with at
// most 24 output spikes, ignoring the first 500 ms.
import { argmin, interp, linspace, npMean, npStd, pairwiseSum } from "./numeric.js";
import { NEURONIO_SOMA_BIAS, NEURONIO_SOMA_THRESHOLD } from "./targets.js";
import { fillInputWindow, type NeuronioSimulations, type NeuronioSparseSimulations } from "./read.js";

type Num = ArrayLike<number>;

export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** Decreasing; thresholds[0] = Infinity (sklearn ≥ 1.3). */
  thresholds: Float64Array;
}

function checkBinary(yTrue: Num, yScore: Num, what: string): void {
  if (yTrue.length !== yScore.length) throw new RangeError(`${what}: ${yTrue.length} labels but ${yScore.length} scores`);
  if (yTrue.length === 0) throw new RangeError(`${what}: no samples`);
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i]!;
    if (y !== 0 && y !== 1) throw new RangeError(`${what}: labels must be 0 or 1, found ${y} at ${i}`);
    if (Number.isNaN(yScore[i]!)) throw new RangeError(`${what}: score at ${i} is NaN`);
  }
}

/**
 * sklearn.metrics.roc_curve(y_true, y_score) with drop_intermediate=True:
 * one point per distinct score (descending), collinear points dropped, (0, 0)
 * prepended. With no negatives (or no positives) fpr (or tpr) is NaN, as sklearn.
 */
export function rocCurve(yTrue: Num, yScore: Num, dropIntermediate = true): RocCurve {
  checkBinary(yTrue, yScore, "rocCurve");
  const n = yTrue.length;
  // descending score; ties broken arbitrarily (they collapse into one threshold)
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => yScore[b]! - yScore[a]!);
  const tpsAll: number[] = [];
  const fpsAll: number[] = [];
  const thrAll: number[] = [];
  let tp = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    tp += yTrue[i]!;
    if (k === n - 1 || yScore[order[k + 1]!] !== yScore[i]) {
      tpsAll.push(tp);
      fpsAll.push(k + 1 - tp);
      thrAll.push(yScore[i]!);
    }
  }
  let keep: number[] = tpsAll.map((_, i) => i);
  if (dropIntermediate && tpsAll.length > 2) {
    keep = [0];
    for (let i = 1; i < tpsAll.length - 1; i++) {
      const d2f = fpsAll[i + 1]! - 2 * fpsAll[i]! + fpsAll[i - 1]!;
      const d2t = tpsAll[i + 1]! - 2 * tpsAll[i]! + tpsAll[i - 1]!;
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    keep.push(tpsAll.length - 1);
  }
  const m = keep.length + 1;
  const fpr = new Float64Array(m), tpr = new Float64Array(m), thresholds = new Float64Array(m);
  thresholds[0] = Infinity;
  const P = tpsAll[tpsAll.length - 1]!, N = fpsAll[fpsAll.length - 1]!;
  keep.forEach((i, j) => {
    fpr[j + 1] = N > 0 ? fpsAll[i]! / N : NaN;
    tpr[j + 1] = P > 0 ? tpsAll[i]! / P : NaN;
    thresholds[j + 1] = thrAll[i]!;
  });
  if (N <= 0) fpr[0] = NaN;
  if (P <= 0) tpr[0] = NaN;
  return { fpr, tpr, thresholds };
}

/** sklearn.metrics.auc(x, y): trapezoidal area, x monotonic (either direction). */
export function auc(x: Num, y: Num): number {
  if (x.length !== y.length || x.length < 2) throw new RangeError(`auc needs at least 2 points and equal lengths, got ${x.length}, ${y.length}`);
  let dir = 1;
  let anyNeg = false, allNonPos = true;
  for (let i = 1; i < x.length; i++) {
    const d = x[i]! - x[i - 1]!;
    if (d < 0) anyNeg = true;
    if (d > 0) allNonPos = false;
  }
  if (anyNeg) {
    if (allNonPos) dir = -1;
    else throw new RangeError("auc: x is neither increasing nor decreasing");
  }
  const terms = new Float64Array(x.length - 1);
  for (let i = 1; i < x.length; i++) terms[i - 1] = ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return dir * pairwiseSum(terms);
}

/**
 * ROC AUC by ranks (Mann–Whitney U with mid-ranks for ties): the probability
 * that a random positive scores above a random negative, ties counting ½.
 * Equal to auc(rocCurve(·)) up to rounding; NaN without both classes.
 */
export function rocAucRank(yTrue: Num, yScore: Num): number {
  checkBinary(yTrue, yScore, "rocAucRank");
  const n = yTrue.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => yScore[a]! - yScore[b]!);
  let rankSumPos = 0;
  let nPos = 0;
  for (let k = 0; k < n; ) {
    let e = k;
    while (e + 1 < n && yScore[order[e + 1]!] === yScore[order[k]!]) e++;
    const midRank = (k + 1 + (e + 1)) / 2; // ranks are 1-based
    for (let q = k; q <= e; q++) if (yTrue[order[q]!] === 1) { rankSumPos += midRank; nPos++; }
    k = e + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** calc_TP_at_desired_FP: tpr at the ROC point whose fpr is closest to the target (index ≥ 1). */
export function tpAtFp(yTrue: Num, yScore: Num, desiredFp = 0.0025): number {
  return tpAtFpOfCurve(rocCurve(yTrue, yScore), desiredFp);
}

/** tpAtFp on a computed ROC curve. */
export function tpAtFpOfCurve({ fpr, tpr }: RocCurve, desiredFp: number): number {
  const d = fpr.map((f) => Math.abs(f - desiredFp));
  let i = argmin(d);
  if (i === 0) i = 1;
  return tpr[i]!;
}

/** calc_AUC_at_desired_FP: mean TPR over a 20000-point FPR grid from 0 up to (not including) the target. */
export function aucAtFp(yTrue: Num, yScore: Num, desiredFp = 0.01): number {
  return aucAtFpOfCurve(rocCurve(yTrue, yScore), desiredFp);
}

/** aucAtFp on a computed ROC curve. */
export function aucAtFpOfCurve({ fpr, tpr }: RocCurve, desiredFp: number): number {
  const grid = linspace(0, 1, 20000);
  const tprGrid = interp(grid, fpr, tpr);
  const d = grid.map((g) => Math.abs(g - desiredFp));
  const ind = Math.min(Math.max(1, argmin(d)), tprGrid.length - 1);
  return npMean(tprGrid.subarray(0, ind));
}

function checkPair(a: Num, b: Num, what: string): void {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`${what}: need two non-empty arrays of equal length, got ${a.length} and ${b.length}`);
}

/** sqrt(sklearn mean_squared_error) */
export function rmse(yTrue: Num, yPred: Num): number {
  checkPair(yTrue, yPred, "rmse");
  const d = new Float64Array(yTrue.length);
  for (let i = 0; i < d.length; i++) { const e = yTrue[i]! - yPred[i]!; d[i] = e * e; }
  return Math.sqrt(npMean(d));
}

/** sklearn mean_absolute_error */
export function mae(yTrue: Num, yPred: Num): number {
  checkPair(yTrue, yPred, "mae");
  const d = new Float64Array(yTrue.length);
  for (let i = 0; i < d.length; i++) d[i] = Math.abs(yPred[i]! - yTrue[i]!);
  return npMean(d);
}

/** sklearn explained_variance_score (force_finite): 1 − Var(y − ŷ)/Var(y); 1 or 0 when Var(y) = 0. */
export function explainedVariance(yTrue: Num, yPred: Num): number {
  checkPair(yTrue, yPred, "explainedVariance");
  const n = yTrue.length;
  const diff = new Float64Array(n);
  for (let i = 0; i < n; i++) diff[i] = yTrue[i]! - yPred[i]!;
  const diffAvg = npMean(diff);
  const num = new Float64Array(n);
  for (let i = 0; i < n; i++) { const e = diff[i]! - diffAvg; num[i] = e * e; }
  const yAvg = npMean(yTrue);
  const den = new Float64Array(n);
  for (let i = 0; i < n; i++) { const e = yTrue[i]! - yAvg; den[i] = e * e; }
  const numerator = npMean(num), denominator = npMean(den);
  if (denominator !== 0) return 1 - numerator / denominator;
  return numerator === 0 ? 1 : 0;
}

export interface NeuronioCoreResults {
  /** "TP @ 0.0025 FP", "AUC @ 0.0025 FP", … for each desired FP rate */
  [key: string]: number;
  AUC: number;
  soma_explained_variance_percent: number;
  soma_RMSE: number;
  soma_MAE: number;
}

/** extract_core_results on flat (raveled) arrays. */
export function extractCoreResults(
  ySpikesGT: Num, ySpikesHat: Num, ySomaGT: Num, ySomaHat: Num, desiredFpList: readonly number[] = [0.0025, 0.01],
): NeuronioCoreResults {
  const res: Record<string, number> = {};
  const curve = rocCurve(ySpikesGT, ySpikesHat); // one curve for every spike metric
  for (const fp of desiredFpList) {
    res[`TP @ ${fp.toFixed(4)} FP`] = tpAtFpOfCurve(curve, fp);
    res[`AUC @ ${fp.toFixed(4)} FP`] = aucAtFpOfCurve(curve, fp);
  }
  res.AUC = auc(curve.fpr, curve.tpr);
  res.soma_explained_variance_percent = 100 * explainedVariance(ySomaGT, ySomaHat);
  res.soma_RMSE = rmse(ySomaGT, ySomaHat);
  res.soma_MAE = mae(ySomaGT, ySomaHat);
  return res as NeuronioCoreResults;
}

/** Per-simulation arrays, [sims, T] row-major (the authors' (num_simulations, num_time_points)). */
export interface NeuronioPredictions {
  sims: number;
  T: number;
  ySpikesGT: Float64Array;
  ySpikesHat: Float64Array;
  ySomaGT: Float64Array;
  ySomaHat: Float64Array;
}

export interface FilterOptions {
  desiredFpList?: readonly number[];
  ignoreTimeAtStartMs?: number;
  /** keep simulations whose output spike count is within [lo, hi] */
  numSpikesPerSim?: readonly [number, number];
}

/** filter_and_extract_core_results: drop simulations outside the spike-count range and the first ms, then score. */
export function filterAndExtractCoreResults(p: NeuronioPredictions, opts: FilterOptions = {}): NeuronioCoreResults & { fractionSimulationsKept: number } {
  const ignore = opts.ignoreTimeAtStartMs ?? 500;
  const [lo, hi] = opts.numSpikesPerSim ?? [0, 24];
  const { sims, T } = p;
  for (const k of ["ySpikesGT", "ySpikesHat", "ySomaGT", "ySomaHat"] as const) {
    if (p[k].length !== sims * T) throw new RangeError(`${k} has ${p[k].length} values, expected sims·T = ${sims}·${T}`);
  }
  if (!Number.isInteger(ignore) || ignore < 0 || ignore >= T) throw new RangeError(`ignoreTimeAtStartMs ${ignore} must be in [0, T=${T})`);
  const kept: number[] = [];
  for (let s = 0; s < sims; s++) {
    let c = 0;
    for (let t = 0; t < T; t++) c += p.ySpikesGT[s * T + t]!;
    if (c >= lo && c <= hi) kept.push(s);
  }
  if (kept.length === 0) throw new RangeError(`no simulation has between ${lo} and ${hi} output spikes`);
  const L = T - ignore;
  const take = (a: Float64Array): Float64Array => {
    const out = new Float64Array(kept.length * L);
    kept.forEach((s, j) => out.set(a.subarray(s * T + ignore, (s + 1) * T), j * L));
    return out;
  };
  const r = extractCoreResults(take(p.ySpikesGT), take(p.ySpikesHat), take(p.ySomaGT), take(p.ySomaHat), opts.desiredFpList ?? [0.0025, 0.01]);
  return { ...r, fractionSimulationsKept: kept.length / sims };
}

/**
 * A model in the authors' neuronio_eval_forward convention: input
 * [B, W, 1278] (synapse-typed spikes ±1/0), output [B, W, 2] = (spike
 * probability, soma in mV relative to the bias, i.e. raw × 10).
 */
export type NeuronioEvalForward = (x: Float32Array, shape: [number, number, number]) => Float32Array | Float64Array;

export interface TestPredictionOptions {
  burnInTime: number;
  inputWindowSize: number;
  vThreshold?: number;
  ySomaBias?: number;
}

/**
 * compute_test_predictions: run the model over each simulation in windows of
 * `inputWindowSize` advancing by `inputWindowSize − burnInTime`, keeping every
 * window's output after its burn-in (all of the first), then z-score-align the
 * soma prediction to the target (as the authors do "for comparability").
 * `data` is either reader's result (dense X [2S, T, sims] or sparse events); ySpike/ySoma are [T, sims].
 */
export function computeTestPredictions(
  data: NeuronioSimulations | NeuronioSparseSimulations,
  forward: NeuronioEvalForward,
  opts: TestPredictionOptions,
): NeuronioPredictions {
  const { burnInTime: burn, inputWindowSize: W } = opts;
  const vth = opts.vThreshold ?? NEURONIO_SOMA_THRESHOLD;
  const bias = opts.ySomaBias ?? NEURONIO_SOMA_BIAS;
  const sims = data.numSimulations, T = data.simDurationMs, C = 2 * data.numSegments;
  if (!Number.isInteger(W) || W < 1) throw new RangeError(`inputWindowSize must be a positive integer, got ${W}`);
  if (!Number.isInteger(burn) || burn < 0 || burn >= W) throw new RangeError(`burnInTime must be an integer in [0, inputWindowSize), got ${burn}`);
  const ySpikesGT = new Float64Array(sims * T), ySomaGT = new Float64Array(sims * T);
  for (let s = 0; s < sims; s++) {
    for (let t = 0; t < T; t++) {
      ySpikesGT[s * T + t] = data.ySpike[t * sims + s]!;
      const v = data.ySoma[t * sims + s]!;
      ySomaGT[s * T + t] = (v > vth ? vth : v) - bias; // no scale for evaluation
    }
  }
  const ySpikesHat = new Float64Array(sims * T), ySomaHat = new Float64Array(sims * T);
  const step = W - burn;
  const numSplits = Math.trunc(2 + (T - W) / step);
  const x = new Float32Array(sims * W * C);
  for (let k = 0; k < numSplits; k++) {
    const start = k * step;
    x.fill(0);
    // synapse types: exc +1, inh −1; zero padding past the end
    for (let s = 0; s < sims; s++) fillInputWindow(data, s, start, W, x, s * W * C);
    const out = forward(x, [sims, W, C]);
    if (out.length !== sims * W * 2) throw new RangeError(`the model returned ${out.length} values, expected [${sims}, ${W}, 2]`);
    // which window steps land where
    let from: number, to: number, src0: number;
    if (k === 0) { from = 0; to = Math.min(W, T); src0 = 0; }
    else if (k === numSplits - 1) { from = start + burn; to = T; src0 = burn; }
    else { from = start + burn; to = Math.min(start + W, T); src0 = burn; }
    for (let s = 0; s < sims; s++) {
      for (let t = from; t < to; t++) {
        const w = src0 + (t - from);
        if (w >= W) break;
        ySpikesHat[s * T + t] = out[(s * W + w) * 2]!;
        ySomaHat[s * T + t] = out[(s * W + w) * 2 + 1]!;
      }
    }
  }
  const sDst = npStd(ySomaGT), mDst = npMean(ySomaGT);
  const sSrc = npStd(ySomaHat), mSrc = npMean(ySomaHat);
  for (let i = 0; i < ySomaHat.length; i++) ySomaHat[i] = sDst * ((ySomaHat[i]! - mSrc) / sSrc) + mDst;
  return { sims, T, ySpikesGT, ySpikesHat, ySomaGT, ySomaHat };
}
