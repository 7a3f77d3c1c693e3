import { describe, expect, it } from "vitest";
import { Tensor, add, mul, sum, noGrad, isGradEnabled, defineOp, exp, matmul, zeros, registerKernel, getKernel, tanh, slice, reshape } from "../src/index.js";

const f64 = (v: number[], shape: number[], requiresGrad = false) => Tensor.fromArray(v, shape, { dtype: "float64", requiresGrad });

describe("autograd", () => {
  it("backward seeds ones for a scalar and accumulates into .grad", () => {
    const x = f64([1, 2, 3], [3], true);
    const y = sum(mul(x, x));
    y.backward();
    expect(x.grad!.toArray()).toEqual([2, 4, 6]);
    sum(mul(x, 3)).backward();
    expect(x.grad!.toArray()).toEqual([5, 7, 9]);
  });
  it("a tensor used twice gets both contributions", () => {
    const x = f64([2], [1], true);
    add(mul(x, x), x).backward();
    expect(x.grad!.item()).toBe(5);
  });
  it("long chains do not overflow the stack", () => {
    const x = f64([0.5], [1], true);
    let h = x;
    for (let t = 0; t < 20000; t++) h = tanh(add(h, 0));
    h.backward();
    expect(Number.isFinite(x.grad!.item())).toBe(true);
  });
  it("noGrad records nothing and is restored after throws", () => {
    const x = f64([1], [1], true);
    const y = noGrad(() => mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    expect(() => y.backward()).toThrow(/does not require grad/);
    expect(() => noGrad(() => { throw new Error("boom"); })).toThrow("boom");
    expect(isGradEnabled()).toBe(true);
  });
  it("backward without grad needs a scalar", () => {
    const x = f64([1, 2], [2], true);
    expect(() => mul(x, 2).backward()).toThrow(/one-element/);
  });
  it("slice gradients land in the right place", () => {
    const x = f64([1, 2, 3, 4], [2, 2], true);
    sum(slice(x, 0, 1, 2)).backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 1, 1]);
  });
});

describe("defineOp: custom ops are one node with a hand-written backward", () => {
  // y = exp(a) * b, z = a + b; two outputs
  const op = defineOp<{ scale: number }, { ea: Tensor }>({
    name: "test.expMul",
    forward([a, b], { scale }) {
      const ea = exp(a);
      return { outputs: [mul(mul(ea, b), scale), add(a, b)], saved: { ea } };
    },
    backward([gy, gz], { ea }, [, b], { scale }) {
      const ga = add(gy ? mul(mul(gy, mul(ea, b)), scale) : zeros(b.shape, { dtype: b.dtype }), gz ?? 0);
      const gb = add(gy ? mul(mul(gy, ea), scale) : zeros(b.shape, { dtype: b.dtype }), gz ?? 0);
      return [ga, gb];
    },
  });
  it("matches the composed ops' gradients, with a null for an unused output", () => {
    const a = f64([0.1, -0.3], [2], true);
    const b = f64([2, 3], [2], true);
    const [y] = op([a, b], { scale: 2 });
    expect(y._node!.name).toBe("test.expMul");
    sum(y).backward();
    expect(a.grad!.toArray()[0]).toBeCloseTo(2 * Math.exp(0.1) * 2, 12);
    expect(b.grad!.toArray()[1]).toBeCloseTo(2 * Math.exp(-0.3), 12);
  });
  it("checks the backward's gradient shapes", () => {
    const bad = defineOp<null, null>({
      name: "test.bad",
      forward: ([a]) => ({ outputs: [mul(a, 1)], saved: null }),
      backward: () => [zeros([3], { dtype: "float64" })],
    });
    const a = f64([1, 2], [2], true);
    expect(() => sum(bad([a], null)[0]).backward()).toThrow(/backward of 'test.bad': gradient for input 0 has shape \[3\], expected \[2\]/);
  });
  it("gradients flow through matmul inside a larger graph", () => {
    const w = f64([1, 2, 3, 4], [2, 2], true);
    const x = f64([1, 1], [1, 2]);
    sum(matmul(x, w)).backward();
    expect(w.grad!.toArray()).toEqual([1, 1, 1, 1]);
  });
});

describe("kernel registry", () => {
  it("refuses double registration and resolves per device", () => {
    expect(() => registerKernel({ op: "add", device: "ref", fn: () => zeros([1]) })).toThrow(/already registered/);
    expect(getKernel("add", "ref")).toBeTypeOf("function");
    registerKernel({ op: "test.only", device: "ref", fn: () => zeros([1]) });
    expect(() => registerKernel({ op: "test.only", device: "ref", fn: () => zeros([1]) })).toThrow(/'test.only' on device 'ref' is already registered/);
  });
});

describe("leaf gradients own their buffers", () => {
  it("two leaves fed through add (same upstream gradient) do not share .grad data", () => {
    const a = f64([1, 2], [2], true);
    const b = f64([3, 4], [2], true);
    sum(reshape(add(a, b), [2, 1])).backward();
    expect(a.grad!.data).not.toBe(b.grad!.data);
    a.grad!.data[0] = 100; // an optimizer scaling in place
    expect(b.grad!.toArray()).toEqual([1, 1]);
  });
});
