import { describe, expect, it } from "vitest";
import * as ops from "../src/index.js";
import { Tensor, Rng, dropout, ones, where, clamp, gather, indexSelect, embedding, softmax, sum, max, mean, bceWithLogits, mse, crossEntropy, argmax } from "../src/index.js";

const f64 = (v: number[], shape: number[]) => Tensor.fromArray(v, shape, { dtype: "float64" });
const i32 = (v: number[], shape: number[]) => Tensor.fromArray(v, shape, { dtype: "int32" });

describe("ops: values and semantics", () => {
  it("dropout: identity in eval, seeded inverted scaling in train", () => {
    const x = ones([10000], { dtype: "float64" });
    expect(dropout(x, 0.5, new Rng(1), false)).toBe(x);
    const a = dropout(x, 0.25, new Rng(1).fork("dropout"), true);
    const b = dropout(x, 0.25, new Rng(1).fork("dropout"), true);
    expect(a.toArray()).toEqual(b.toArray());
    const kept = a.toArray().filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([1 / 0.75]));
    expect(Math.abs(kept.length / 10000 - 0.75)).toBeLessThan(0.02);
    expect(() => dropout(x, 1, new Rng(1), true)).toThrow(/p must be in \[0, 1\)/);
  });
  it("where, clamp, gather, indexSelect, embedding", () => {
    expect(where(i32([1, 0, 2], [3]), f64([1, 2, 3], [3]), f64([9], [1])).toArray()).toEqual([1, 9, 3]);
    expect(clamp(f64([-2, 0.5, 3], [3]), -1, 1).toArray()).toEqual([-1, 0.5, 1]);
    const x = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(gather(x, 1, i32([2, 0, 1, 1], [2, 2])).toArray()).toEqual([3, 1, 5, 5]);
    expect(indexSelect(x, 0, i32([1, 1, 0], [3])).toArray()).toEqual([4, 5, 6, 4, 5, 6, 1, 2, 3]);
    expect(embedding(x, i32([1, 0], [2, 1])).shape).toEqual([2, 1, 3]);
    expect(() => gather(x, 1, i32([3, 0, 1, 1], [2, 2]))).toThrow(/index 3 at position 0 is out of range for axis 1 of size 3/);
    expect(() => indexSelect(x, 0, f64([0], [1]))).toThrow(/idx must be an int32 tensor/);
    // plain Int32Array indices and targets are accepted too
    expect(embedding(x, Int32Array.from([1])).toArray()).toEqual([4, 5, 6]);
    expect(crossEntropy(x, Int32Array.from([2, 2])).item()).toBeCloseTo(crossEntropy(x, i32([2, 2], [2])).item(), 14);
  });
  it("reductions and softmax", () => {
    const x = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(sum(x, 0).toArray()).toEqual([5, 7, 9]);
    expect(sum(x, 1, true).shape).toEqual([2, 1]);
    expect(max(x, -1).toArray()).toEqual([3, 6]);
    expect(mean(x).item()).toBe(3.5);
    expect(argmax(f64([1, 5, 5, 9, 0, 2], [2, 3]), 1).toArray()).toEqual([1, 0]);
    expect(argmax(f64([1, 5, 5, 9, 0, 2], [2, 3]), 0, true).shape).toEqual([1, 3]);
    expect(argmax(f64([1, 5, 5, 9, 0, 2], [2, 3]), 0).dtype).toBe("int32");
    const s = softmax(x, 1).toArray();
    expect(s[0] + s[1] + s[2]).toBeCloseTo(1, 14);
    expect(softmax(f64([1000, 0], [2])).toArray()).toEqual([1, 0]);
  });
  it("losses: bce and mse values, empty masks refused", () => {
    const z = f64([0, 100, -100], [3]);
    const y = f64([1, 1, 0], [3]);
    expect(bceWithLogits(z, y).item()).toBeCloseTo(Math.log(2) / 3, 12);
    expect(mse(f64([1, 2], [2]), f64([0, 0], [2]), f64([0, 1], [2])).item()).toBe(4);
    expect(() => mse(f64([1], [1]), f64([0], [1]), f64([0], [1]))).toThrow(/mask selects no elements/);
  });
});

describe("empty tensors", () => {
  for (const device of ["ref", "cpu"] as const) {
    it(`matmul, slice and sum handle zero-size dimensions on ${device}`, () => {
      const { matmul, slice, sum } = ops;
      const zeros = (s: number[]) => ops.zeros(s, { device });
      expect(matmul(zeros([2, 0, 3]), zeros([3, 4])).shape).toEqual([2, 0, 4]);
      expect(matmul(zeros([2, 0]), zeros([0, 3])).toArray()).toEqual([0, 0, 0, 0, 0, 0]);
      expect(slice(zeros([2, 3]), 1, 1, 1).shape).toEqual([2, 0]);
      expect(sum(zeros([0, 3]), 0).toArray()).toEqual([0, 0, 0]);
    });
  }
});
