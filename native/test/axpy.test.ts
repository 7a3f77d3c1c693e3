import { describe, expect, it } from "vitest";
import { cpu, cudaStatus, cuda, CudaUnavailableError } from "../lib/index.js";

function axpyRef(a: number, x: ArrayLike<number>, y: ArrayLike<number>): number[] {
  return Array.from(y, (v, i) => a * x[i] + v);
}

function seeded(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

describe("native axpy (end-to-end proof of the addon path)", () => {
  // The addon is built with -march=native, so a·x + y may be one fused
  // multiply-add: equal to the loop within one rounding, not bit for bit.
  it("matches a TypeScript loop in float64 to one rounding", () => {
    const n = 200_003; // above the threading grain: exercises the pool
    const x = Float64Array.from(seeded(n, 1));
    const y = Float64Array.from(seeded(n, 2));
    const y0 = Float64Array.from(y);
    const want = axpyRef(1.7, x, y);
    cpu.axpy(1.7, x, y);
    for (let i = 0; i < n; i++) {
      // one rounding of the product (which the FMA skips), relative to the operands
      const tol = Number.EPSILON * (Math.abs(1.7 * x[i]) + Math.abs(y0[i]));
      if (!(Math.abs(y[i] - want[i]) <= tol)) {
        expect.fail(`y[${i}] = ${y[i]}, expected ${want[i]}`);
      }
    }
  });

  it("matches in float32 to rounding", () => {
    const x = Float32Array.from(seeded(1000, 3));
    const y = Float32Array.from(seeded(1000, 4));
    const want = axpyRef(-0.25, x, y);
    cpu.axpy(-0.25, x, y);
    y.forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
  });

  it("refuses mismatched lengths and dtypes with a message naming them", () => {
    expect(() => cpu.axpy(1, new Float64Array(3), new Float64Array(4))).toThrow(/'y' has length 4, expected 3/);
    expect(() => cpu.axpy(1, new Float64Array(3), new Float32Array(3) as never)).toThrow(/'y' must be a Float64Array, got Float32Array/);
    expect(() => cpu.axpy("a" as never, new Float64Array(3), new Float64Array(3))).toThrow(/'a' must be a number/);
  });

  it("reports build info", () => {
    const info = cpu.buildInfo();
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.compiler).toMatch(/gcc|clang/);
  });
});

describe("CUDA loader", () => {
  it("reports availability without throwing, and cuda() fails with the reason when unavailable", () => {
    const s = cudaStatus();
    expect(typeof s.available).toBe("boolean");
    if (!s.available) {
      expect(s.reason).toMatch(/\w/);
      expect(() => cuda()).toThrow(CudaUnavailableError);
      expect(() => cuda()).toThrow(s.reason!);
    } else {
      const x = Float64Array.from(seeded(5000, 5));
      const y = Float64Array.from(seeded(5000, 6));
      const want = axpyRef(3, x, y);
      cuda().axpy(3, x, y);
      y.forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
    }
  });
});
