// The fused ELM neuron as ONE autograd node (docs/CONTRACTS.md §2): forward over
// the whole sequence by `elmNeuronForward`, BPTT by `elmNeuronBackward`, on the
// device of x (ref | cpu | cuda). Its inputs are the DERIVED tensors (w_s, κ's,
// gain), so the chain rule back to the raw parameters (`_proto_w_s`,
// `_proto_tau_m`) is ordinary core autograd around it.
import { Tensor, defineOp, DTypeError, DeviceError, ShapeError, type Device } from "@elm/core";
import { elmNeuronBackward, elmNeuronForward } from "../kernels/index.js";
import { elmNeuronForwardAsync } from "../kernels/index.js";
import type { ElmNeuronForwardResult, ElmNeuronInputs, ElmNeuronShape, Float } from "../kernels/index.js";

/** Everything but the batch and time sizes, which come from x. */
export type ElmOpShape = Omit<ElmNeuronShape, "B" | "T">;

export interface ElmOpAttrs {
  shape: ElmOpShape;
  /** [d_s] input index per synapse; null = identity. */
  route: Int32Array | null;
  /** [d_s] 0/1 validity; null = all ones. */
  routeMask: Int32Array | null;
  /** Set by elmNeuronAsync: the forward already ran off the JS thread. */
  precomputed?: { kin: ElmNeuronInputs; result: ElmNeuronForwardResult };
}

/** Tensors the op takes, in this order. */
export interface ElmOpTensors {
  x: Tensor; // [B,T,dIn]
  wS: Tensor; // [dS]
  kappaTrace: Tensor; // [dS] (v1) or [dTree] (v2)
  kappaM: Tensor; // [dM]
  gain: Tensor; // [dM]
  mlpW: Tensor[]; // lMlp+1, [out,in]
  mlpB: Tensor[]; // lMlp+1, [out]
  trace0: Tensor; // [B, trace]
  m0: Tensor; // [B, dM]
}

export interface ElmOpResult {
  /** m_t for every step, [B,T,dM]. */
  m: Tensor;
  /** Final trace, [B, dS (v1) or dTree (v2)]. */
  traceT: Tensor;
  /** Final memory, [B,dM]. */
  mT: Tensor;
}

interface Saved {
  shape: ElmNeuronShape;
  inputs: ElmNeuronInputs;
  kernelSaved: unknown;
  device: Device;
}

function floatMask(mask: Int32Array | null, like: Float): Float | null {
  if (mask === null) return null;
  const out = like instanceof Float64Array ? new Float64Array(mask.length) : new Float32Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i];
  return out;
}

function fullShape(inputs: Tensor[], attrs: ElmOpAttrs): ElmNeuronShape {
  const x = inputs[0];
  if (x.ndim !== 3) throw new ShapeError(`elm.neuron: x must be [B,T,num_input], got shape [${x.shape.join(",")}]`);
  return { ...attrs.shape, B: x.shape[0], T: x.shape[1] };
}

function kernelInputs(inputs: Tensor[], attrs: ElmOpAttrs): ElmNeuronInputs {
  const L = attrs.shape.lMlp + 1;
  const [x, wS, kappaTrace, kappaM, gain] = inputs;
  const mlpW = inputs.slice(5, 5 + L).map((t) => t.data as Float);
  const mlpB = inputs.slice(5 + L, 5 + 2 * L).map((t) => t.data as Float);
  const trace0 = inputs[5 + 2 * L];
  const m0 = inputs[6 + 2 * L];
  return {
    x: x.data as Float,
    route: attrs.route,
    routeMask: floatMask(attrs.routeMask, x.data as Float),
    wS: wS.data as Float,
    kappaTrace: kappaTrace.data as Float,
    kappaM: kappaM.data as Float,
    gain: gain.data as Float,
    mlpW,
    mlpB,
    trace0: trace0.data as Float,
    m0: m0.data as Float,
  };
}

