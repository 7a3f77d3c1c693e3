// hugePageOffset: the offset to the first 2 MiB boundary of a byte range (after
// advising huge pages over the whole 2 MiB pages from there). The address is not
// visible from JS, so the tests check the offsets against each other: from the
// boundary itself it is 0, from one byte past it 2 MiB − 1, and so on.
import { describe, expect, it } from "vitest";
import { cpu } from "../lib/index.js";

const MiB2 = 2 ** 21;

describe("hugePageOffset", () => {
  const b = Buffer.allocUnsafeSlow(3 * MiB2);
  const s = cpu.hugePageOffset(b.buffer, b.byteOffset, b.byteLength);

  it("finds a boundary inside a range longer than 2 MiB, and measures from the range's start", () => {
    expect(Number.isInteger(s)).toBe(true);
    expect(s).toBeGreaterThanOrEqual(0);
    expect(s).toBeLessThan(MiB2);
    expect(cpu.hugePageOffset(b.buffer, s, b.byteLength - s)).toBe(0);
    expect(cpu.hugePageOffset(b.buffer, s + 1, b.byteLength - s - 1)).toBe(MiB2 - 1);
    expect(cpu.hugePageOffset(b.buffer, s + 4096, MiB2)).toBe(MiB2 - 4096);
  });

  it("returns the range's length when no boundary lies inside it", () => {
    expect(cpu.hugePageOffset(b.buffer, s + 1, 100)).toBe(100);
    expect(cpu.hugePageOffset(b.buffer, s, 0)).toBe(0);
  });

  it("the memory past the offset is ordinary, writable memory", () => {
    const f = new Float32Array(b.buffer, s, MiB2 / 4);
    f.fill(1.5);
    expect(f[0] + f[f.length - 1]).toBe(3);
  });

  it("refuses a range outside the buffer and a non-buffer, naming them", () => {
    expect(() => cpu.hugePageOffset(b.buffer, 8, b.byteLength)).toThrow(/hugePageOffset: bytes \[8, \d+\) lie outside the buffer of \d+ bytes/);
    expect(() => cpu.hugePageOffset(b.buffer, -1, 4)).toThrow(/'byteOffset' must be an integer ≥ 0, got -1/);
    expect(() => cpu.hugePageOffset(new Float32Array(4) as unknown as ArrayBuffer, 0, 4)).toThrow(/'buffer' must be an ArrayBuffer, got Float32Array/);
  });
});
