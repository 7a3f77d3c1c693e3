import { describe, expect, it } from "vitest";
import { readSharedFixture } from "@elm/core/testing";
import { readTorchCheckpoint, readTorchStateDict } from "../../src/torch/read.js";
import { writeTorchStateDict } from "../../src/torch/write.js";
import { writeTorchArchive, TorchFileError } from "../../src/torch/zip.js";
import { PyCall, PyGlobalRef, PyPersistent, PyTupleOf, pickle } from "../../src/torch/datasets.js";
import type { RawTensor } from "../../src/torch/rawTensor.js";

const ptBytes = readSharedFixture("pretrained", "neuronio_num_memory_10", "neuronio_best_model_state.pt");

const OD = new PyGlobalRef("collections", "OrderedDict");
const REBUILD = new PyGlobalRef("torch._utils", "_rebuild_tensor_v2");
function storage(key: string, type = "FloatStorage", n = 6): PyPersistent {
  return new PyPersistent(new PyTupleOf(["storage", new PyGlobalRef("torch", type), key, "cpu", n]));
}
function tensorCall(st: PyPersistent, offset: number, size: number[], stride: number[]): PyCall {
  return new PyCall(REBUILD, [st, offset, new PyTupleOf(size), new PyTupleOf(stride), false, new PyCall(OD, [])]);
}
function archive(root: unknown, records: [string, Uint8Array][] = [], prefix = "archive"): Uint8Array {
  return writeTorchArchive([["data.pkl", pickle(root)], ...records, ["version", new TextEncoder().encode("3\n")]], prefix);
}
const f32 = (xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);

/** Data offset of every stored entry, from the local headers. */
function entryDataOffsets(zip: Uint8Array): Map<string, number> {
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out = new Map<string, number>();
  let p = 0;
  while (dv.getUint32(p, true) === 0x04034b50) {
    const method = dv.getUint16(p + 8, true);
    expect(method).toBe(0); // stored
    const size = dv.getUint32(p + 18, true);
    const nl = dv.getUint16(p + 26, true);
    const el = dv.getUint16(p + 28, true);
    const name = new TextDecoder().decode(zip.subarray(p + 30, p + 30 + nl));
    out.set(name, p + 30 + nl + el);
    p = p + 30 + nl + el + size;
  }
  return out;
}

