// Pieces the neuron and network kernel wrappers share for their backward passes.
import { cpu } from "@elm/native";
import type { Float } from "./types.js";

/**
 * Allocation of kernel outputs. The CPU kernels write every element of the
 * arrays they are given (saved state, outputs, gradients), so on `cpu` those
 * skip zero-filling (tens of MB per training step, on the JS thread): Node's
 * uninitialised allocation. A fresh array is paged in by the kernel's first
 * writes, one page fault per 4 KiB (about 14 µs each on the development VM: 7 ms
 * for the network's 2 MB output y). Arrays of POOLED_OUTPUT_BYTES or more
 * therefore come from the addon's recycled output blocks (cpu.allocOutput; from
 * 1 MiB up 2 MiB aligned and advised as transparent huge pages, one fault per
 * 2 MiB): once the garbage collector has freed an array and the event loop has
 * turned, its block, still paged in, serves the next output of that size (a fresh
 * 2 MiB huge page still cost up to 3.5 ms there, as the host pages it in too).
 * Where the addon cannot hand out such a buffer, an array of HUGE_OUTPUT_BYTES or
 * more is placed at a 2 MiB boundary inside a block up to 4 MiB larger (the
 * addon's hugePageOffset): a view with byteOffset > 0. Other devices get
 * zero-filled arrays.
 */
export function kernelAllocator(f64: boolean, device: string): (n: number) => Float {
  const F = f64 ? Float64Array : Float32Array;
  if (device !== "cpu") return (n) => new F(n);
  return (n) => {
    const bytes = n * F.BYTES_PER_ELEMENT;
    if (bytes >= POOLED_OUTPUT_BYTES && typeof cpu.allocOutput === "function") {  // (an addon built before it: none)
      const pooled = cpu.allocOutput(bytes);
      if (pooled) return new F(pooled, 0, n);
    }
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
/**
 * Outputs this large (64 KiB) or larger come from the addon's recycled blocks (see
 * kernelAllocator): from 128 KiB up glibc maps each allocation afresh, so a network
 * backward's two MLP weight gradients (320 KB) cost 81 page faults per step.
 */
export const POOLED_OUTPUT_BYTES = 2 ** 16;

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
