// kernelAllocator: uninitialised CPU output arrays; from 64 KiB up they come from the
// addon's recycled output blocks, 2 MiB aligned from 1 MiB up (see backwardSupport.ts;
// the recycling itself: native/test/output_pool.test.ts and kernels/outputPool.test.ts).
import { cpu } from "@elm/native";
import { describe, expect, it } from "vitest";
import { HUGE_OUTPUT_BYTES, POOLED_OUTPUT_BYTES, kernelAllocator } from "../../src/kernels/backwardSupport.js";

describe("kernelAllocator", () => {
  it("small cpu outputs are whole buffers of their own", () => {
    const a = kernelAllocator(false, "cpu")(1000);
    expect(a).toBeInstanceOf(Float32Array);
    expect([a.length, a.byteOffset, a.buffer.byteLength]).toEqual([1000, 0, 4000]);
  });

  for (const f64 of [false, true]) {
    it(`${f64 ? "float64" : "float32"}: cpu outputs from 64 KiB up come from the addon's recycled blocks, 2 MiB aligned from 1 MiB up`, () => {
      const F = f64 ? Float64Array : Float32Array;
      for (const bytes of [HUGE_OUTPUT_BYTES + 3 * F.BYTES_PER_ELEMENT, POOLED_OUTPUT_BYTES]) {
        const n = bytes / F.BYTES_PER_ELEMENT;
        const s0 = cpu.outputPoolStats();
        const a = kernelAllocator(f64, "cpu")(n);
        const s1 = cpu.outputPoolStats();
        expect(s1.fresh + s1.reused, `${bytes} bytes: one block taken`).toBe(s0.fresh + s0.reused + 1);
        expect(a).toBeInstanceOf(F);
        // a buffer of its own, exactly the array
        expect([a.length, a.byteOffset, a.buffer.byteLength]).toEqual([n, 0, bytes]);
        // from 1 MiB up the start is a 2 MiB boundary: measured from it the next one is 0 bytes away
        if (bytes >= HUGE_OUTPUT_BYTES) expect(cpu.hugePageOffset(a.buffer as ArrayBuffer, 0, a.byteLength)).toBe(0);
        a.fill(2);
        expect(a[0] + a[n - 1]).toBe(4);
      }
    });
  }

  it("below 64 KiB, cpu outputs are Node buffers (not the addon's blocks)", () => {
    const s0 = cpu.outputPoolStats();
    const a = kernelAllocator(false, "cpu")(POOLED_OUTPUT_BYTES / 4 - 1);
    const s1 = cpu.outputPoolStats();
    expect(s1.fresh + s1.reused).toBe(s0.fresh + s0.reused);
    expect(a.length).toBe(POOLED_OUTPUT_BYTES / 4 - 1);
  });

  it("other devices get zero-filled arrays of their own", () => {
    const a = kernelAllocator(true, "cuda")(HUGE_OUTPUT_BYTES / 8 + 1);
    expect([a.byteOffset, a.buffer.byteLength]).toEqual([0, HUGE_OUTPUT_BYTES + 8]);
    expect(a.every((v) => v === 0)).toBe(true);
  });
});
