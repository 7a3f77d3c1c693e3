// What every device's forward keeps for BPTT. One layout for ref, cpu and
// cuda (the native kernels fill the same arrays), so a backward may run on a
// different device than its forward.
import type { ElmNeuronShape, Float } from "./types.js";
import type { FloatDType } from "./validate.js";

export interface NeuronSaved {
  kind: "elmNeuronSaved";
  device: "ref" | "cpu" | "cuda";
  dtype: FloatDType;
  shape: ElmNeuronShape;
  /** trace after each step, [B,T,dTr] (dTr = dS for v1, dTree for v2) */
  trace: Float;
  /** MLP input z_t = [u_t; κ_m ⊙ m_{t−1}], [B,T,dTree+dM] */
  z: Float;
  /** hidden pre-activations and activations, [B,T,lMlp·dMlp] */
  pre: Float;
  post: Float;
  /** Δm_t, [B,T,dM] */
  deltaM: Float;
  /** m_t, [B,T,dM] (the forward's output) */
  m: Float;
}

const shapeKeys = ["variant", "B", "T", "dIn", "dS", "dTree", "dBrch", "dM", "dMlp", "lMlp", "activation"] as const;

/** Checks that `saved` came from elmNeuronForward with this shape and dtype. */
export function checkSaved(saved: unknown, shape: ElmNeuronShape, dtype: FloatDType): NeuronSaved {
  const s = saved as Partial<NeuronSaved> | null;
  if (s === null || typeof s !== "object" || s.kind !== "elmNeuronSaved") {
    throw new RangeError("elmNeuronBackward: 'saved' must be the value returned by elmNeuronForward");
  }
  for (const k of shapeKeys) {
    if (s.shape?.[k] !== shape[k]) {
      throw new RangeError(`elmNeuronBackward: shape.${k} is ${String(shape[k])} but the forward pass ran with ${String(s.shape?.[k])}`);
    }
  }
  if (s.dtype !== dtype) throw new RangeError(`elmNeuronBackward: the forward pass ran in ${s.dtype}, backward got ${dtype}`);
  return s as NeuronSaved;
}

/**
 * The saved arrays, from `alloc` (default: zero-filled typed arrays; a kernel
 * that writes every element may pass an allocator of uninitialised memory).
 */
export function allocSaved(
  shape: ElmNeuronShape, dtype: FloatDType, device: NeuronSaved["device"],
  alloc: (n: number) => Float = (n) => (dtype === "float64" ? new Float64Array(n) : new Float32Array(n)),
): NeuronSaved {
  const BT = shape.B * shape.T;
  const dTr = shape.variant === "v1" ? shape.dS : shape.dTree;
  const nH = shape.lMlp * shape.dMlp;
  return {
    kind: "elmNeuronSaved", device, dtype, shape: { ...shape },
    trace: alloc(BT * dTr), z: alloc(BT * (shape.dTree + shape.dM)), pre: alloc(BT * nH), post: alloc(BT * nH),
    deltaM: alloc(BT * shape.dM), m: alloc(BT * shape.dM),
  };
}
