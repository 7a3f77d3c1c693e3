// kernelAllocator: uninitialised CPU output arrays; from 1 MiB up they are views
// placed at a huge-page boundary inside a larger block (see backwardSupport.ts).
import { cpu } from "@elm/native";
import { describe, expect, it } from "vitest";
import { HUGE_OUTPUT_BYTES, kernelAllocator } from "../../src/kernels/backwardSupport.js";

describe("kernelAllocator", () => {
  it("small cpu outputs are whole buffers of their own", () => {
    const a = kernelAllocator(false, "cpu")(1000);
    expect(a).toBeInstanceOf(Float32Array);
    expect([a.length, a.byteOffset, a.buffer.byteLength]).toEqual([1000, 0, 4000]);
  });

  for (const f64 of [false, true]) {
    it(`${f64 ? "float64" : "float32"}: large cpu outputs start on a 2 MiB boundary of their block, with room for whole pages`, () => {
      const F = f64 ? Float64Array : Float32Array;
      const n = HUGE_OUTPUT_BYTES / F.BYTES_PER_ELEMENT + 3;
      const a = kernelAllocator(f64, "cpu")(n);
      expect(a).toBeInstanceOf(F);
      expect(a.length).toBe(n);
      // the view's start is a boundary: measured from it the next one is 0 bytes away
      expect(cpu.hugePageOffset(a.buffer as ArrayBuffer, a.byteOffset, a.byteLength)).toBe(0);
      // the block holds the array rounded up to whole 2 MiB pages
      expect(a.buffer.byteLength - a.byteOffset).toBeGreaterThanOrEqual(Math.ceil(a.byteLength / 2 ** 21) * 2 ** 21);
      a.fill(2);
      expect(a[0] + a[n - 1]).toBe(4);
    });
  }

  it("other devices get zero-filled arrays of their own", () => {
    const a = kernelAllocator(true, "cuda")(HUGE_OUTPUT_BYTES / 8 + 1);
    expect([a.byteOffset, a.buffer.byteLength]).toEqual([0, HUGE_OUTPUT_BYTES + 8]);
    expect(a.every((v) => v === 0)).toBe(true);
  });
});
