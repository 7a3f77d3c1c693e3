// CUDA dense kernels: their thread bodies (elm/dense_body.h) run on the host and must match
// the CPU kernels; on a machine with a GPU the kernels themselves are compared too.
import { describe, expect, it } from "vitest";
import { cudaDense, cudaStatus, CudaUnavailableError, dense, DENSE_BINARY_OPS } from "../lib/index.js";

function seeded(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

const cases: [number, number, number, number, boolean, boolean][] = [
  [1, 7, 5, 3, false, false], [2, 13, 33, 17, true, false], [3, 4, 9, 6, false, true], [2, 20, 3, 40, true, true],
];

describe("CUDA dense kernel bodies on the host", () => {
  for (const [batch, m, n, k, ta, tb] of cases) {
    it(`matmul body ${batch}×${m}×${n}×${k} transA=${ta} transB=${tb} equals the CPU GEMM`, () => {
      const a = Float64Array.from(seeded(batch * m * k, 1));
      const b = Float64Array.from(seeded(k * n, 2)); // shared B: offsets all 0
      const offA = Float64Array.from({ length: batch }, (_, t) => t * m * k);
      const offB = new Float64Array(batch);
      const want = new Float64Array(batch * m * n);
      const got = new Float64Array(batch * m * n);
      dense.denseMatmul(a, b, want, batch, m, n, k, offA, offB, ta, tb, false);
      dense.denseMatmulBodiesOnHost(a, b, got, batch, m, n, k, offA, offB, ta, tb);
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 13));
    });
  }
  it("binary body broadcasts like the CPU kernel for every op", () => {
    const a = Float64Array.from(seeded(6, 3)).map(Math.abs);
    const b = Float64Array.from(seeded(4, 4));
    const shape = Float64Array.from([2, 4, 3]);
    const sa = Float64Array.from([3, 0, 1]);
    const sb = Float64Array.from([0, 1, 0]);
    DENSE_BINARY_OPS.forEach((op, code) => {
      const want = new Float64Array(24);
      const got = new Float64Array(24);
      dense.denseBinary(code, shape, a, sa, b, sb, want);
      dense.denseBinaryBodiesOnHost(code, shape, a, sa, b, sb, got);
      expect(Array.from(got), op).toEqual(Array.from(want));
    });
  });
  it("the bodies' bindings check arguments like the kernels'", () => {
    const f = (n: number) => new Float64Array(n);
    expect(() => dense.denseMatmulBodiesOnHost(f(5), f(6), f(4), 1, 2, 2, 3, f(1), f(1), false, false)).toThrow(/denseMatmulBodiesOnHost: offA\[0\] = 0 \+ m·k = 6 exceeds a's length 5/);
  });
});

describe("CUDA dense kernels", () => {
  const s = cudaStatus();
  it(s.available ? "match the CPU kernels on the GPU" : "throw CudaUnavailableError naming the reason", () => {
    if (!s.available) {
      expect(() => cudaDense()).toThrow(CudaUnavailableError);
      expect(() => cudaDense()).toThrow(s.reason!);
      return;
    }
    const k = cudaDense();
    for (const [batch, m, n, kk, ta, tb] of cases) {
      const a = Float32Array.from(seeded(batch * m * kk, 5));
      const b = Float32Array.from(seeded(batch * kk * n, 6));
      const offA = Float64Array.from({ length: batch }, (_, t) => t * m * kk);
      const offB = Float64Array.from({ length: batch }, (_, t) => t * kk * n);
      const want = new Float32Array(batch * m * n);
      const got = new Float32Array(batch * m * n);
      dense.denseMatmul(a, b, want, batch, m, n, kk, offA, offB, ta, tb, false);
      k.denseMatmul(a, b, got, batch, m, n, kk, offA, offB, ta, tb, false);
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
    }
    const x = Float64Array.from(seeded(1000, 7));
    const y1 = new Float64Array(1000);
    const y2 = new Float64Array(1000);
    dense.denseUnary(7, x, y1);
    k.denseUnary(7, x, y2);
    y2.forEach((v, i) => expect(v).toBeCloseTo(y1[i], 12));
  });
});
