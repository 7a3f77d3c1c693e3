import { describe, expect, it } from "vitest";
import { unpickle, ORDERED_DICT } from "../../src/pickle/unpickle.js";
import { NumpyArray, numpyGlobals, resolveNumpy, numpyArrayToPickle } from "../../src/pickle/numpy.js";
import { PickleError, isPyTuple } from "../../src/pickle/values.js";
import { pickle, PyFloat, PyBytesStr, PyCall, PyGlobalRef, PyTupleOf } from "../../src/pickle/pickler.js";
import { NP_P2, NP_P4, P0, PY_P2, PY_P4 } from "./vectors.js";

const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));

// The value pickled by Python:
// {0: [1, -1, 255, 256, 65535, 65536, -2**31, 2**31, 2**63, -2**70], 'f': (1.5, -0.0, inf), 'n': None, 't': True,
//  'u': 'héllo ✓', 'b': b'\x00\xff', 'nested': [[], (), {}], (1, 2): 'tuplekey'}
function checkPlain(v: Map<unknown, unknown>): void {
  expect(v).toBeInstanceOf(Map);
  expect(v.get(0)).toEqual([1, -1, 255, 256, 65535, 65536, -(2 ** 31), 2 ** 31, 2n ** 63n, -(2n ** 70n)]);
  const f = v.get("f") as number[];
  expect(isPyTuple(f)).toBe(true);
  expect(f[0]).toBe(1.5);
  expect(Object.is(f[1], -0)).toBe(true);
  expect(f[2]).toBe(Infinity);
  expect(v.get("n")).toBe(null);
  expect(v.get("t")).toBe(true);
  expect(v.get("u")).toBe("héllo ✓");
  expect(Array.from(v.get("b") as Uint8Array)).toEqual([0, 255]);
  const nested = v.get("nested") as unknown[];
  expect(Array.isArray(nested[0]) && !isPyTuple(nested[0])).toBe(true);
  expect(isPyTuple(nested[1])).toBe(true);
  expect(nested[2]).toBeInstanceOf(Map);
  const tk = [...v.keys()].find((k) => isPyTuple(k)) as unknown as number[];
  expect([...tk]).toEqual([1, 2]);
  expect(v.get(tk)).toBe("tuplekey");
}

