// Reference elementwise kernels: unary maps and broadcasting binary maps.
import { registerKernel } from "../../registry/registry.js";
import { broadcastShapes, broadcastStrides, fmtShape } from "../../tensor/shape.js";
import { ShapeError } from "../../tensor/errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Device } from "../../tensor/device.js";
import { empty, forEachIndex2, forEachIndex3 } from "./util.js";

/** Numerically stable scalar definitions, shared by ref kernels and tests. */
export const unaryFns: Record<string, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  relu: (x) => (x <= 0 ? 0 : x), // NaN stays NaN, as PyTorch
  silu: (x) => x * (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  // log(1 + e^x) without overflow
  softplus: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
};

export const binaryFns: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  // a NaN in either operand is the result, as torch.maximum / torch.minimum
  maximum: (a, b) => (a >= b || Number.isNaN(a) ? a : b),
  minimum: (a, b) => (a <= b || Number.isNaN(a) ? a : b),
  greater: (a, b) => (a > b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  equal: (a, b) => (a === b ? 1 : 0),
  pow: (a, b) => Math.pow(a, b),
};

export const UNARY_OPS = Object.keys(unaryFns);
export const BINARY_OPS = Object.keys(binaryFns);

function unary(name: string) {
  const f = unaryFns[name];
  return ([x]: Tensor[], _attrs: object, device: Device): Tensor => {
    const out = empty(x.shape, x.dtype, device);
    const a = x.data;
    const o = out.data;
    for (let i = 0; i < a.length; i++) o[i] = f(a[i]);
    return out;
  };
}

export function binaryShape(op: string, a: Tensor, b: Tensor): number[] {
  const s = broadcastShapes(a.shape, b.shape);
  if (!s) throw new ShapeError(`${op}: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not broadcast (operands ${a} and ${b})`);
  return s;
}

function binary(name: string) {
  const f = binaryFns[name];
  return ([x, y]: Tensor[], _attrs: object, device: Device): Tensor => {
    const shape = binaryShape(name, x, y);
    const out = empty(shape, x.dtype, device);
    const a = x.data;
    const b = y.data;
    const o = out.data;
    if (x.size === o.length && y.size === o.length) {
      for (let i = 0; i < o.length; i++) o[i] = f(a[i], b[i]);
    } else if (y.size === 1 && x.size === o.length) {
      const bv = b[0];
      for (let i = 0; i < o.length; i++) o[i] = f(a[i], bv);
    } else {
      forEachIndex2(shape, broadcastStrides(x.shape, shape), broadcastStrides(y.shape, shape), (i, ia, ib) => {
        o[i] = f(a[ia], b[ib]);
      });
    }
    return out;
  };
}

for (const op of UNARY_OPS) registerKernel({ op, device: "ref", fn: unary(op) });
for (const op of BINARY_OPS) registerKernel({ op, device: "ref", fn: binary(op) });

registerKernel({
  op: "clamp",
  device: "ref",
  fn: ([x]: Tensor[], { lo, hi }: { lo: number; hi: number }, device: Device) => {
    const out = empty(x.shape, x.dtype, device);
    const a = x.data;
    for (let i = 0; i < a.length; i++) out.data[i] = a[i] < lo ? lo : a[i] > hi ? hi : a[i];
    return out;
  },
});

registerKernel({
  op: "cast",
  device: "ref",
  fn: ([x]: Tensor[], { dtype }: { dtype: Tensor["dtype"] }, device: Device) => {
    const out = empty(x.shape, dtype, device);
    if (dtype === "int32") for (let i = 0; i < x.size; i++) out.data[i] = Math.trunc(x.data[i]);
    else out.data.set(x.data);
    return out;
  },
});

// where(cond, a, b): cond nonzero → a, else b; all three broadcast together.
registerKernel({
  op: "where",
  device: "ref",
  fn: ([c, x, y]: Tensor[], _attrs: object, device: Device) => {
    const s1 = broadcastShapes(c.shape, x.shape);
    const shape = s1 && broadcastShapes(s1, y.shape);
    if (!shape) throw new ShapeError(`where: shapes ${fmtShape(c.shape)}, ${fmtShape(x.shape)}, ${fmtShape(y.shape)} do not broadcast`);
    const out = empty(shape, x.dtype, device);
    const cd = c.data;
    const xd = x.data;
    const yd = y.data;
    const o = out.data;
    forEachIndex3(shape, broadcastStrides(c.shape, shape), broadcastStrides(x.shape, shape), broadcastStrides(y.shape, shape), (i, ic, ix, iy) => {
      o[i] = cd[ic] !== 0 ? xd[ix] : yd[iy];
    });
    return out;
  },
});
