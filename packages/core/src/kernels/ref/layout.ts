// Reference layout kernels: transpose, slice (and its adjoint slicePad), concat.
import { registerKernel } from "../../registry/registry.js";
import { stridesOf } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Device } from "../../tensor/device.js";
import { empty, forEachIndex2, splitAxis } from "./util.js";

registerKernel({
  op: "transpose",
  device: "ref",
  fn: ([x]: Tensor[], { axis0, axis1 }: { axis0: number; axis1: number }, device: Device) => {
    const shape = [...x.shape];
    [shape[axis0], shape[axis1]] = [shape[axis1], shape[axis0]];
    const xs = stridesOf(x.shape);
    const rs = [...xs];
    [rs[axis0], rs[axis1]] = [rs[axis1], rs[axis0]];
    const out = empty(shape, x.dtype, device);
    const xd = x.data;
    const o = out.data;
    forEachIndex2(shape, rs, stridesOf(shape), (_i, ix, io) => (o[io] = xd[ix]));
    return out;
  },
});

// slice(x, axis, start, end): x[..., start:end, ...]
registerKernel({
  op: "slice",
  device: "ref",
  fn: ([x]: Tensor[], { axis, start, end }: { axis: number; start: number; end: number }, device: Device) => {
    const [outer, n, inner] = splitAxis(x.shape, axis);
    const len = end - start;
    const shape = [...x.shape];
    shape[axis] = len;
    const out = empty(shape, x.dtype, device);
    for (let o = 0; o < outer; o++) {
      out.data.set(x.data.subarray((o * n + start) * inner, (o * n + end) * inner), o * len * inner);
    }
    return out;
  },
});

// slicePad(g, shape, axis, start): zeros of `shape` with g written at [start, start+len) along axis.
registerKernel({
  op: "slicePad",
  device: "ref",
  fn: ([g]: Tensor[], { shape, axis, start }: { shape: number[]; axis: number; start: number }, device: Device) => {
    const [outer, n, inner] = splitAxis(shape, axis);
    const len = g.shape[axis];
    const out = empty(shape, g.dtype, device);
    for (let o = 0; o < outer; o++) {
      out.data.set(g.data.subarray(o * len * inner, (o + 1) * len * inner), (o * n + start) * inner);
    }
    return out;
  },
});

registerKernel({
  op: "concat",
  device: "ref",
  fn: (xs: Tensor[], { axis }: { axis: number }, device: Device) => {
    const shape = [...xs[0].shape];
    shape[axis] = xs.reduce((s, t) => s + t.shape[axis], 0);
    const [outer, n, inner] = splitAxis(shape, axis);
    const out = empty(shape, xs[0].dtype, device);
    let at = 0;
    for (const t of xs) {
      const len = t.shape[axis];
      for (let o = 0; o < outer; o++) {
        out.data.set(t.data.subarray(o * len * inner, (o + 1) * len * inner), (o * n + at) * inner);
      }
      at += len;
    }
    return out;
  },
});
