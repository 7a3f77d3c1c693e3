// Reference softmax / log-softmax along one axis, and row-wise cross-entropy with
// integer targets (loss_r = logsumexp(z_r) − z_r[t_r]; d/dz = softmax(z_r) − onehot(t_r)).
import { registerKernel } from "../../registry/registry.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Device } from "../../tensor/device.js";
import { empty, splitAxis } from "./util.js";

function softmaxLike(log: boolean) {
  return ([x]: Tensor[], { axis }: { axis: number }, device: Device): Tensor => {
    const [outer, n, inner] = splitAxis(x.shape, axis);
    const out = empty(x.shape, x.dtype, device);
    const xd = x.data;
    const o = out.data;
    for (let a = 0; a < outer; a++) {
      for (let c = 0; c < inner; c++) {
        const base = a * n * inner + c;
        let mx = -Infinity;
        for (let i = 0; i < n; i++) mx = Math.max(mx, xd[base + i * inner]);
        let s = 0;
        for (let i = 0; i < n; i++) s += Math.exp(xd[base + i * inner] - mx);
        if (log) {
          const lse = mx + Math.log(s);
          for (let i = 0; i < n; i++) o[base + i * inner] = xd[base + i * inner] - lse;
        } else {
          for (let i = 0; i < n; i++) o[base + i * inner] = Math.exp(xd[base + i * inner] - mx) / s;
        }
      }
    }
    return out;
  };
}

registerKernel({ op: "softmax", device: "ref", fn: softmaxLike(false) });
registerKernel({ op: "logSoftmax", device: "ref", fn: softmaxLike(true) });

/** Row losses of logits [N, C] against targets Int32 [N] (targets already checked in range). */
registerKernel({
  op: "crossEntropyRows",
  device: "ref",
  fn: ([z, t]: Tensor[], _attrs: object, device: Device) => {
    const [N, C] = z.shape;
    const out = empty([N], z.dtype, device);
    const zd = z.data;
    for (let r = 0; r < N; r++) {
      let mx = -Infinity;
      for (let c = 0; c < C; c++) mx = Math.max(mx, zd[r * C + c]);
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(zd[r * C + c] - mx);
      out.data[r] = mx + Math.log(s) - zd[r * C + t.data[r]];
    }
    return out;
  },
});

/** dlogits [N, C] = g_r · (softmax(z_r) − onehot(t_r)). */
registerKernel({
  op: "crossEntropyRowsGrad",
  device: "ref",
  fn: ([z, t, g]: Tensor[], _attrs: object, device: Device) => {
    const [N, C] = z.shape;
    const out = empty([N, C], z.dtype, device);
    const zd = z.data;
    const o = out.data;
    for (let r = 0; r < N; r++) {
      let mx = -Infinity;
      for (let c = 0; c < C; c++) mx = Math.max(mx, zd[r * C + c]);
      let s = 0;
      for (let c = 0; c < C; c++) s += Math.exp(zd[r * C + c] - mx);
      const gr = g.data[r];
      for (let c = 0; c < C; c++) o[r * C + c] = (gr * Math.exp(zd[r * C + c] - mx)) / s;
      o[r * C + t.data[r]] -= gr;
    }
    return out;
  },
});
