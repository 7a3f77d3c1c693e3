// Reference indexing kernels: gather / scatterAdd (torch.gather semantics along an axis)
// and indexSelect / indexAdd (whole slices picked by a 1-D index). Indices are checked by the ops.
import { registerKernel } from "../../registry/registry.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Device } from "../../tensor/device.js";
import { empty, splitAxis } from "./util.js";

// out[o, j, c] = x[o, idx[o, j, c], c]   (idx has x's shape except along axis)
registerKernel({
  op: "gather",
  device: "ref",
  fn: ([x, idx]: Tensor[], { axis }: { axis: number }, device: Device) => {
    const [outer, n, inner] = splitAxis(x.shape, axis);
    const len = idx.shape[axis];
    const out = empty(idx.shape, x.dtype, device);
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < len; j++)
        for (let c = 0; c < inner; c++) {
          const at = (o * len + j) * inner + c;
          out.data[at] = x.data[(o * n + idx.data[at]) * inner + c];
        }
    return out;
  },
});

registerKernel({
  op: "scatterAdd",
  device: "ref",
  fn: ([g, idx]: Tensor[], { axis, shape }: { axis: number; shape: number[] }, device: Device) => {
    const [outer, n, inner] = splitAxis(shape, axis);
    const len = idx.shape[axis];
    const out = empty(shape, g.dtype, device);
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < len; j++)
        for (let c = 0; c < inner; c++) {
          const at = (o * len + j) * inner + c;
          out.data[(o * n + idx.data[at]) * inner + c] += g.data[at];
        }
    return out;
  },
});

// out[o, j, :] = x[o, idx[j], :]
registerKernel({
  op: "indexSelect",
  device: "ref",
  fn: ([x, idx]: Tensor[], { axis }: { axis: number }, device: Device) => {
    const [outer, n, inner] = splitAxis(x.shape, axis);
    const len = idx.size;
    const shape = [...x.shape];
    shape[axis] = len;
    const out = empty(shape, x.dtype, device);
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < len; j++) {
        const src = (o * n + idx.data[j]) * inner;
        out.data.set(x.data.subarray(src, src + inner), (o * len + j) * inner);
      }
    return out;
  },
});

registerKernel({
  op: "indexAdd",
  device: "ref",
  fn: ([g, idx]: Tensor[], { axis, shape }: { axis: number; shape: number[] }, device: Device) => {
    const [outer, n, inner] = splitAxis(shape, axis);
    const len = idx.size;
    const out = empty(shape, g.dtype, device);
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < len; j++) {
        const dst = (o * n + idx.data[j]) * inner;
        const src = (o * len + j) * inner;
        for (let c = 0; c < inner; c++) out.data[dst + c] += g.data[src + c];
      }
    return out;
  },
});
