// Pieces the neuron and network kernel wrappers share for their backward passes.
import { cpu } from "@elm/native";
import type { Float } from "./types.js";

/**
 * Allocation of kernel outputs. The CPU kernels write every element of the
 * arrays they are given (saved state, outputs, gradients), so on `cpu` those
 * skip zero-filling (tens of MB per training step, on the JS thread): Node's
 * uninitialised allocation. A fresh array is paged in by the kernel's first
 * writes, one page fault per 4 KiB (about 14 µs each on the development VM: 7 ms
 * for the network's 2 MB output y). Arrays of HUGE_OUTPUT_BYTES or more are
 * therefore placed at a 2 MiB boundary inside a block up to 4 MiB larger, over
 * whole pages advised as transparent huge pages (the addon's hugePageOffset), so
 * they fault once per 2 MiB (and occupy the array rounded up to whole 2 MiB:
 * at most twice its size); such an array is a view (byteOffset > 0) into a
 * larger ArrayBuffer. Other devices get zero-filled arrays.
 */
export function kernelAllocator(f64: boolean, device: string): (n: number) => Float {
  const F = f64 ? Float64Array : Float32Array;
  if (device !== "cpu") return (n) => new F(n);
  return (n) => {
    const bytes = n * F.BYTES_PER_ELEMENT;
    if (bytes < HUGE_OUTPUT_BYTES) {
      const b = Buffer.allocUnsafeSlow(bytes);
      return new F(b.buffer, b.byteOffset, n);
    }
    const whole = Math.ceil(bytes / HUGE_PAGE) * HUGE_PAGE;
    const b = Buffer.allocUnsafeSlow(whole + HUGE_PAGE);
    return new F(b.buffer, b.byteOffset + cpu.hugePageOffset(b.buffer, b.byteOffset, b.byteLength), n);
  };
}

const HUGE_PAGE = 2 ** 21;
/** Outputs this large (1 MiB) or larger start on a huge page (see kernelAllocator). */
export const HUGE_OUTPUT_BYTES = 2 ** 20;

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
