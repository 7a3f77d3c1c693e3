import { describe, expect, it } from "vitest";
import { readSharedFixture } from "@elm/core/testing";
import {
  auc, aucAtFp, computeTestPredictions, explainedVariance, extractCoreResults, filterAndExtractCoreResults, mae, rmse,
  rocAucRank, rocCurve, tpAtFp,
} from "../../src/neuronio/eval.js";
import { interp, linspace, npMean, npStd, pairwiseSum } from "../../src/neuronio/numeric.js";
import { readNeuronioSimulations } from "../../src/neuronio/read.js";
import { DataRng } from "../../src/rng.js";

describe("ROC and AUC (sklearn roc_curve / auc, rank-based AUC with ties)", () => {
  it("the sklearn docstring example: fpr, tpr, thresholds and AUC 0.75 by both methods", () => {
    const y = [0, 0, 1, 1], s = [0.1, 0.4, 0.35, 0.8];
    const r = rocCurve(y, s);
    expect(Array.from(r.fpr)).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(Array.from(r.tpr)).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(Array.from(r.thresholds)).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1]);
    expect(auc(r.fpr, r.tpr)).toBe(0.75);
    expect(rocAucRank(y, s)).toBe(0.75); // pairs (pos > neg): 0.35>0.1, 0.8>0.1, 0.8>0.4 → 3 of 4
  });

  it("ties count one half: pos {0.5, 0.9}, neg {0.5, 0.5} → (2 + 2·½)/4 = 0.75; all tied → 0.5", () => {
    const y = [0, 1, 0, 1], s = [0.5, 0.5, 0.5, 0.9];
    expect(rocAucRank(y, s)).toBe(0.75);
    const r = rocCurve(y, s);
    expect(Array.from(r.fpr)).toEqual([0, 0, 1]);
    expect(Array.from(r.tpr)).toEqual([0, 0.5, 1]);
    expect(auc(r.fpr, r.tpr)).toBe(0.75);
    expect(rocAucRank([1, 0, 1, 0, 0], [3, 3, 3, 3, 3])).toBe(0.5);
    const r2 = rocCurve([1, 0, 1, 0, 0], [3, 3, 3, 3, 3]);
    expect(auc(r2.fpr, r2.tpr)).toBe(0.5);
    // 3 positives, 2 negatives with a tie across classes: pos {1, 2, 2}, neg {2, 0}
    // pairs: (1>0), (1<2), (2=2 → ½), (2>0), (2=2 → ½), (2>0) → 4/6
    expect(rocAucRank([1, 1, 1, 0, 0], [1, 2, 2, 2, 0])).toBeCloseTo(4 / 6, 15);
    const r3 = rocCurve([1, 1, 1, 0, 0], [1, 2, 2, 2, 0]);
    expect(auc(r3.fpr, r3.tpr)).toBeCloseTo(4 / 6, 15);
  });

  it("drops collinear points as drop_intermediate does", () => {
    const r = rocCurve([1, 1, 1, 0, 0, 0], [6, 5, 4, 3, 2, 1]);
    expect(Array.from(r.fpr)).toEqual([0, 0, 0, 1]);
    expect(Array.from(r.tpr)).toEqual([0, 1 / 3, 1, 1]);
    expect(Array.from(r.thresholds)).toEqual([Infinity, 6, 4, 1]);
    expect(rocCurve([1, 1, 1, 0, 0, 0], [6, 5, 4, 3, 2, 1], false).fpr.length).toBe(7);
  });

  it("rank AUC equals the trapezoid AUC on random data with many ties", () => {
    const rng = new DataRng(3);
    const n = 5000;
    const y = Array.from({ length: n }, () => (rng.uniform() < 0.1 ? 1 : 0));
    const s = y.map((v) => Math.round((rng.normal() + 1.5 * v) * 4) / 4);
    const r = rocCurve(y, s);
    expect(Math.abs(auc(r.fpr, r.tpr) - rocAucRank(y, s))).toBeLessThan(1e-12);
  });

  it("one class only gives NaN (sklearn warns and returns nan); bad labels are refused", () => {
    expect(rocAucRank([1, 1], [0.2, 0.3])).toBeNaN();
    expect(Number.isNaN(rocCurve([1, 1], [0.2, 0.3]).fpr[1]!)).toBe(true);
    expect(() => rocCurve([0, 2], [0.1, 0.2])).toThrow(/labels must be 0 or 1, found 2 at 1/);
    expect(() => rocCurve([0, 1], [0.1])).toThrow(/2 labels but 1 scores/);
  });

  it("TP at a desired FP rate (the ROC point nearest the rate, never index 0)", () => {
    const y = [0, 0, 1, 1], s = [0.1, 0.4, 0.35, 0.8];
    expect(tpAtFp(y, s, 0.0025)).toBe(0.5); // nearest is index 0 → moved to 1
    expect(tpAtFp(y, s, 0.5)).toBe(0.5); // first fpr = 0.5 is index 2
    expect(tpAtFp(y, s, 0.9)).toBe(1);
  });

  it("AUC up to a desired FP rate: mean TPR on the 20000-point grid below it", () => {
    // sklearn curve above: TPR = 0.5 on (0, 0.5) and at 0 (np.interp takes the last of the repeated fpr = 0)
    expect(aucAtFp([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.01)).toBe(0.5);
    // chance diagonal: TPR(g) = g, grid g_i = i/19999, rate 0.01 → i < 200: mean = 99.5/19999
    expect(aucAtFp([1, 0], [0.5, 0.5], 0.01)).toBeCloseTo(99.5 / 19999, 16);
  });

  it("soma RMSE, MAE and explained variance (hand-computed)", () => {
    const t = [1, 2, 3, 4], p = [1, 2, 3, 5];
    expect(rmse(t, p)).toBe(0.5);
    expect(mae(t, p)).toBe(0.25);
    expect(explainedVariance(t, p)).toBeCloseTo(0.85, 15); // 1 − 0.1875/1.25
    expect(explainedVariance([2, 2], [2, 2])).toBe(1);
    expect(explainedVariance([2, 2], [1, 2])).toBe(0);
    expect(explainedVariance([1, 2, 3], [2, 3, 4])).toBe(1); // a constant offset is "explained"
  });

  it("numpy primitives: pairwise summation, linspace, interp with repeated xp, std", () => {
    expect(pairwiseSum([2 ** 53, 1, 1, 1, 1, 1, 1, 1, 1]) - 2 ** 53).toBe(8); // numpy's blocked sum, not 0 as a running sum gives
    const g = linspace(0, 1, 5);
    expect(Array.from(g)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(interp([0, 0.25, 0.5, 1, 2, -1], [0, 0, 0.5, 0.5, 1], [0, 0.5, 0.5, 1, 1]))).toEqual([0.5, 0.5, 1, 1, 1, 0]);
    expect(npStd([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(1.25), 15);
  });
});

describe("NeuronIO evaluation pipeline (compute_test_predictions + filter_and_extract_core_results)", () => {
  const sim = readNeuronioSimulations(readSharedFixture("neuronio", "sim__small_2x1000ms.p"));

  it("stitches windows (burn-in dropped) so a stateless model's outputs land at their own times", () => {
    const W = 300, burn = 100;
    let calls = 0;
    // spike prob = number of active excitatory inputs / 10; soma = − number of active inhibitory inputs
    const forward = (x: Float32Array, [B, Wn, C]: [number, number, number]) => {
      calls++;
      const out = new Float64Array(B * Wn * 2);
      for (let i = 0; i < B * Wn; i++) {
        let e = 0, h = 0;
        for (let c = 0; c < C; c++) { const v = x[i * C + c]!; if (v > 0) e++; else if (v < 0) h++; }
        out[i * 2] = Math.min(1, e / 10);
        out[i * 2 + 1] = -h;
      }
      return out;
    };
    const p = computeTestPredictions(sim, forward, { burnInTime: burn, inputWindowSize: W });
    expect(calls).toBe(Math.trunc(2 + (1000 - W) / (W - burn))); // 5 windows
    const T = 1000, S = 639;
    const inh = new Float64Array(2 * T);
    for (let s = 0; s < 2; s++) {
      for (let t = 0; t < T; t++) {
        let e = 0, h = 0;
        for (let c = 0; c < 2 * S; c++) if (sim.X[(c * T + t) * 2 + s]) (c < S ? e++ : h++);
        expect(p.ySpikesHat[s * T + t]).toBe(Math.min(1, e / 10));
        inh[s * T + t] = -h;
        expect(p.ySpikesGT[s * T + t]).toBe(sim.ySpike[t * 2 + s]);
        expect(p.ySomaGT[s * T + t]).toBeCloseTo(Math.min(sim.ySoma[t * 2 + s]!, -55) + 67.7, 12);
      }
    }
    // soma prediction z-scored onto the target: a linear map of −h with the target's std
    expect(npStd(p.ySomaHat)).toBeCloseTo(npStd(p.ySomaGT), 10);
    const z = (a: Float64Array) => { const m = npMean(a), sd = npStd(a); return a.map((v) => (v - m) / sd); };
    const zh = z(p.ySomaHat), zi = z(inh);
    expect(npStd(inh)).toBeGreaterThan(0);
    for (let i = 0; i < zh.length; i++) expect(Math.abs(zh[i]! - zi[i]!)).toBeLessThan(1e-9);

    const res = filterAndExtractCoreResults(p, { ignoreTimeAtStartMs: 500 });
    expect(res.fractionSimulationsKept).toBe(1);
    expect(Object.keys(res).sort()).toEqual(
      ["AUC", "AUC @ 0.0025 FP", "AUC @ 0.0100 FP", "TP @ 0.0025 FP", "TP @ 0.0100 FP", "fractionSimulationsKept", "soma_MAE", "soma_RMSE", "soma_explained_variance_percent"].sort(),
    );
    // the same numbers straight from extractCoreResults on the kept, trimmed arrays
    const trim = (a: Float64Array) => Float64Array.from([...a.subarray(500, 1000), ...a.subarray(1500, 2000)]);
    const direct = extractCoreResults(trim(p.ySpikesGT), trim(p.ySpikesHat), trim(p.ySomaGT), trim(p.ySomaHat));
    expect(res.AUC).toBe(direct.AUC);
    expect(res.soma_RMSE).toBe(direct.soma_RMSE);
    expect(Math.abs(res.AUC - rocAucRank(trim(p.ySpikesGT), trim(p.ySpikesHat)))).toBeLessThan(1e-12);
  });

  it("a perfect predictor scores AUC 1, TP 1, RMSE 0, 100% explained variance", () => {
    const T = 1000;
    const p = computeTestPredictions(sim, (x, [B, W]) => new Float64Array(B * W * 2), { burnInTime: 150, inputWindowSize: 500 });
    p.ySpikesHat.set(p.ySpikesGT);
    p.ySomaHat.set(p.ySomaGT);
    const r = filterAndExtractCoreResults(p);
    expect([r.AUC, r["TP @ 0.0025 FP"], r["TP @ 0.0100 FP"], r.soma_RMSE, r.soma_MAE, r.soma_explained_variance_percent]).toEqual([1, 1, 1, 0, 0, 100]);
    expect(T).toBe(sim.simDurationMs);
    expect(() => filterAndExtractCoreResults(p, { numSpikesPerSim: [50, 60] })).toThrow(/no simulation has between 50 and 60/);
  });
});
