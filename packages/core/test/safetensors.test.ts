import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tensor, encodeSafetensors, decodeSafetensors, saveSafetensors, loadSafetensors, SafetensorsError } from "../src/index.js";

/** Builds a file by hand, per the format description (not through our encoder). */
function handMade(header: object, data: number[]): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe("safetensors", () => {
  it("round-trips float32/float64/int32 tensors and metadata, header 8-byte aligned", () => {
    const tensors = {
      "mlp.network.0.weight": Tensor.fromArray([1.5, -2, 3, 4e-8, 5, 6], [2, 3]),
      "w_y.bias": Tensor.fromArray([Math.PI], [1], { dtype: "float64" }),
      steps: Tensor.fromArray([7, -8], [2], { dtype: "int32" }),
      scalar: Tensor.fromArray([2], [], { dtype: "float32" }),
    };
    const bytes = encodeSafetensors(tensors, { format: "pt", note: "ünïcode" });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ format: "pt", note: "ünïcode" });
    for (const [k, t] of Object.entries(tensors)) {
      expect(back.tensors[k].dtype).toBe(t.dtype);
      expect(back.tensors[k].shape).toEqual(t.shape);
      expect(back.tensors[k].toArray()).toEqual(t.toArray());
    }
  });

  it("reads a hand-built file with I64, BF16, F16 and BOOL", () => {
    const bytes = handMade(
      {
        __metadata__: { a: "b" },
        ids: { dtype: "I64", shape: [2], data_offsets: [0, 16] },
        h: { dtype: "F16", shape: [2], data_offsets: [16, 20] },
        bf: { dtype: "BF16", shape: [1], data_offsets: [20, 22] },
        m: { dtype: "BOOL", shape: [2], data_offsets: [22, 24] },
      },
      [
        3, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // 3, -2
        0x00, 0x3c, 0x00, 0xc0, // F16 1.0, -2.0
        0x40, 0x40, // BF16 3.0 (0x4040)
        1, 0,
      ],
    );
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ a: "b" });
    expect(tensors.ids.toArray()).toEqual([3, -2]);
    expect(tensors.ids.dtype).toBe("int32");
    expect(tensors.h.toArray()).toEqual([1, -2]);
    expect(tensors.bf.toArray()).toEqual([3]);
    expect(tensors.m.toArray()).toEqual([1, 0]);
  });

  it("rejects corrupt files with messages naming the problem", () => {
    expect(() => decodeSafetensors(new Uint8Array(4))).toThrow(SafetensorsError);
    expect(() => decodeSafetensors(handMade({ a: { dtype: "F32", shape: [2], data_offsets: [0, 4] } }, [0, 0, 0, 0]))).toThrow(/'a': data_offsets span 4 bytes but F32\[2\] needs 8/);
    expect(() => decodeSafetensors(handMade({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, [0, 0]))).toThrow(/past the data block/);
    expect(() => decodeSafetensors(handMade({ a: { dtype: "C64", shape: [1], data_offsets: [0, 8] } }, []))).toThrow(/dtype "C64"/);
    expect(() => decodeSafetensors(handMade({ a: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, [0, 0, 0, 0, 1, 0, 0, 0]))).toThrow(/does not fit int32/);
    const big = new Uint8Array(16);
    new DataView(big.buffer).setBigUint64(0, 1000n, true);
    expect(() => decodeSafetensors(big)).toThrow(/header length 1000 exceeds/);
  });

  it("saves and loads files atomically", () => {
    const dir = mkdtempSync(join(tmpdir(), "elm-core-st-"));
    try {
      const p = join(dir, "m.safetensors");
      saveSafetensors(p, { x: Tensor.fromArray([1, 2], [2]) }, { step: "3" });
      const f = loadSafetensors(p);
      expect(f.tensors.x.toArray()).toEqual([1, 2]);
      expect(f.metadata.step).toBe("3");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a malformed file is refused naming the file; a failed save leaves no temp file", () => {
    const dir = mkdtempSync(join(tmpdir(), "elm-core-st-"));
    try {
      const p = join(dir, "truncated.safetensors");
      saveSafetensors(p, { x: Tensor.fromArray([1, 2, 3, 4], [4]) });
      writeFileSync(p, readFileSync(p).subarray(0, 20));
      expect(() => loadSafetensors(p)).toThrow(SafetensorsError);
      expect(() => loadSafetensors(p)).toThrow(new RegExp(`^safetensors: ${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: header length \\d+ exceeds the file \\(20 bytes\\)$`));
      // the target is a directory: the rename fails after the temp file was written
      const target = join(dir, "sub");
      mkdirSync(target);
      writeFileSync(join(target, "keep"), "x");
      expect(() => saveSafetensors(target, { x: Tensor.fromArray([1], [1]) })).toThrow();
      expect(readdirSync(dir).sort()).toEqual(["sub", "truncated.safetensors"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
