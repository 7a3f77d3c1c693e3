import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import h5wasm, { type Dataset } from "h5wasm/node";
import { checkHdf5File, DatasetFileError, lookup3, writeHdf5 } from "../src/index.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe("lookup3 (HDF5 metadata checksum)", () => {
  it("matches Bob Jenkins' published test vectors", () => {
    const enc = new TextEncoder();
    expect(lookup3(new Uint8Array(0))).toBe(0xdeadbeef);
    expect(lookup3(enc.encode("Four score and seven years ago"))).toBe(0x17770551);
    expect(lookup3(enc.encode("Four score and seven years ago"), 1)).toBe(0xcd628161);
  });
});

describe("writeHdf5 → HDF5 library (h5wasm)", () => {
  it("writes vlen float32/uint16, empty sequences, arrays and strings that libhdf5 reads back", async () => {
    await h5wasm.ready;
    const p = join(tmp.dir, "a.h5");
    const seqs = [new Float32Array([0.5, 0.25]), new Float32Array(0), Float32Array.from({ length: 1000 }, (_, i) => i / 7)];
    writeHdf5(p, {
      g: { kind: "group", children: {
        t: { kind: "vlen", base: "float32", length: 3, get: (i) => seqs[i] },
        u: { kind: "vlen", base: "uint16", length: 3, get: (i) => Uint16Array.from(seqs[i], (x) => Math.floor(x) % 700) },
        inner: { kind: "group", children: { d: { kind: "array", type: "float64", data: [Math.PI, -1], shape: [2] } } },
      } },
      labels: { kind: "array", type: "uint16", data: [3, 0, 19] },
      m: { kind: "array", type: "int32", data: [-5, 6, 7, 8, 9, 10], shape: [2, 3] },
      keys: { kind: "strings", data: ["english zero", "x"] },
    });
    const f = new h5wasm.File(p, "r");
    const t = f.get("g/t") as Dataset;
    expect(t.metadata.type).toBe(9);
    const tv = t.value as Float32Array[];
    expect(tv.length).toBe(3);
    tv.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(seqs[i])));
    const uv = (f.get("g/u") as Dataset).value as Uint16Array[];
    expect(Array.from(uv[2]).slice(0, 10)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(Array.from((f.get("g/inner/d") as Dataset).value as Float64Array)).toEqual([Math.PI, -1]);
    expect(Array.from((f.get("labels") as Dataset).value as Uint16Array)).toEqual([3, 0, 19]);
    const m = f.get("m") as Dataset;
    expect(m.shape).toEqual([2, 3]);
    expect(Array.from(m.value as Int32Array)).toEqual([-5, 6, 7, 8, 9, 10]);
    expect((f.get("keys") as Dataset).value).toEqual(["english zero", "x"]);
    f.close();
  });

  it("spreads large vlen data over several global heap collections", async () => {
    await h5wasm.ready;
    const p = join(tmp.dir, "big.h5");
    const n = 5;
    const seq = (i: number): Float32Array => Float32Array.from({ length: 120_000 + i }, (_, k) => k * 0.5 + i);
    writeHdf5(p, { t: { kind: "vlen", base: "float32", length: n, get: seq } });
    const f = new h5wasm.File(p, "r");
    const v = (f.get("t") as Dataset).slice([[2, 5]]) as Float32Array[];
    expect(v.map((a) => a.length)).toEqual([120_002, 120_003, 120_004]);
    expect(v[1][119_999]).toBe(119_999 * 0.5 + 3);
    f.close();
  });

  it("pads a collection to the 4096-byte minimum whatever the leftover (8 bytes, 16 bytes, none)", async () => {
    await h5wasm.ready;
    // one sequence of n float32: collection = 16 header + 16 object header + 4n data (+ free space)
    for (const n of [1014, 1012, 1016, 1010]) {
      const p = join(tmp.dir, `pad${n}.h5`);
      const seq = Float32Array.from({ length: n }, (_, i) => i);
      writeHdf5(p, { t: { kind: "vlen", base: "float32", length: 1, get: () => seq } });
      const f = new h5wasm.File(p, "r");
      const v = (f.get("t") as Dataset).value as Float32Array[];
      expect([v[0].length, v[0][n - 1]]).toEqual([n, n - 1]);
      f.close();
    }
  });

  it("refuses values that do not fit the declared type, naming the element", () => {
    expect(() => writeHdf5(join(tmp.dir, "bad.h5"), { l: { kind: "array", type: "uint16", data: [1, 70000] } })).toThrow(/l\[1\] = 70000 does not fit uint16/);
  });
});

describe("checkHdf5File", () => {
  it("accepts a whole file and reports its superblock", () => {
    const p = join(tmp.dir, "ok.h5");
    writeHdf5(p, { x: { kind: "array", type: "uint8", data: [1] } });
    const h = checkHdf5File(p);
    expect(h.superblockVersion).toBe(2);
    expect(h.endOfFile).toBe(h.size);
  });
  it("names the file and the problem: missing, empty, not HDF5, gzip, truncated", () => {
    const whole = join(tmp.dir, "w.h5");
    writeHdf5(whole, { x: { kind: "array", type: "uint8", data: new Uint8Array(5000) } });
    const bytes = readFileSync(whole);
    const cases: [string, Uint8Array | null, RegExp][] = [
      ["missing.h5", null, /not found/],
      ["empty.h5", new Uint8Array(0), /empty/],
      ["text.h5", new TextEncoder().encode("hello, not hdf5\n"), /not an HDF5 file/],
      ["gz.h5", Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3), /gzip/],
      ["cut.h5", bytes.subarray(0, bytes.length - 100), /truncated.*records \d+ bytes but the file has \d+/],
      ["cut-sb.h5", bytes.subarray(0, 20), /truncated/],
    ];
    for (const [name, data, re] of cases) {
      const p = join(tmp.dir, name);
      if (data) writeFileSync(p, data);
      let err: unknown;
      try { checkHdf5File(p); } catch (e) { err = e; }
      expect(err, name).toBeInstanceOf(DatasetFileError);
      expect((err as DatasetFileError).file).toBe(p);
      expect((err as Error).message).toContain(p);
      expect((err as Error).message).toMatch(re);
    }
  });
});
