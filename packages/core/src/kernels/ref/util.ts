// Helpers shared by the TypeScript reference kernels.
import { allocate, type DType, type TypedArray } from "../../tensor/dtype.js";
import type { Device } from "../../tensor/device.js";
import { shapeSize } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

export function empty(shape: readonly number[], dtype: DType, device: Device): Tensor {
  return new Tensor(allocate(dtype, shapeSize(shape)), shape, device);
}

export function wrap(data: TypedArray, shape: readonly number[], device: Device): Tensor {
  return new Tensor(data, shape, device);
}

/**
 * Visits every index of `shape` in row-major order, calling fn(flatOut, offA, offB)
 * where offA/offB are offsets under the given strides (0 on broadcast dims).
 */
export function forEachIndex2(shape: readonly number[], sa: readonly number[], sb: readonly number[], fn: (i: number, oa: number, ob: number) => void): void {
  const n = shapeSize(shape);
  if (n === 0) return;
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let oa = 0;
  let ob = 0;
  for (let i = 0; i < n; i++) {
    fn(i, oa, ob);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      oa += sa[d];
      ob += sb[d];
      if (idx[d] < shape[d]) break;
      oa -= sa[d] * shape[d];
      ob -= sb[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** Like forEachIndex2 with three strided operands. */
export function forEachIndex3(shape: readonly number[], sa: readonly number[], sb: readonly number[], sc: readonly number[], fn: (i: number, oa: number, ob: number, oc: number) => void): void {
  const n = shapeSize(shape);
  if (n === 0) return;
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let oa = 0;
  let ob = 0;
  let oc = 0;
  for (let i = 0; i < n; i++) {
    fn(i, oa, ob, oc);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      oa += sa[d];
      ob += sb[d];
      oc += sc[d];
      if (idx[d] < shape[d]) break;
      oa -= sa[d] * shape[d];
      ob -= sb[d] * shape[d];
      oc -= sc[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** [outer, n, inner] view of a shape around one axis. */
export function splitAxis(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[axis], inner];
}
