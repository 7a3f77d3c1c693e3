// Shape and length checks shared by every device: errors name the value and
// what was expected.
import type { ElmNeuronInputs, ElmNeuronShape, Float } from "./types.js";

export type FloatDType = "float32" | "float64";

function fail(msg: string): never {
  throw new RangeError(`elmNeuron: ${msg}`);
}

function posInt(name: string, v: unknown): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) fail(`shape.${name} must be an integer ≥ 1, got ${String(v)}`);
}

export function traceSize(shape: ElmNeuronShape): number {
  return shape.variant === "v1" ? shape.dS : shape.dTree;
}

/** Checks the shape and every input's type and length; returns the call's float dtype. */
export function validateNeuron(shape: ElmNeuronShape, inputs: ElmNeuronInputs): FloatDType {
  if (shape === null || typeof shape !== "object") fail(`shape must be an object, got ${String(shape)}`);
  if (inputs === null || typeof inputs !== "object") fail(`inputs must be an object, got ${String(inputs)}`);
  if (shape.variant !== "v1" && shape.variant !== "v2") fail(`shape.variant must be "v1" or "v2", got ${JSON.stringify(shape.variant)}`);
  if (shape.activation !== "relu" && shape.activation !== "silu") {
    fail(`shape.activation must be "relu" or "silu", got ${JSON.stringify(shape.activation)}`);
  }
  for (const k of ["B", "T", "dIn", "dS", "dTree", "dBrch", "dM", "dMlp", "lMlp"] as const) posInt(k, shape[k]);
  const { B, T, dIn, dS, dTree, dBrch, dM, dMlp, lMlp } = shape;
  if (dS !== dTree * dBrch) fail(`shape.dS (${dS}) must equal dTree·dBrch (${dTree}·${dBrch} = ${dTree * dBrch})`);
  if (lMlp > 15) fail(`shape.lMlp must be ≤ 15 hidden layers, got ${lMlp}`);
  const x = inputs.x;
  let dtype: FloatDType;
  if (x instanceof Float64Array) dtype = "float64";
  else if (x instanceof Float32Array) dtype = "float32";
  else fail(`inputs.x must be a Float32Array or Float64Array, got ${describe(x)}`);
  const Ctor = dtype === "float64" ? Float64Array : Float32Array;
  const want = (name: string, v: unknown, len: number): void => {
    if (!(v instanceof Ctor)) fail(`inputs.${name} must be a ${Ctor.name} (the dtype of x), got ${describe(v)}`);
    if ((v as Float).length !== len) fail(`inputs.${name} has length ${(v as Float).length}, expected ${len}`);
  };
  want("x", x, B * T * dIn);
  if (inputs.route === null || inputs.route === undefined) {
    if (dS !== dIn) fail(`inputs.route is null (identity routing), so shape.dS (${dS}) must equal shape.dIn (${dIn})`);
  } else {
    const r = inputs.route;
    if (!(r instanceof Int32Array)) fail(`inputs.route must be an Int32Array or null, got ${describe(r)}`);
    if (r.length !== dS) fail(`inputs.route has length ${r.length}, expected ${dS}`);
    for (let j = 0; j < dS; j++) {
      if (r[j] < 0 || r[j] >= dIn) fail(`inputs.route[${j}] = ${r[j]} is outside [0, ${dIn})`);
    }
  }
  if (inputs.routeMask !== null && inputs.routeMask !== undefined) want("routeMask", inputs.routeMask, dS);
  want("wS", inputs.wS, dS);
  want("kappaTrace", inputs.kappaTrace, traceSize(shape));
  want("kappaM", inputs.kappaM, dM);
  want("gain", inputs.gain, dM);
  if (!Array.isArray(inputs.mlpW) || inputs.mlpW.length !== lMlp + 1) {
    fail(`inputs.mlpW must be an array of lMlp+1 = ${lMlp + 1} layers, got ${Array.isArray(inputs.mlpW) ? inputs.mlpW.length : describe(inputs.mlpW)}`);
  }
  if (!Array.isArray(inputs.mlpB) || inputs.mlpB.length !== lMlp + 1) {
    fail(`inputs.mlpB must be an array of lMlp+1 = ${lMlp + 1} layers, got ${Array.isArray(inputs.mlpB) ? inputs.mlpB.length : describe(inputs.mlpB)}`);
  }
  for (let l = 0; l <= lMlp; l++) {
    const nIn = l === 0 ? dTree + dM : dMlp;
    const nOut = l === lMlp ? dM : dMlp;
    want(`mlpW[${l}]`, inputs.mlpW[l], nOut * nIn);
    want(`mlpB[${l}]`, inputs.mlpB[l], nOut);
  }
  if (inputs.trace0 !== null && inputs.trace0 !== undefined) want("trace0", inputs.trace0, B * traceSize(shape));
  if (inputs.m0 !== null && inputs.m0 !== undefined) want("m0", inputs.m0, B * dM);
  return dtype;
}

/** Checks the upstream gradients of elmNeuronBackward. */
export function validateNeuronGradOutputs(
  shape: ElmNeuronShape,
  dtype: FloatDType,
  dM: Float,
  dTraceT: Float | null,
  dMT: Float | null,
): void {
  const Ctor = dtype === "float64" ? Float64Array : Float32Array;
  const want = (name: string, v: unknown, len: number): void => {
    if (!(v instanceof Ctor)) fail(`${name} must be a ${Ctor.name} (the dtype of x), got ${describe(v)}`);
    if ((v as Float).length !== len) fail(`${name} has length ${(v as Float).length}, expected ${len}`);
  };
  want("dM", dM, shape.B * shape.T * shape.dM);
  if (dTraceT !== null && dTraceT !== undefined) want("dTraceT", dTraceT, shape.B * traceSize(shape));
  if (dMT !== null && dMT !== undefined) want("dMT", dMT, shape.B * shape.dM);
}

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as { length: number }).length})`;
  if (Array.isArray(v)) return `Array(${v.length})`;
  return typeof v;
}
