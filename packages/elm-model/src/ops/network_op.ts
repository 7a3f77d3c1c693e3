// The fused ELM Network layer as ONE autograd node (docs/CONTRACTS.md §2,
// ELM_SPEC §4): forward over the whole sequence by `elmNetworkForward`, BPTT by
// `elmNetworkBackward`, on the device of x. Inputs are the derived tensors
// (κ_b, κ_m, gain); the chain rule to `_proto_tau_m` and `tau_b` is core autograd.
import { Tensor, defineOp, DTypeError, DeviceError, ShapeError, type Device } from "@elm/core";
import {
  elmNetworkBackward, elmNetworkForward, elmNetworkForwardAsync, type ElmNetworkForwardResult, type ElmNetworkInputs, type ElmNetworkShape,
} from "../kernels/network.js";
import type { Float } from "../kernels/types.js";

export type NetworkOpShape = Omit<ElmNetworkShape, "B" | "T">;

export interface NetworkOpAttrs {
  shape: NetworkOpShape;
  /** [N, k_c] index into z_t = [x_t ; y_{t−1}]. */
  src: Int32Array;
  /** Set by elmNetworkAsync: the forward already ran off the JS thread. */
  precomputed?: { kin: ElmNetworkInputs; result: ElmNetworkForwardResult };
}

export interface NetworkOpTensors {
  x: Tensor; // [B,T,dIn]
  w: Tensor; // [N,kc]
  kappaB: Tensor; // [N,dTree]
  kappaM: Tensor; // [N,dM]
  gain: Tensor; // [N,dM]
  mlpW: Tensor[]; // [N,out,in] per layer
  mlpB: Tensor[]; // [N,out] per layer
  wY: Tensor; // [N,dAxon,dM]
  bY: Tensor; // [N,dAxon]
  b0: Tensor; // [B,N,dTree]
  m0: Tensor; // [B,N,dM]
  y0: Tensor; // [B,N·dAxon]
}

export interface NetworkOpResult {
  /** Neuron outputs y_t, [B,T,N·dAxon]. */
  y: Tensor;
  bT: Tensor;
  mT: Tensor;
  yT: Tensor;
}

interface Saved {
  shape: ElmNetworkShape;
  inputs: ElmNetworkInputs;
  kernelSaved: unknown;
  device: Device;
}

function kernelInputs(inputs: Tensor[], attrs: NetworkOpAttrs): ElmNetworkInputs {
  const L = attrs.shape.lMlp + 1;
  const d = (t: Tensor) => t.data as Float;
  const [x, w, kappaB, kappaM, gain] = inputs;
  const rest = inputs.slice(5 + 2 * L);
  return {
    x: d(x), src: attrs.src, w: d(w), kappaB: d(kappaB), kappaM: d(kappaM), gain: d(gain),
    mlpW: inputs.slice(5, 5 + L).map(d), mlpB: inputs.slice(5 + L, 5 + 2 * L).map(d),
    wY: d(rest[0]), bY: d(rest[1]), b0: d(rest[2]), m0: d(rest[3]), y0: d(rest[4]),
  };
}

function checkInputs(inputs: Tensor[], attrs: NetworkOpAttrs): { device: Device; shape: ElmNetworkShape } {
  const x = inputs[0];
  if (x.ndim !== 3) throw new ShapeError(`elm.network: x must be [B,T,num_input], got shape [${x.shape.join(",")}]`);
  if (x.dtype !== "float32" && x.dtype !== "float64") throw new DTypeError(`elm.network: x must be float32 or float64, got ${x.dtype}`);
  inputs.forEach((t, i) => {
    if (t.device !== x.device) throw new DeviceError(`elm.network: input ${i} is on ${t.device} but x is on ${x.device}`);
    if (t.dtype !== x.dtype) throw new DTypeError(`elm.network: input ${i} is ${t.dtype} but x is ${x.dtype}`);
  });
  return { device: x.device, shape: { ...attrs.shape, B: x.shape[0], T: x.shape[1] } };
}

const networkOp = defineOp<NetworkOpAttrs, Saved>({
  name: "elm.network",
  forward(inputs, attrs) {
    const { device, shape } = checkInputs(inputs, attrs);
    const kin = attrs.precomputed ? attrs.precomputed.kin : kernelInputs(inputs, attrs);
    const r = attrs.precomputed ? attrs.precomputed.result : elmNetworkForward(shape, kin, device);
    const { B, T, N, dTree, dM, dAxon } = shape;
    return {
      outputs: [
        new Tensor(r.y, [B, T, N * dAxon], device), new Tensor(r.bT, [B, N, dTree], device),
        new Tensor(r.mT, [B, N, dM], device), new Tensor(r.yT, [B, N * dAxon], device),
      ],
      saved: { shape, inputs: kin, kernelSaved: r.saved, device },
    };
  },
  backward(gradOutputs, saved, inputs) {
    const { shape, device } = saved;
    const [gy, gb, gm, gyT] = gradOutputs;
    const x = inputs[0];
    const dY = gy ? (gy.data as Float) : x.dtype === "float64" ? new Float64Array(shape.B * shape.T * shape.N * shape.dAxon) : new Float32Array(shape.B * shape.T * shape.N * shape.dAxon);
    // x is usually data: then the kernel skips dL/dx
    const g = elmNetworkBackward(
      shape, saved.inputs, saved.kernelSaved, dY,
      gb ? (gb.data as Float) : null, gm ? (gm.data as Float) : null, gyT ? (gyT.data as Float) : null, device,
      { inputGrad: x.requiresGrad },
    );
    const arrays: (Float | null)[] = [g.dx, g.dW, g.dKappaB, g.dKappaM, g.dGain, ...g.dMlpW, ...g.dMlpB, g.dWY, g.dBY, g.dB0, g.dM0, g.dY0];
    return inputs.map((t, i) => (t.requiresGrad ? new Tensor(arrays[i]!, t.shape, device) : null));
  },
});

const opInputs = (t: NetworkOpTensors): Tensor[] => [t.x, t.w, t.kappaB, t.kappaM, t.gain, ...t.mlpW, ...t.mlpB, t.wY, t.bY, t.b0, t.m0, t.y0];

/** Runs the fused ELM Network over the whole sequence: one node on the tape. */
export function elmNetwork(t: NetworkOpTensors, attrs: NetworkOpAttrs): NetworkOpResult {
  const [y, bT, mT, yT] = networkOp(opInputs(t), attrs);
  return { y, bT, mT, yT };
}

/** As elmNetwork, with the forward kernel off the JS thread (native devices); inputs must not change until it settles. */
export async function elmNetworkAsync(t: NetworkOpTensors, attrs: NetworkOpAttrs): Promise<NetworkOpResult> {
  const inputs = opInputs(t);
  const { device, shape } = checkInputs(inputs, attrs);
  const kin = kernelInputs(inputs, attrs);
  const result = await elmNetworkForwardAsync(shape, kin, device);
  const [y, bT, mT, yT] = networkOp(inputs, { ...attrs, precomputed: { kin, result } });
  return { y, bT, mT, yT };
}
