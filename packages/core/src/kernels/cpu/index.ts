// `cpu` kernels: the heavy ops run in the native addon (@elm/native dense_* kernels):
// matmul, elementwise unary/binary (float), sum/max reductions, softmax/logSoftmax and
// cross-entropy. Everything else on `cpu` falls back to the ref kernels (host data).
// registerNativeDenseKernels is reused for `cuda` (kernels/cuda).
import { dense, DENSE_BINARY_OPS, DENSE_UNARY_OPS, type CudaDenseKernels } from "@elm/native";
import { getKernel, registerKernel, type KernelFn } from "../../registry/registry.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Device } from "../../tensor/device.js";
import type { FloatArray } from "../../tensor/dtype.js";
import { broadcastStrides } from "../../tensor/shape.js";
import { planMatmul, type MatmulAttrs } from "../ref/matmul.js";
import { binaryShape } from "../ref/elementwise.js";
import { reducedShape, type ReduceAttrs } from "../ref/reduce.js";
import { empty, splitAxis, wrap } from "../ref/util.js";

const isFloat = (t: Tensor) => t.dtype !== "int32";
function refKernel(op: string): KernelFn {
  const k = getKernel(op, "ref");
  if (!k) throw new Error(`cpu kernels need the ref kernel '${op}' registered first`);
  return k;
}

/** Drops size-1 axes and merges axes that are contiguous in both operands. */
function collapse(shape: number[], sa: number[], sb: number[]): [number[], number[], number[]] {
  const s: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const k = s.length - 1;
    if (k >= 0 && a[k] === sa[d] * shape[d] && b[k] === sb[d] * shape[d]) {
      s[k] *= shape[d];
      a[k] = sa[d];
      b[k] = sb[d];
    } else {
      s.push(shape[d]);
      a.push(sa[d]);
      b.push(sb[d]);
    }
  }
  return [s, a, b];
}


/**
 * Registers the native matmul and float elementwise kernels for `device`, calling the
 * addon `kernels()` returns (the CPU addon, or the CUDA addon for device "cuda").
 */
export function registerNativeDenseKernels(device: Device, kernels: () => CudaDenseKernels): void {
  registerKernel({
    op: "matmul",
    device,
    fn: ([a, b]: Tensor[], attrs: MatmulAttrs, dev: Device) => {
      const p = planMatmul(a, b, attrs);
      const out = empty(p.outShape, a.dtype, dev);
      kernels().denseMatmul(a.data as FloatArray, b.data as FloatArray, out.data as FloatArray, p.offA.length, p.m, p.n, p.k,
        Float64Array.from(p.offA), Float64Array.from(p.offB), !!attrs.transA, !!attrs.transB, false);
      return out;
    },
  });

  DENSE_UNARY_OPS.forEach((op, code) => {
    const fallback = refKernel(op);
    registerKernel({
      op,
      device,
      fn: (inputs: Tensor[], attrs: object, dev: Device) => {
        const [x] = inputs;
        if (!isFloat(x)) return fallback(inputs, attrs, dev);
        const out = empty(x.shape, x.dtype, dev);
        kernels().denseUnary(code, x.data as FloatArray, out.data as FloatArray);
        return out;
      },
    });
  });

  DENSE_BINARY_OPS.forEach((op, code) => {
    const fallback = refKernel(op);
    registerKernel({
      op,
      device,
      fn: (inputs: Tensor[], attrs: object, dev: Device) => {
        const [x, y] = inputs;
        if (!isFloat(x)) return fallback(inputs, attrs, dev);
        const shape = binaryShape(op, x, y);
        const out = empty(shape, x.dtype, dev);
        const [s, sa, sb] = collapse(shape, broadcastStrides(x.shape, shape), broadcastStrides(y.shape, shape));
        if (s.length > 8) return fallback(inputs, attrs, dev);
        kernels().denseBinary(code, Float64Array.from(s), x.data as FloatArray, Float64Array.from(sa), y.data as FloatArray, Float64Array.from(sb), out.data as FloatArray);
        return out;
      },
    });
  });
}

registerNativeDenseKernels("cpu", () => dense);

/** Reduces runs of adjacent axes with one native call each (last run first). */
function reduceKernel(op: "sum" | "max"): KernelFn {
  const fallback = refKernel(op);
  const call = op === "sum" ? dense.denseSumAxis : dense.denseMaxAxis;
  return (inputs: Tensor[], attrs: ReduceAttrs, device: Device) => {
    const [x] = inputs;
    if (!isFloat(x) || x.size === 0) return fallback(inputs, attrs, device);
    const runs: [number, number][] = [];
    for (const a of attrs.axes) {
      const r = runs[runs.length - 1];
      if (r && r[1] === a) r[1] = a + 1;
      else runs.push([a, a + 1]);
    }
    let cur = x.data as FloatArray;
    let shape = [...x.shape];
    for (let r = runs.length - 1; r >= 0; r--) {
      const [a0, a1] = runs[r];
      const outer = shape.slice(0, a0).reduce((p, d) => p * d, 1);
      const n = shape.slice(a0, a1).reduce((p, d) => p * d, 1);
      const inner = shape.slice(a1).reduce((p, d) => p * d, 1);
      const next = x.dtype === "float64" ? new Float64Array(outer * inner) : new Float32Array(outer * inner);
      call.call(dense, outer, n, inner, cur, next);
      cur = next;
      shape = [...shape.slice(0, a0), ...new Array(a1 - a0).fill(1), ...shape.slice(a1)];
    }
    return wrap(cur, reducedShape(x.shape, attrs.axes, attrs.keepDims), device);
  };
}
registerKernel({ op: "sum", device: "cpu", fn: reduceKernel("sum") });
registerKernel({ op: "max", device: "cpu", fn: reduceKernel("max") });

for (const [op, log] of [["softmax", false], ["logSoftmax", true]] as const) {
  registerKernel({
    op,
    device: "cpu",
    fn: ([x]: Tensor[], { axis }: { axis: number }, device: Device) => {
      const [outer, n, inner] = splitAxis(x.shape, axis);
      const out = empty(x.shape, x.dtype, device);
      dense.denseSoftmaxAxis(outer, n, inner, x.data as FloatArray, out.data as FloatArray, log);
      return out;
    },
  });
}

registerKernel({
  op: "crossEntropyRows",
  device: "cpu",
  fn: ([z, t]: Tensor[], _attrs: object, device: Device) => {
    const [N, C] = z.shape;
    const out = empty([N], z.dtype, device);
    dense.denseCrossEntropyRows(N, C, z.data as FloatArray, t.data as Int32Array, out.data as FloatArray);
    return out;
  },
});

registerKernel({
  op: "crossEntropyRowsGrad",
  device: "cpu",
  fn: ([z, t, g]: Tensor[], _attrs: object, device: Device) => {
    const [N, C] = z.shape;
    const out = empty([N, C], z.dtype, device);
    dense.denseCrossEntropyRowsGrad(N, C, z.data as FloatArray, t.data as Int32Array, g.data as FloatArray, out.data as FloatArray);
    return out;
  },
});
