// Metrics and losses against direct computations.
import { describe, expect, it } from "vitest";
import { Rng, Tensor } from "@elm/core";
import { accuracy, argmaxRows, bitsPerChar, rmse, rocAuc } from "../src/metrics.js";
import { lastStepCrossEntropy, neuronIoLoss, perStepCrossEntropy } from "../src/losses.js";

function aucByPairs(labels: number[], scores: number[]): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < labels.length; i++)
    for (let j = 0; j < labels.length; j++)
      if (labels[i] === 1 && labels[j] === 0) {
        n++;
        s += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
  return s / n;
}

describe("metrics", () => {
  it("ROC AUC equals the pairwise probability, ties counted half", () => {
    const rng = new Rng(5);
    const labels = Array.from({ length: 60 }, () => (rng.uniform() < 0.3 ? 1 : 0));
    const scores = labels.map((l) => Math.round((l * 0.8 + rng.normal()) * 4) / 4); // many ties
    expect(rocAuc(labels, scores)).toBeCloseTo(aucByPairs(labels, scores), 12);
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(() => rocAuc([1, 1], [0.2, 0.3])).toThrow(/both classes/);
  });
  it("accuracy, argmax, rmse, bpc", () => {
    expect([...argmaxRows([0, 2, 1, 5, 4, 3], 2, 3)]).toEqual([1, 0]);
    expect(accuracy([0, 2, 1, 5, 4, 3], [1, 2], 3)).toBe(0.5);
    expect(rmse([1, 2, 3], [1, 2, 5])).toBeCloseTo(Math.sqrt(4 / 3), 14);
    expect(bitsPerChar(Math.LN2)).toBe(1);
  });
});

describe("losses", () => {
  it("cross-entropy reads the last step only", () => {
    // [B=2, T=2, C=3]; step 0 is garbage that must not matter
    const out = Tensor.fromArray([9, -9, 9, 1, 2, 3, -9, 9, 9, 0, 0, 0], [2, 2, 3], { dtype: "float64" });
    const { loss } = lastStepCrossEntropy(out, Int32Array.from([2, 0]));
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expect(loss.item()).toBeCloseTo(((lse - 3) + Math.log(3)) / 2, 12);
  });
  it("per-step cross-entropy averages over B·T", () => {
    const out = Tensor.fromArray([0, 0, 0, 0, 0, 0, 0, 0], [1, 2, 4], { dtype: "float64" });
    expect(perStepCrossEntropy(out, Int32Array.from([1, 3])).item()).toBeCloseTo(Math.log(4), 12);
    expect(bitsPerChar(perStepCrossEntropy(out, Int32Array.from([1, 3])).item())).toBeCloseTo(2, 12);
  });
  it("NeuronIO: BCE(spike) + w·MSE(soma) after the burn-in", () => {
    // B=1, T=3, out channels (spike logit, soma); burn-in 1 drops t=0
    const out = Tensor.fromArray([100, 100, 0, 1, 2, -1], [1, 3, 2], { dtype: "float64" });
    const spike = Float64Array.from([0, 1, 0]);
    const soma = Float64Array.from([50, 0, 0]);
    const { loss } = neuronIoLoss(out, { spike, soma }, 1, 0.5);
    const sp = (z: number) => Math.log1p(Math.exp(z));
    const bce = (sp(0) - 0 * 1 + sp(2) - 0) / 2; // z=0,y=1: softplus(0)-0; z=2,y=0: softplus(2)
    const mseV = ((1 - 0) ** 2 + (-1 - 0) ** 2) / 2;
    expect(loss.item()).toBeCloseTo(bce + 0.5 * mseV, 12);
    expect(() => neuronIoLoss(out, { spike, soma }, 3, 1)).toThrow(/burn-in must be an integer in \[0, 3\), got 3/);
  });
});

describe("task accumulators", () => {
  it("NeuronIO: AUC over post-burn-in steps, soma RMSE, mean loss", async () => {
    const { NeuronIoAccumulator } = await import("../src/tasks/neuronio.js");
    const acc = new NeuronIoAccumulator({ burnIn: 1, somaWeight: 1 }, true);
    // B=1, T=4, channels (logit, soma); t=0 is burn-in (its logit would spoil the AUC)
    const out = Tensor.fromArray([9, 0, -1, 1, 2, 2, 0.5, 3], [1, 4, 2], { dtype: "float64" });
    const batch = { x: new Float32Array(4), shape: [1, 4, 1] as [number, number, number], ySpike: Float32Array.from([0, 0, 1, 0]), ySoma: Float32Array.from([0, 1, 2, 2]), burnIn: 1, windows: [] };
    acc.add(out, batch, 0.7);
    const r = acc.result();
    expect(r.loss).toBeCloseTo(0.7, 12);
    expect(r.metric).toBe(1); // scores after burn-in: -1 (no), 2 (spike), 0.5 (no)
    expect(r.extra!.somaRmseMv).toBeCloseTo(Math.sqrt((0 + 0 + 1) / 3) * 10, 10); // targets are scaled by 1/10
  });
  it("language modelling: bits per character from the mean per-step loss", async () => {
    const { BpcAccumulator } = await import("../src/tasks/language.js");
    const acc = new BpcAccumulator();
    const b = (n: number) => ({ x: new Int32Array(n), y: new Int32Array(n), shape: [1, n] as [number, number], tokens: n });
    acc.add(Tensor.fromArray([0], [1]), b(2), Math.LN2);
    acc.add(Tensor.fromArray([0], [1]), b(6), 3 * Math.LN2);
    expect(acc.result().metric).toBeCloseTo((2 * 1 + 6 * 3) / 8, 12);
  });
  it("language modelling: padded targets are not scored; bytes enter one-hot", async () => {
    const { textLoss, oneHotBytes } = await import("../src/tasks/language.js");
    // B=1, T=3, V=4: logits favour class 2 at every step; the last target is padding
    const out = Tensor.fromArray([0, 0, 3, 0, 0, 0, 3, 0, 9, -9, -9, -9], [1, 3, 4], { dtype: "float64" });
    const lse = Math.log(3 + Math.exp(3));
    const l = textLoss(out, { x: Int32Array.from([1, 2, 0]), y: Int32Array.from([2, 0, -1]), shape: [1, 3], tokens: 2 }).item();
    expect(l).toBeCloseTo(((lse - 3) + lse) / 2, 12);
    expect([...oneHotBytes(Int32Array.from([1, 3]), 1, 2, 4)]).toEqual([0, 1, 0, 0, 0, 0, 0, 1]);
    expect(() => oneHotBytes(Int32Array.from([7]), 1, 1, 4)).toThrow(/byte id 7/);
  });
});