describe("readTorchStateDict on the authors' pre-trained NeuronIO ELM (d_m = 10)", () => {
  const ck = readTorchCheckpoint(ptBytes, "neuronio_best_model_state.pt");

  it("lists every key with its dtype and shape (ELM v1, 45 branches × 100 synapses, neuronio routing)", () => {
    const listing = [...ck.tensors].map(([k, t]) => `${k} ${t.dtype} [${t.shape.join(",")}]`);
    expect(listing).toEqual([
      "_proto_w_s float32 [4500]",
      "tau_s float32 [4500]",
      "_proto_tau_m float32 [10]",
      "input_to_synapse_indices int64 [4500]",
      "valid_indices_mask bool [4500]",
      "mlp.network.0.weight float32 [20,55]",
      "mlp.network.0.bias float32 [20]",
      "mlp.network.2.weight float32 [10,20]",
      "mlp.network.2.bias float32 [10]",
      "w_y.weight float32 [2,10]",
      "w_y.bias float32 [2]",
    ]);
    expect(ck.archiveName).toBe("archive");
    expect(ck.version).toBe("3");
  });

  it("holds the neuronio routing of ELM_SPEC §1 and per-synapse tau_s", () => {
    const idx = ck.tensors.get("input_to_synapse_indices")!.data as BigInt64Array;
    const mask = ck.tensors.get("valid_indices_mask")!.data as Uint8Array;
    const dIn = 1278, dTree = 45, dBrch = 100, stride = Math.ceil(dIn / dTree);
    for (let w = 0; w < dTree; w++) {
      for (let e = 0; e < dBrch; e++) {
        const raw = w * stride + e;
        const win = Math.min(raw, dIn - 1);
        const il = (win % 2) * Math.floor(dIn / 2) + Math.floor(win / 2);
        expect(Number(idx[w * dBrch + e])).toBe(il);
        expect(mask[w * dBrch + e]).toBe(raw < dIn ? 1 : 0);
      }
    }
    const tauS = ck.tensors.get("tau_s")!.data as Float32Array;
    expect(tauS.length).toBe(4500);
    expect(Array.from(ck.tensors.get("w_y.bias")!.data as Float32Array)).toEqual([Math.fround(-2.8388919830322266), Math.fround(0.06962574273347855)]);
  });

  it("round-trips: write → read gives identical tensors; entries stored and 64-byte aligned; deterministic bytes", () => {
    const bytes = writeTorchStateDict(ck.tensors);
    const back = readTorchStateDict(bytes);
    expect([...back.keys()]).toEqual([...ck.tensors.keys()]);
    for (const [k, t] of ck.tensors) {
      const u = back.get(k)!;
      expect(u.dtype).toBe(t.dtype);
      expect(u.shape).toEqual(t.shape);
      expect(Buffer.from(u.data.buffer, u.data.byteOffset, u.data.byteLength).equals(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))).toBe(true);
    }
    const offsets = entryDataOffsets(bytes);
    expect([...offsets.keys()]).toContain("archive/byteorder");
    for (const [name, off] of offsets) expect([name, off % 64]).toEqual([name, 0]);
    expect(Buffer.from(writeTorchStateDict(ck.tensors)).equals(Buffer.from(bytes))).toBe(true);
    expect(readTorchCheckpoint(bytes).version).toBe("3");
  });

  it("round-trips every dtype, scalars, empty tensors, _metadata and another archive name", () => {
    const t = new Map<string, RawTensor>([
      ["f64", { dtype: "float64", shape: [2, 2], data: new Float64Array([1.5, -2, Math.PI, 1e-300]) }],
      ["i64", { dtype: "int64", shape: [3], data: new BigInt64Array([-(2n ** 62n), 0n, 7n]) }],
      ["i32", { dtype: "int32", shape: [], data: new Int32Array([-5]) }],
      ["i16", { dtype: "int16", shape: [1], data: new Int16Array([-300]) }],
      ["i8", { dtype: "int8", shape: [1], data: new Int8Array([-3]) }],
      ["u8", { dtype: "uint8", shape: [2], data: new Uint8Array([0, 255]) }],
      ["b", { dtype: "bool", shape: [2], data: new Uint8Array([1, 0]) }],
      ["h", { dtype: "float16", shape: [1], data: new Uint16Array([0x3c00]) }],
      ["bf", { dtype: "bfloat16", shape: [1], data: new Uint16Array([0x3f80]) }],
      ["empty", { dtype: "float32", shape: [0, 3], data: new Float32Array(0) }],
    ]);
    const md = new Map([["", new Map([["version", 1]])]]);
    const ck2 = readTorchCheckpoint(writeTorchStateDict(t, { archiveName: "my_model", metadata: md }));
    expect(ck2.archiveName).toBe("my_model");
    expect(ck2.metadata?.get("")?.get("version")).toBe(1);
    for (const [k, v] of t) {
      const u = ck2.tensors.get(k)!;
      expect([k, u.dtype, u.shape, Array.from(u.data as ArrayLike<number | bigint>)]).toEqual([k, v.dtype, v.shape, Array.from(v.data as ArrayLike<number | bigint>)]);
    }
  });

  it("copies non-contiguous views (transposed strides, storage offset, shared storage)", () => {
    // storage 0..5 ; a = view [2,3] contiguous ; b = a.T (size [3,2], stride [1,3]) ; c = storage[2:4] (offset 2)
    const st = storage("0");
    const root = new PyCall(OD, [], undefined, new Map<unknown, unknown>([
      ["a", tensorCall(st, 0, [2, 3], [3, 1])],
      ["b", tensorCall(st, 0, [3, 2], [1, 3])],
      ["c", tensorCall(st, 2, [2], [1])],
      ["d", tensorCall(st, 1, [2, 2], [3, 1])],
      ["e", tensorCall(st, 0, [2, 1, 3], [3, 99, 1])],
    ]));
    const sd = readTorchStateDict(archive(root, [["data/0", f32([0, 1, 2, 3, 4, 5])]]));
    expect(Array.from(sd.get("a")!.data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(sd.get("b")!.data as Float32Array)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(Array.from(sd.get("c")!.data as Float32Array)).toEqual([2, 3]);
    expect(Array.from(sd.get("d")!.data as Float32Array)).toEqual([1, 2, 4, 5]);
    expect(Array.from(sd.get("e")!.data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("reads any archive folder name", () => {
    const root = new PyCall(OD, [], undefined, new Map([["w", tensorCall(storage("0", "FloatStorage", 2), 0, [2], [1])]]));
    const sd = readTorchStateDict(archive(root, [["data/0", f32([1, 2])]], "neuronio_best_model_state"));
    expect(Array.from(sd.get("w")!.data as Float32Array)).toEqual([1, 2]);
  });

  it("refuses a non-tensor value, an unknown global, a truncated archive, a missing or short storage, with clear errors", () => {
    const ok = (v: unknown) => new PyCall(OD, [], undefined, new Map([["w", v]]));
    expect(() => readTorchStateDict(archive(ok(3)))).toThrow(/'w' holds a int, expected a tensor/);
    expect(() => readTorchStateDict(archive(ok(new PyCall(new PyGlobalRef("os", "system"), ["echo hi"]))))).toThrow(/global 'os\.system', which this reader does not load/);
    expect(() => readTorchStateDict(ptBytes.subarray(0, 40000), "cut.pt")).toThrow(TorchFileError);
    expect(() => readTorchStateDict(ptBytes.subarray(0, 40000), "cut.pt")).toThrow(/cut\.pt: the zip archive cannot be read/);
    expect(() => readTorchStateDict(archive(ok(tensorCall(storage("7", "FloatStorage", 2), 0, [2], [1]))))).toThrow(/storage 7 \(FloatStorage\) is missing: no record archive\/data\/7/);
    expect(() => readTorchStateDict(archive(ok(tensorCall(storage("0", "FloatStorage", 4), 0, [4], [1])), [["data/0", f32([1, 2])]]))).toThrow(/holds 8 bytes, expected 4 × 4/);
    expect(() => readTorchStateDict(archive(ok(tensorCall(storage("0", "FloatStorage", 2), 1, [2], [1])), [["data/0", f32([1, 2])]]))).toThrow(/reaches element 2, but storage data\/0 holds 2/);
    expect(() => readTorchStateDict(archive(ok(tensorCall(storage("0", "ComplexFloatStorage", 2), 0, [2], [1])), [["data/0", f32([1, 2, 3, 4])]]))).toThrow(/ComplexFloatStorage/);
    expect(() => readTorchStateDict(archive([1, 2]))).toThrow(/holds a list, expected a state dict/);
    expect(() => readTorchStateDict(new Uint8Array([0x80, 2, 0x4e, 0x2e]))).toThrow(/bare pickle/);
    expect(() => readTorchStateDict(new Uint8Array(100))).toThrow(/not a PyTorch zip checkpoint/);
    // a pickle cut short inside the archive
    const pkl = pickle(ok(1));
    expect(() => readTorchStateDict(writeTorchArchive([["data.pkl", pkl.subarray(0, pkl.length - 3)]]))).toThrow(/truncated pickle/);
  });

  it("refuses inconsistent tensors when writing", () => {
    expect(() => writeTorchStateDict(new Map([["w", { dtype: "float32", shape: [3], data: new Float32Array(2) }]]))).toThrow(/shape \(3\) has 3 elements, data has 2/);
    expect(() => writeTorchStateDict(new Map([["w", { dtype: "float32", shape: [2], data: new Float64Array(2) }]]))).toThrow(/needs Float32Array data, got Float64Array/);
    expect(() => writeTorchStateDict(new Map([["w", { dtype: "complex64" as never, shape: [2], data: new Float32Array(2) }]]))).toThrow(/unknown tensor dtype 'complex64'/);
  });
});
