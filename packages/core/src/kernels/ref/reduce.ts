// Reference reductions over a set of axes: sum and max (keepDims optional), and broadcastTo (their adjoint's shape op).
import { registerKernel } from "../../registry/registry.js";
import { broadcastShapes, broadcastStrides, fmtShape, shapesEqual, stridesOf } from "../../tensor/shape.js";
import { ShapeError } from "../../tensor/errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Device } from "../../tensor/device.js";
import { empty, forEachIndex2 } from "./util.js";

export interface ReduceAttrs {
  axes: number[]; // normalised, sorted
  keepDims: boolean;
}

export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (axes.includes(i)) {
      if (keepDims) out.push(1);
    } else out.push(d);
  });
  return out;
}

function reducer(kind: "sum" | "max") {
  return ([x]: Tensor[], { axes, keepDims }: ReduceAttrs, device: Device): Tensor => {
    const keep = reducedShape(x.shape, axes, true);
    const out = empty(reducedShape(x.shape, axes, keepDims), x.dtype, device);
    const acc = new Float64Array(out.size).fill(kind === "sum" ? 0 : -Infinity);
    const os = broadcastStrides(keep, x.shape);
    const xd = x.data;
    if (kind === "sum") forEachIndex2(x.shape, stridesOf(x.shape), os, (_i, ix, io) => (acc[io] += xd[ix]));
    else
      forEachIndex2(x.shape, stridesOf(x.shape), os, (_i, ix, io) => {
        const v = xd[ix];
        if (v > acc[io] || Number.isNaN(v)) acc[io] = v;
      });
    if (kind === "max" && x.size === 0) throw new ShapeError(`max: cannot reduce an empty tensor ${x}`);
    out.data.set(acc);
    return out;
  };
}

registerKernel({ op: "sum", device: "ref", fn: reducer("sum") });
registerKernel({ op: "max", device: "ref", fn: reducer("max") });

registerKernel({
  op: "broadcastTo",
  device: "ref",
  fn: ([x]: Tensor[], { shape }: { shape: number[] }, device: Device) => {
    const s = broadcastShapes(x.shape, shape);
    if (!s || !shapesEqual(s, shape)) throw new ShapeError(`broadcastTo: ${x} cannot broadcast to ${fmtShape(shape)}`);
    const out = empty(shape, x.dtype, device);
    const xd = x.data;
    const o = out.data;
    forEachIndex2(shape, broadcastStrides(x.shape, shape), stridesOf(shape), (_i, ix, io) => (o[io] = xd[ix]));
    return out;
  },
});

// argmax along one axis → int32 indices (first maximum wins; NaN counts as the maximum)
registerKernel({
  op: "argmax",
  device: "ref",
  fn: ([x]: Tensor[], { axis, keepDims }: { axis: number; keepDims: boolean }, device: Device) => {
    let outer = 1;
    let inner = 1;
    for (let i = 0; i < axis; i++) outer *= x.shape[i];
    for (let i = axis + 1; i < x.ndim; i++) inner *= x.shape[i];
    const n = x.shape[axis];
    const out = empty(reducedShape(x.shape, [axis], keepDims), "int32", device);
    const xd = x.data;
    for (let o = 0; o < outer; o++)
      for (let c = 0; c < inner; c++) {
        let best = 0;
        let bv = xd[o * n * inner + c];
        for (let i = 1; i < n && !Number.isNaN(bv); i++) {
          const v = xd[(o * n + i) * inner + c];
          if (v > bv || Number.isNaN(v)) {
            bv = v;
            best = i;
          }
        }
        out.data[o * inner + c] = best;
      }
    return out;
  },
});
