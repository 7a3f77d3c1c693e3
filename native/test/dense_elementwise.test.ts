// Native dense elementwise / reduction / softmax kernels against float64 TypeScript loops,
// and their argument checks. (Every op is also checked through @elm/core's device harness.)
import { describe, expect, it } from "vitest";
import { dense, DENSE_BINARY_OPS, DENSE_UNARY_OPS } from "../lib/index.js";

function seeded(n: number, seed: number, scale = 4): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * scale;
  });
}
const sig = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const unaryRef: Record<string, (x: number) => number> = {
  neg: (x) => -x, exp: Math.exp, log: (x) => Math.log(Math.abs(x)), sqrt: (x) => Math.sqrt(Math.abs(x)), abs: Math.abs,
  sign: Math.sign, tanh: Math.tanh, sigmoid: sig, relu: (x) => Math.max(x, 0), silu: (x) => x * sig(x),
  softplus: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
};
const binaryRef: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b, maximum: Math.max, minimum: Math.min,
  greater: (a, b) => +(a > b), less: (a, b) => +(a < b), equal: (a, b) => +(a === b), pow: (a, b) => Math.pow(Math.abs(a), b),
};

describe("native dense elementwise", () => {
  it("every unary op matches float64 math", () => {
    const x = Float64Array.from(seeded(70001, 1));
    DENSE_UNARY_OPS.forEach((op, code) => {
      const input = op === "log" || op === "sqrt" ? x.map(Math.abs) : x;
      const y = new Float64Array(x.length);
      dense.denseUnary(code, input, y);
      for (let i = 0; i < x.length; i++) {
        const want = unaryRef[op](x[i]);
        if (!(Math.abs(y[i] - want) <= 1e-14 * Math.max(1, Math.abs(want)))) expect.fail(`${op}(${x[i]}) = ${y[i]}, want ${want}`);
      }
    });
  });
  it("every binary op broadcasts [3,1,5] with [4,1] into [3,4,5]", () => {
    const a = Float64Array.from(seeded(15, 2));
    const b = Float64Array.from(seeded(4, 3)).map((v) => (v === 0 ? 1 : v));
    DENSE_BINARY_OPS.forEach((op, code) => {
      const ua = op === "pow" ? a.map(Math.abs) : a;
      const out = new Float64Array(60);
      dense.denseBinary(code, Float64Array.from([3, 4, 5]), ua, Float64Array.from([5, 0, 1]), b, Float64Array.from([0, 1, 0]), out);
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 4; j++)
          for (let k = 0; k < 5; k++) {
            const want = binaryRef[op](a[i * 5 + k], b[j]);
            expect(out[i * 20 + j * 5 + k], op).toBeCloseTo(want, 12);
          }
    });
  });
  it("checks op codes, lengths and strides", () => {
    const f = (n: number) => new Float32Array(n);
    expect(() => dense.denseUnary(99, f(2), f(2))).toThrow(/op code 99 is not below 11/);
    expect(() => dense.denseUnary(0, f(2), f(3))).toThrow(/'y' has length 3, expected 2/);
    expect(() => dense.denseBinary(0, Float64Array.from([2, 3]), f(6), Float64Array.from([3, 1]), f(2), Float64Array.from([0, 1]), f(6))).toThrow(/strides reach past an operand/);
    expect(() => dense.denseBinary(0, Float64Array.from([2]), f(2), Float64Array.from([1, 0]), f(2), Float64Array.from([1]), f(2))).toThrow(/'sa' has length 2, expected 1/);
  });
});

describe("native dense reductions and softmax", () => {
  const [outer, n, inner] = [3, 50, 7];
  const x = Float64Array.from(seeded(outer * n * inner, 4));
  const at = (o: number, i: number, c: number) => x[(o * n + i) * inner + c];
  it("sum and max over the middle axis", () => {
    const s = new Float64Array(outer * inner);
    const m = new Float64Array(outer * inner);
    dense.denseSumAxis(outer, n, inner, x, s);
    dense.denseMaxAxis(outer, n, inner, x, m);
    for (let o = 0; o < outer; o++)
      for (let c = 0; c < inner; c++) {
        let ws = 0;
        let wm = -Infinity;
        for (let i = 0; i < n; i++) {
          ws += at(o, i, c);
          wm = Math.max(wm, at(o, i, c));
        }
        expect(s[o * inner + c]).toBeCloseTo(ws, 12);
        expect(m[o * inner + c]).toBe(wm);
      }
  });
  it("softmax and log-softmax over the middle axis; cross-entropy rows and gradient", () => {
    const p = new Float64Array(x.length);
    const lp = new Float64Array(x.length);
    dense.denseSoftmaxAxis(outer, n, inner, x, p, false);
    dense.denseSoftmaxAxis(outer, n, inner, x, lp, true);
    for (let o = 0; o < outer; o++)
      for (let c = 0; c < inner; c++) {
        let tot = 0;
        for (let i = 0; i < n; i++) {
          tot += p[(o * n + i) * inner + c];
          expect(Math.exp(lp[(o * n + i) * inner + c])).toBeCloseTo(p[(o * n + i) * inner + c], 14);
        }
        expect(tot).toBeCloseTo(1, 13);
      }
    const C = 5;
    const z = Float64Array.from(seeded(4 * C, 5));
    const t = Int32Array.from([0, 4, 2, 2]);
    const loss = new Float64Array(4);
    const g = Float64Array.from([1, 0.5, -1, 2]);
    const dz = new Float64Array(4 * C);
    dense.denseCrossEntropyRows(4, C, z, t, loss);
    dense.denseCrossEntropyRowsGrad(4, C, z, t, g, dz);
    for (let r = 0; r < 4; r++) {
      const row = Array.from(z.subarray(r * C, (r + 1) * C));
      const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
      expect(loss[r]).toBeCloseTo(lse - row[t[r]], 13);
      for (let c = 0; c < C; c++) expect(dz[r * C + c]).toBeCloseTo(g[r] * (Math.exp(row[c] - lse) - (c === t[r] ? 1 : 0)), 13);
    }
    expect(() => dense.denseCrossEntropyRows(4, C, z, Int32Array.from([0, 5, 0, 0]), loss)).toThrow(/target 5 at row 1 is out of range for 5 classes/);
    expect(() => dense.denseSumAxis(2, 2, 2, new Float64Array(7), new Float64Array(4))).toThrow(/'x' has length 7, expected 8/);
  });
});