describe("unpickle", () => {
  const codecs = new Map([["_codecs encode", numpyGlobals().get("_codecs encode")!]]);

  it("reads CPython protocol 2 and 4 pickles of plain values (ints incl. LONG1, floats, str, bytes, tuples, dicts)", () => {
    checkPlain(unpickle(hex(PY_P2), { globals: codecs }));
    checkPlain(unpickle(hex(PY_P4))); // protocol 4: bytes as SHORT_BINBYTES, FRAME, MEMOIZE
  });

  it("reads numpy arrays and scalars (big-endian, Fortran order, bool, int64, uint16, float32) at protocols 2 and 4", () => {
    for (const v of [NP_P2, NP_P4]) {
      const d = resolveNumpy(unpickle(hex(v), { globals: numpyGlobals() })) as Map<string, NumpyArray | number>;
      const be = d.get("be") as NumpyArray;
      expect([be.dtype, be.shape, Array.from(be.data as Int32Array)]).toEqual(["int32", [3], [1, -2, 3]]);
      const fo = d.get("fo") as NumpyArray;
      expect([fo.dtype, fo.shape, Array.from(fo.data as Float64Array)]).toEqual(["float64", [2, 3], [0, 1, 2, 3, 4, 5]]);
      const bo = d.get("bo") as NumpyArray;
      expect([bo.dtype, Array.from(bo.data as Uint8Array)]).toEqual(["bool", [1, 0]]);
      const i8 = d.get("i8") as NumpyArray;
      expect([i8.shape, Array.from(i8.data as BigInt64Array)]).toEqual([[1, 2], [2n ** 40n, -1n]]);
      expect(d.get("sc")).toBe(2.5);
      expect(d.get("si")).toBe(-7);
      expect(Array.from((d.get("u2") as NumpyArray).data as Uint16Array)).toEqual([65535]);
      expect((d.get("f4") as NumpyArray).data[0]).toBe(Math.fround(0.1));
    }
  });

  it("round-trips through the pickler (py3 and Python 2 str flavours)", () => {
    const arr = new NumpyArray("float64", [2, 2], new Float64Array([1, -2.5, 1e300, -0]));
    const value = new Map<unknown, unknown>([
      ["ints", [0, 255, 256, 65536, -1, -(2 ** 31) - 1, 2 ** 53 - 1, -(2n ** 64n), 2n ** 100n]],
      ["float", new PyFloat(3)],
      ["tuple", new PyTupleOf([1, "a", null, true, false])],
      ["arr", numpyArrayToPickle(arr, "py3")],
      ["arr2", numpyArrayToPickle(arr, "py2")],
      ["big", Array.from({ length: 2500 }, (_, i) => i)],
      [7, new PyBytesStr(new Uint8Array(300).fill(0xe9))],
    ]);
    for (const strings of ["unicode", "py2str"] as const) {
      const back = resolveNumpy(unpickle(pickle(value, { strings }), { globals: numpyGlobals() })) as Map<unknown, unknown>;
      expect(back.get("ints")).toEqual([0, 255, 256, 65536, -1, -(2 ** 31) - 1, 2 ** 53 - 1, -(2n ** 64n), 2n ** 100n]);
      expect(back.get("float")).toBe(3);
      expect([...(back.get("tuple") as unknown[])]).toEqual([1, "a", null, true, false]);
      for (const k of ["arr", "arr2"]) {
        const a = back.get(k) as NumpyArray;
        expect([a.shape, Array.from(a.data as Float64Array)]).toEqual([[2, 2], [1, -2.5, 1e300, -0]]);
      }
      expect((back.get("big") as number[]).length).toBe(2500);
      expect(back.get(7)).toBe("\u00e9".repeat(300));
    }
  });

  it("builds only the globals it is given, and OrderedDict with BUILD attributes", () => {
    const od = pickle(new PyCall(new PyGlobalRef("collections", "OrderedDict"), [], new Map([["_metadata", 1]]), new Map([["a", 1]])));
    expect(() => unpickle(od)).toThrow(/global 'collections\.OrderedDict', which this reader does not load \(it loads no globals\)/);
    const v = unpickle(od, { globals: { "collections OrderedDict": ORDERED_DICT } }) as Map<string, number>;
    expect([...v]).toEqual([["a", 1]]);
    expect(() => unpickle(pickle(new PyCall(new PyGlobalRef("builtins", "eval"), ["1"])), { globals: numpyGlobals() })).toThrow(
      /global 'builtins\.eval', which this reader does not load \(it loads: numpy\.core\.multiarray\._reconstruct/,
    );
  });

  it("refuses protocol 0, unknown opcodes, truncation, trailing bytes, stack misuse and missing memo entries", () => {
    expect(() => unpickle(hex(P0))).toThrow(/not a protocol-2\+ pickle.*protocols 0\/1 are not read/);
    expect(() => unpickle(new Uint8Array([0x80, 2, 0x49, 0x31, 0x0a, 0x2e]))).toThrow(/INT at offset 2: opcode not accepted/);
    expect(() => unpickle(new Uint8Array([0x80, 2, 0x8f, 0x2e]))).toThrow(/EMPTY_SET at offset 2/);
    expect(() => unpickle(new Uint8Array([0x80, 9, 0x4e, 0x2e]))).toThrow(/protocol 9 is not read/);
    const good = hex(PY_P2);
    for (const cut of [3, 50, good.length - 1]) expect(() => unpickle(good.subarray(0, cut), { globals: codecs, source: "x.p" })).toThrow(/x\.p: truncated pickle/);
    expect(() => unpickle(new Uint8Array([0x80, 2, 0x4e, 0x2e, 0x00]))).toThrow(/1 trailing bytes after STOP/);
    expect(() => unpickle(new Uint8Array([0x80, 2, 0x61, 0x2e]))).toThrow(/APPEND at offset 2: the stack is empty/);
    expect(() => unpickle(new Uint8Array([0x80, 2, 0x68, 5, 0x2e]))).toThrow(/memo entry 5 was never stored/);
    expect(() => unpickle(new Uint8Array([0x80, 2, 0x28, 0x4e, 0x2e]))).toThrow(/a MARK was left open/);
    expect(() => unpickle(new Uint8Array([0x80, 2, 0x4e, 0x51, 0x2e]))).toThrow(/persistent id but this reader was given no persistent_load/);
    expect(() => unpickle(new Uint8Array([0x80, 2, 0x4e, 0x4e, 0x2e]))).toThrow(/expected one value on the stack, found 2/);
    expect(() => unpickle(new Uint8Array(0))).toThrow(PickleError);
    expect(() => unpickle(new Uint8Array([0x80, 2, 0x8b, 0xff, 0xff, 0xff, 0x7f]))).toThrow(/LONG4 at offset 2: a 2147483647-byte integer is larger than this reader accepts/);
    expect(() => unpickle(new Uint8Array([0x80, 2, 0x58, 0xff, 0xff, 0xff, 0x7f]))).toThrow(/truncated pickle: BINUNICODE at offset 7 needs 2147483647 bytes/);
    // LONG4 of 2 bytes: -2 (0xfe 0xff), read as Python does
    expect(unpickle(new Uint8Array([0x80, 2, 0x8b, 2, 0, 0, 0, 0xfe, 0xff, 0x2e]))).toBe(-2);
  });

  it("reads Python 2 numpy pickles: str payloads, int flags, a fortran flag of 1, big-endian data", () => {
    // as old numpy under Python 2 writes them: dtype('>i2', 0, 1), state (1, (2, 2), dtype, 1, '<raw str>')
    const dtype = new PyCall(new PyGlobalRef("numpy", "dtype"), ["i2", 0, 1], new PyTupleOf([3, ">", null, null, null, -1, -1, 0]));
    const raw = new Uint8Array([0, 1, 0, 3, 0, 2, 0xff, 0xfc]); // column-major big-endian [[1, 2], [3, -4]]
    const arr = new PyCall(
      new PyGlobalRef("numpy.core.multiarray", "_reconstruct"),
      [new PyGlobalRef("numpy", "ndarray"), new PyTupleOf([0]), new PyBytesStr(new Uint8Array([0x62]))],
      new PyTupleOf([1, new PyTupleOf([2, 2]), dtype, 1, new PyBytesStr(raw)]),
    );
    const a = resolveNumpy(unpickle(pickle(new Map([["a", arr]]), { strings: "py2str" }), { globals: numpyGlobals() })).get("a") as NumpyArray;
    expect([a.dtype, a.shape, Array.from(a.data as Int16Array)]).toEqual(["int16", [2, 2], [1, 2, 3, -4]]);
  });

  it("refuses numpy payloads of the wrong size and unsupported dtypes", () => {
    const arr = new NumpyArray("float64", [3], new Float64Array([1, 2, 3]));
    const call = numpyArrayToPickle(arr, "py3");
    const bad = new PyCall(call.callable, call.args, new PyTupleOf([1, new PyTupleOf([4]), (call.state as PyTupleOf).items[2], false, (call.state as PyTupleOf).items[4]]));
    expect(() => unpickle(pickle(bad), { globals: numpyGlobals() })).toThrow(/shape \(4\) needs 32 bytes, the pickle holds 24/);
    const c16 = pickle(new PyCall(new PyGlobalRef("numpy", "dtype"), ["c16", false, true]));
    expect(() => unpickle(c16, { globals: numpyGlobals() })).toThrow(/numpy\.dtype\('c16'\) is not read/);
  });
});
