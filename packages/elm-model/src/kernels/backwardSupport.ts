// Pieces the neuron and network kernel wrappers share for their backward passes.
import type { Float } from "./types.js";

/**
 * Allocation of kernel outputs. The CPU kernels write every element of the
 * arrays they are given (saved state, outputs, gradients), so on `cpu` those
 * skip zero-filling (tens of MB per training step, on the JS thread): Node's
 * uninitialised allocation, which reuses freed heap memory. Other devices get
 * zero-filled arrays.
 */
export function kernelAllocator(f64: boolean, device: string): (n: number) => Float {
  const F = f64 ? Float64Array : Float32Array;
  if (device !== "cpu") return (n) => new F(n);
  return (n) => {
    const b = Buffer.allocUnsafeSlow(n * F.BYTES_PER_ELEMENT);
    return new F(b.buffer, b.byteOffset, n);
  };
}

/** options[name] (absent: `fallback`), checked to be a boolean. */
function booleanOption(fn: string, options: Record<string, unknown> | undefined, name: string, fallback: boolean): boolean {
  const v = options?.[name] ?? fallback;
  if (typeof v !== "boolean") throw new TypeError(`${fn}: options.${name} must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

/** options.inputGrad (default true), checked: whether the caller wants dL/dx. */
export function inputGradOf(fn: string, options: { inputGrad?: unknown } | undefined): boolean {
  return booleanOption(fn, options, "inputGrad", true);
}

/** options.recycleSaved (default false), checked: whether this backward is the last use of `saved`. */
export function recycleSavedOf(fn: string, options: { recycleSaved?: unknown } | undefined): boolean {
  return booleanOption(fn, options, "recycleSaved", false);
}

/** The gradients as returned: dx replaced by null when the caller did not ask for it. */
export function dropInputGrad<G extends { dx: Float | null }>(g: G, inputGrad: boolean): Omit<G, "dx"> & { dx: Float | null } {
  return inputGrad ? g : { ...g, dx: null };
}
