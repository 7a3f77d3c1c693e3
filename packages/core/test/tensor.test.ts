import { describe, expect, it } from "vitest";
import {
  Tensor, zeros, ones, full, arange, randUniform, randNormal, Rng, reshape, slice, concat, transpose,
  add, matmul, mul, crossEntropy, where, CudaUnavailableError, DTypeError, ShapeError, DeviceError,
} from "../src/index.js";
import { cudaStatus } from "@elm/native";

describe("Tensor creation", () => {
  it("zeros/ones/full/arange with dtype and device", () => {
    expect(zeros([2, 3]).toArray()).toEqual([0, 0, 0, 0, 0, 0]);
    expect(zeros([2, 3]).dtype).toBe("float32");
    expect(ones([2], { dtype: "float64", device: "cpu" }).data).toBeInstanceOf(Float64Array);
    expect(ones([2], { device: "cpu" }).device).toBe("cpu");
    expect(full([2], 7, { dtype: "int32" }).toArray()).toEqual([7, 7]);
    expect(arange(4, { dtype: "int32" }).toArray()).toEqual([0, 1, 2, 3]);
    const t = Tensor.fromArray([1, 2, 3, 4, 5, 6], [2, 3], { dtype: "float64" });
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.ndim).toBe(2);
    expect(Tensor.fromArray([3], []).item()).toBe(3);
  });

  it("seeded uniform and normal are reproducible and have the right moments", () => {
    const a = randUniform([1000], new Rng(5), -2, 2, { dtype: "float64" });
    const b = randUniform([1000], new Rng(5), -2, 2, { dtype: "float64" });
    expect(a.toArray()).toEqual(b.toArray());
    expect(Math.min(...a.data)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...a.data)).toBeLessThan(2);
    const n = randNormal([20000], new Rng(6), 1, 2, { dtype: "float64" });
    const m = n.toArray().reduce((s, v) => s + v, 0) / n.size;
    const v = n.toArray().reduce((s, x) => s + (x - m) ** 2, 0) / n.size;
    expect(Math.abs(m - 1)).toBeLessThan(0.05);
    expect(Math.abs(Math.sqrt(v) - 2)).toBeLessThan(0.05);
  });

  it("rejects bad shapes, values and dtypes with clear errors", () => {
    expect(() => Tensor.fromArray([1, 2, 3], [2, 2])).toThrow(/3 values do not fill shape \[2,2\]/);
    expect(() => zeros([2, -1])).toThrow(ShapeError);
    expect(() => zeros([2], { dtype: "float16" as never })).toThrow(/float16/);
    expect(() => Tensor.fromArray([1.5], [1], { dtype: "int32" })).toThrow(/1.5 .* not an int32/);
    expect(() => zeros([2], { device: "tpu" as never })).toThrow(DeviceError);
    expect(() => Tensor.fromArray([1, 2], [2]).item()).toThrow(/one element/);
    expect(() => { zeros([2], { dtype: "int32" }).requiresGrad = true; }).toThrow(/float/);
    // more elements than one typed array holds: said so, not V8's "Invalid typed array length"
    expect(() => zeros([2 ** 20, 2 ** 20])).toThrow(/^cannot allocate a float32 tensor of 1099511627776 elements: one typed array holds at most 4294967296 \(2\^32\)$/);
  });
});

describe("cuda device", () => {
  const status = cudaStatus();
  it(status.available ? "creates and moves tensors to cuda" : "throws CudaUnavailableError naming the reason", () => {
    if (status.available) {
      const t = ones([2], { device: "cuda" });
      expect(t.device).toBe("cuda");
      expect(zeros([2]).to("cuda").device).toBe("cuda");
    } else {
      expect(() => zeros([2]).to("cuda")).toThrow(CudaUnavailableError);
      expect(() => zeros([2], { device: "cuda" })).toThrow(CudaUnavailableError);
      try {
        zeros([2]).to("cuda");
      } catch (e) {
        expect((e as CudaUnavailableError).reason).toBe(status.reason);
        expect((e as Error).message).toContain(status.reason!);
      }
    }
  });
});

describe("shape ops and values", () => {
  const x = Tensor.fromArray([0, 1, 2, 3, 4, 5], [2, 3]);
  it("reshape shares data, infers -1", () => {
    const r = reshape(x, [3, -1]);
    expect(r.shape).toEqual([3, 2]);
    expect(r.data).toBe(x.data);
    expect(() => reshape(x, [4, 2])).toThrow(/6 elements.*\[4,2\]/);
  });
  it("slice along batch and time, concat, transpose", () => {
    expect(slice(x, 1, 1, 3).toArray()).toEqual([1, 2, 4, 5]);
    expect(slice(x, 0, 1).toArray()).toEqual([3, 4, 5]);
    expect(concat([x, x], 0).shape).toEqual([4, 3]);
    expect(concat([x, slice(x, 1, 0, 1)], 1).toArray()).toEqual([0, 1, 2, 0, 3, 4, 5, 3]);
    expect(transpose(x).toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(() => slice(x, 1, 2, 5)).toThrow(/out of bounds for axis 1 of size 3/);
    expect(() => concat([x, zeros([3, 3])], 1)).toThrow(/shapes must match/);
  });
  it("matmul values", () => {
    const a = Tensor.fromArray([1, 2, 3, 4], [2, 2]);
    const b = Tensor.fromArray([5, 6, 7, 8], [2, 2]);
    expect(matmul(a, b).toArray()).toEqual([19, 22, 43, 50]);
    expect(matmul(a, b, { transA: true }).toArray()).toEqual([26, 30, 38, 44]);
    expect(matmul(a, b, { transB: true }).toArray()).toEqual([17, 23, 39, 53]);
  });
  it("crossEntropy value", () => {
    const z = Tensor.fromArray([0, 0, Math.log(2), 0], [2, 2], { dtype: "float64" });
    const t = Tensor.fromArray([0, 0], [2], { dtype: "int32" });
    // row 0: log 2; row 1: log 3 − log 2
    expect(crossEntropy(z, t).item()).toBeCloseTo((Math.log(2) + Math.log(3) - Math.log(2)) / 2, 12);
    expect(() => crossEntropy(z, Tensor.fromArray([0, 2], [2], { dtype: "int32" }))).toThrow(/target 2 at row 1 is out of range for 2 classes/);
    const m = Tensor.fromArray([1, 0], [2], { dtype: "float64" });
    expect(crossEntropy(z, Tensor.fromArray([0, -1], [2], { dtype: "int32" }), m).item()).toBeCloseTo(Math.log(2), 12);
  });
});

describe("operand errors name both operands", () => {
  const a = zeros([2, 3]);
  it("shapes", () => {
    expect(() => add(a, zeros([4]))).toThrow(/\[2,3\] and \[4\] do not broadcast/);
    expect(() => matmul(a, zeros([2, 3]))).toThrow(/inner dimensions differ.*shape=\[2,3\].*k=3.*shape=\[2,3\].*k=2/);
  });
  it("dtypes", () => {
    expect(() => mul(a, zeros([2, 3], { dtype: "float64" }))).toThrow(DTypeError);
    expect(() => mul(a, zeros([2, 3], { dtype: "float64" }))).toThrow(/dtype=float32.*dtype=float64/);
  });
  it("devices", () => {
    expect(() => add(a, zeros([2, 3], { device: "cpu" }))).toThrow(DeviceError);
    expect(() => add(a, zeros([2, 3], { device: "cpu" }))).toThrow(/device=ref.*device=cpu/);
    expect(() => where(zeros([2, 3], { device: "cpu" }), a, a)).toThrow(/different devices/);
  });
});
