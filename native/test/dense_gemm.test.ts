import { describe, expect, it } from "vitest";
import { dense } from "../lib/index.js";

function seeded(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

/** Float64 triple loop: C[t] = op(A_t)·op(B_t). */
function refGemm(a: ArrayLike<number>, b: ArrayLike<number>, batch: number, m: number, n: number, k: number, offA: number[], offB: number[], ta: boolean, tb: boolean): Float64Array {
  const c = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let l = 0; l < k; l++) {
          const av = ta ? a[offA[t] + l * m + i] : a[offA[t] + i * k + l];
          const bv = tb ? b[offB[t] + j * k + l] : b[offB[t] + l * n + j];
          s += av * bv;
        }
        c[t * m * n + i * n + j] = s;
      }
  return c;
}

function check(dtype: "f32" | "f64", batch: number, m: number, n: number, k: number, ta: boolean, tb: boolean, shareB = false) {
  const A = dtype === "f64" ? Float64Array : Float32Array;
  const nbB = shareB ? 1 : batch;
  const a = A.from(seeded(batch * m * k, m * 7 + k));
  const b = A.from(seeded(nbB * k * n, n * 11 + k));
  const offA = Array.from({ length: batch }, (_, t) => t * m * k);
  const offB = Array.from({ length: batch }, (_, t) => (shareB ? 0 : t * k * n));
  const c = new A(batch * m * n);
  dense.denseMatmul(a, b, c, batch, m, n, k, Float64Array.from(offA), Float64Array.from(offB), ta, tb, false);
  const want = refGemm(a, b, batch, m, n, k, offA, offB, ta, tb);
  // |error| ≤ k·ε·Σ|a||b| bound; inputs in [-0.5, 0.5] so Σ|a||b| ≤ k/4
  const eps = dtype === "f64" ? 2.2e-16 : 1.2e-7;
  const tol = 2 * k * eps * (k / 4) + 1e-30;
  for (let i = 0; i < c.length; i++) {
    if (!(Math.abs(c[i] - want[i]) <= tol)) expect.fail(`${dtype} b${batch} ${m}x${n}x${k} ta=${ta} tb=${tb}: c[${i}]=${c[i]} want ${want[i]}`);
  }
  return { a, b, c, offA, offB, want };
}

describe("native dense GEMM (blocked, packed, threaded) against a float64 triple loop", () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1], [3, 5, 7], [12, 32, 16], [13, 33, 17], [50, 70, 300], [145, 97, 260], [200, 3, 5], [2, 400, 9],
  ];
  for (const dt of ["f64", "f32"] as const)
    for (const [m, n, k] of shapes)
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        it(`${dt} ${m}×${n}×${k} transA=${ta} transB=${tb}`, () => {
          check(dt, 1, m, n, k, ta, tb);
        });
      }
  it("batched with a shared (broadcast) B, and over-batch threading for small matrices", () => {
    check("f64", 5, 9, 10, 11, false, false, true);
    check("f32", 64, 8, 8, 8, true, false);
  });
  it("accumulate adds into C; k = 0 gives zeros", () => {
    const a = Float64Array.from(seeded(6, 1));
    const b = Float64Array.from(seeded(6, 2));
    const c = new Float64Array(4).fill(1);
    dense.denseMatmul(a, b, c, 1, 2, 2, 3, new Float64Array(1), new Float64Array(1), false, false, true);
    const want = refGemm(a, b, 1, 2, 2, 3, [0], [0], false, false);
    c.forEach((v, i) => expect(v).toBeCloseTo(want[i] + 1, 14));
    const z = new Float64Array(4).fill(5);
    dense.denseMatmul(new Float64Array(0), new Float64Array(0), z, 1, 2, 2, 0, new Float64Array(1), new Float64Array(1), false, false, false);
    expect([...z]).toEqual([0, 0, 0, 0]);
  });
  it("rejects bad arguments with messages naming them", () => {
    const f = (n: number) => new Float64Array(n);
    expect(() => dense.denseMatmul(f(6), f(6), f(3), 1, 2, 2, 3, f(1), f(1), false, false, false)).toThrow(/'c' has length 3, expected 4/);
    expect(() => dense.denseMatmul(f(5), f(6), f(4), 1, 2, 2, 3, f(1), f(1), false, false, false)).toThrow(/offA\[0\] = 0 \+ m·k = 6 exceeds a's length 5/);
    expect(() => dense.denseMatmul(f(6), new Float32Array(6) as never, f(4), 1, 2, 2, 3, f(1), f(1), false, false, false)).toThrow(/'b' must be a Float64Array/);
    expect(() => dense.denseMatmul(f(6), f(6), f(4), 1, 2, 2, 3, f(1), f(1), 1 as never, false, false)).toThrow(/'transA' must be a boolean/);
    expect(() => dense.denseMatmul(f(6), f(6), f(4), 1, 2, 2, 3, Float64Array.from([-1]), f(1), false, false, false)).toThrow(/offA'\[0\] must be an integer ≥ 0/);
  });
});