function commonDeviceAndDtype(inputs: Tensor[]): Device {
  const x = inputs[0];
  if (x.dtype !== "float32" && x.dtype !== "float64") throw new DTypeError(`elm.neuron: x must be float32 or float64, got ${x.dtype}`);
  inputs.forEach((t, i) => {
    if (t.device !== x.device) throw new DeviceError(`elm.neuron: input ${i} is on device ${t.device} but x is on ${x.device}; move the model with .to("${x.device}")`);
    if (t.dtype !== x.dtype) throw new DTypeError(`elm.neuron: input ${i} is ${t.dtype} but x is ${x.dtype}; cast the model with .astype("${x.dtype}")`);
  });
  return x.device;
}

const elmNeuronOp = defineOp<ElmOpAttrs, Saved>({
  name: "elm.neuron",
  forward(inputs, attrs) {
    const device = commonDeviceAndDtype(inputs);
    const shape = fullShape(inputs, attrs);
    const kin = attrs.precomputed ? attrs.precomputed.kin : kernelInputs(inputs, attrs);
    const r = attrs.precomputed ? attrs.precomputed.result : elmNeuronForward(shape, kin, device);
    const { B, T, dM } = shape;
    const traceLen = shape.variant === "v1" ? shape.dS : shape.dTree;
    return {
      outputs: [new Tensor(r.m, [B, T, dM], device), new Tensor(r.traceT, [B, traceLen], device), new Tensor(r.mT, [B, dM], device)],
      saved: { shape, inputs: kin, kernelSaved: r.saved, device },
    };
  },
  backward(gradOutputs, saved, inputs) {
    const { shape, device } = saved;
    const x = inputs[0];
    const zeros = (n: number): Float => (x.dtype === "float64" ? new Float64Array(n) : new Float32Array(n));
    const [gm, gTrace, gMT] = gradOutputs;
    const dM = gm ? (gm.data as Float) : zeros(shape.B * shape.T * shape.dM);
    // x is usually data: then the kernel skips dL/dx. This node's backward is the
    // last use of the kernel's saved arrays: the next forward reuses them (as the
    // network op's always are, a second backward through this node is refused)
    const g = elmNeuronBackward(shape, saved.inputs, saved.kernelSaved, dM, gTrace ? (gTrace.data as Float) : null, gMT ? (gMT.data as Float) : null, device,
      { inputGrad: x.requiresGrad, recycleSaved: true });
    const L = shape.lMlp + 1;
    const arrays: (Float | null)[] = [g.dx, g.dWS, g.dKappaTrace, g.dKappaM, g.dGain, ...g.dMlpW, ...g.dMlpB, g.dTrace0, g.dM0];
    if (arrays.length !== 7 + 2 * L) throw new Error(`elm.neuron: the kernel returned ${arrays.length} gradients, expected ${7 + 2 * L}`);
    return inputs.map((t, i) => (t.requiresGrad ? new Tensor(arrays[i]!, t.shape, device) : null));
  },
});

const opInputs = (t: ElmOpTensors): Tensor[] => [t.x, t.wS, t.kappaTrace, t.kappaM, t.gain, ...t.mlpW, ...t.mlpB, t.trace0, t.m0];

/** Runs the fused ELM neuron over the whole sequence: one node on the tape. */
export function elmNeuron(t: ElmOpTensors, attrs: ElmOpAttrs): ElmOpResult {
  const [m, traceT, mT] = elmNeuronOp(opInputs(t), attrs);
  return { m, traceT, mT };
}

/**
 * As elmNeuron, with the forward kernel off the JS thread (native devices);
 * the input tensors must not be modified until it settles. BPTT runs in backward().
 */
export async function elmNeuronAsync(t: ElmOpTensors, attrs: ElmOpAttrs): Promise<ElmOpResult> {
  const inputs = opInputs(t);
  const device = commonDeviceAndDtype(inputs);
  const shape = fullShape(inputs, attrs);
  const kin = kernelInputs(inputs, attrs);
  const result = await elmNeuronForwardAsync(shape, kin, device);
  const [m, traceT, mT] = elmNeuronOp(inputs, { ...attrs, precomputed: { kin, result } });
  return { m, traceT, mT };
}
