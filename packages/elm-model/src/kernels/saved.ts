// What every device's forward keeps for BPTT. One layout for ref, cpu and
// cuda (the native kernels fill the same arrays), so a backward may run on a
// different device than its forward.
import type { ElmNeuronShape, Float } from "./types.js";
import { BufferPool } from "./bufferPool.js";
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
  /**
   * Set by a successful backward with options.recycleSaved: this value may not
   * be used again, and the arrays above except m go back to a pool once no
   * backward reads them (see beginSavedUse).
   */
  recycled?: boolean;
  /** Backwards reading these arrays right now (async ones may overlap). */
  inFlight?: number;
}

/** The saved arrays a recycling backward hands back for the next forward (m is the caller's output). */
export type RecyclableSaved = Pick<NeuronSaved, "trace" | "z" | "pre" | "post" | "deltaM">;

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
  if (s.recycled) {
    throw new Error("elmNeuronBackward: this 'saved' was handed back by a backward with recycleSaved (its arrays are reused); run elmNeuronForward again");
  }
  return s as NeuronSaved;
}

/**
 * The saved arrays, from `alloc` (default: zero-filled typed arrays; a kernel
 * that writes every element may pass an allocator of uninitialised memory),
 * or from `reuse` (a recycled set of this shape and dtype: every array but m).
 */
export function allocSaved(
  shape: ElmNeuronShape, dtype: FloatDType, device: NeuronSaved["device"],
  alloc: (n: number) => Float = (n) => (dtype === "float64" ? new Float64Array(n) : new Float32Array(n)),
  reuse?: RecyclableSaved,
): NeuronSaved {
  const BT = shape.B * shape.T;
  const dTr = shape.variant === "v1" ? shape.dS : shape.dTree;
  const nH = shape.lMlp * shape.dMlp;
  const sizes: Record<keyof RecyclableSaved, number> = {
    trace: BT * dTr, z: BT * (shape.dTree + shape.dM), pre: BT * nH, post: BT * nH, deltaM: BT * shape.dM,
  };
  const get = (k: keyof RecyclableSaved): Float => (reuse && reuse[k].length === sizes[k] ? reuse[k] : alloc(sizes[k]));
  return {
    kind: "elmNeuronSaved", device, dtype, shape: { ...shape },
    trace: get("trace"), z: get("z"), pre: get("pre"), post: get("post"), deltaM: get("deltaM"), m: alloc(BT * shape.dM),
  };
}

// Arrays handed back by recycling backwards (options.recycleSaved), reused by the
// next CPU forward of the same shape and dtype: the CPU kernel writes every
// element, so stale values do not matter (other devices' forwards are not pooled).
const recycledPool = new BufferPool<RecyclableSaved>();
const savedKey = (shape: ElmNeuronShape, dtype: FloatDType): string =>
  [dtype, ...shapeKeys.map((k) => String(shape[k]))].join("|");

/** A recycled set for a CPU forward of this shape and dtype, if one was handed back. */
export function takeRecycledSaved(shape: ElmNeuronShape, dtype: FloatDType, device: NeuronSaved["device"]): RecyclableSaved | undefined {
  return device === "cpu" ? recycledPool.take(savedKey(shape, dtype)) : undefined;
}

/**
 * Marks a backward reading `sv`; call the returned function when it ends (ok:
 * it succeeded). After a successful recycling backward `sv` is used up, and
 * its arrays (all but m) go to the pool once no backward reads them any more
 * (async backwards may overlap).
 */
export function beginSavedUse(sv: NeuronSaved, recycle: boolean): (ok: boolean) => void {
  sv.inFlight = (sv.inFlight ?? 0) + 1;
  return (ok) => {
    sv.inFlight = (sv.inFlight ?? 1) - 1;
    if (ok && recycle) sv.recycled = true;
    if (sv.recycled && sv.inFlight === 0 && sv.device === "cpu") {
      const { trace, z, pre, post, deltaM } = sv;
      recycledPool.put(savedKey(sv.shape, sv.dtype), { trace, z, pre, post, deltaM });
    }
  };
}
