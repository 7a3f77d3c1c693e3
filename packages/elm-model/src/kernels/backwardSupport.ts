// Pieces the neuron and network kernel wrappers share for their backward passes.
import { constants as bufferConstants } from "node:buffer";
import { totalmem } from "node:os";
import { MAX_ELEMENTS } from "@elm/core";
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
  const alloc = allocatorFor(F, device);
  return (n) => {
    if (n > MAX_ELEMENTS) {
      throw new KernelMemoryError(
        n * F.BYTES_PER_ELEMENT,
        `a kernel output of ${n} elements is over JavaScript's limit for one typed array (${MAX_ELEMENTS} elements)`,
      );
    }
    try {
      return alloc(n);
    } catch (e) {
      const bytes = n * F.BYTES_PER_ELEMENT;
      throw new KernelMemoryError(bytes, `out of memory for a kernel output of ${formatBytes(bytes)} (${(e as Error).message})`);
    }
  };
}

/**
 * A kernel output the machine has no memory for. The largest are the sequences a
 * forward saves for backpropagation through time, which grow with B·T: the message
 * says so and how to shrink them.
 */
export class KernelMemoryError extends RangeError {
  /** bytes: the size asked for, where known; reason: what failed. */
  constructor(readonly bytes: number | null, reason: string) {
    super(
      `${reason}; the state a forward saves for ` +
        "backpropagation through time grows with batch × sequence length: split long sequences into chunks " +
        "(truncated BPTT, carrying the state between them) or use a smaller batch",
    );
    this.name = "KernelMemoryError";
  }
}

/**
 * Runs a kernel entry point, turning an allocation failure inside it (the ref
 * oracle's arrays, or Node's) into a KernelMemoryError; other errors pass unchanged.
 */
export function withKernelMemory<R>(fn: () => R): R {
  try {
    return fn();
  } catch (e) {
    if (e instanceof KernelMemoryError) throw e;
    if (e instanceof RangeError && /Array buffer allocation failed|Invalid typed array length|Invalid array buffer length|out of memory/i.test(e.message))
      throw new KernelMemoryError(null, `out of memory for a kernel output (${e.message})`);
    throw e;
  }
}

function formatBytes(b: number): string {
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${b} bytes`;
}

function allocatorFor(F: Float32ArrayConstructor | Float64ArrayConstructor, device: string): (n: number) => Float {
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
    // a Buffer holds at most buffer.constants.MAX_LENGTH (4 GiB on Node 20); a typed
    // array more (zero-filled, its pages mapped as they are first written)
    if (whole + HUGE_PAGE > MAX_BUFFER_BYTES) return new F(n);
    const b = Buffer.allocUnsafeSlow(whole + HUGE_PAGE);
    return new F(b.buffer, b.byteOffset + cpu.hugePageOffset(b.buffer, b.byteOffset, b.byteLength), n);
  };
}

const HUGE_PAGE = 2 ** 21;
const MAX_BUFFER_BYTES = bufferConstants.MAX_LENGTH;

/**
 * Refuses, before anything is allocated, a forward whose outputs and saved state
 * (`bytes` in all) exceed this machine's memory: such arrays are mapped lazily, so
 * the allocation would succeed and the kernel be killed by the system halfway
 * through (out of memory), taking the process with it.
 */
export function checkFitsInMemory(bytes: number, fn: string, memory = totalmem()): void {
  if (bytes > memory) {
    throw new KernelMemoryError(bytes, `${fn}: its outputs and saved state need ${formatBytes(bytes)}, more than this machine's ${formatBytes(memory)} of memory`);
  }
}
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
