import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import h5wasm from "h5wasm/node";
import { DatasetFileError, readShd, writeHdf5, writeShd } from "../src/index.js";
import { tempDir, tinySamples } from "./helpers.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const SAMPLES = tinySamples([
  { times: [0.01, 0.5, 0.99], units: [0, 350, 699], label: 0, speaker: 1 },
  { times: [], units: [], label: 19, speaker: 2 },
  { times: [0.25, 1.3], units: [10, 11], label: 13, speaker: 1 },
]);

async function readError(p: string, opts?: Parameters<typeof readShd>[1]): Promise<DatasetFileError> {
  try {
    await readShd(p, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetFileError);
    expect((e as DatasetFileError).file).toBe(p);
    expect((e as Error).message.startsWith(`${p}: `)).toBe(true);
    return e as DatasetFileError;
  }
  throw new Error(`readShd(${p}) did not fail`);
}

describe("readShd", () => {
  it("reads the SHD schema back exactly (times, units, labels, speakers), in chunks", async () => {
    const p = join(tmp.dir, "shd_small.h5");
    writeShd(p, SAMPLES);
    for (const chunk of [1, 2, 256]) {
      const s = await readShd(p, { chunk });
      expect(Array.from(s.offsets)).toEqual([0, 3, 3, 5]);
      expect(Array.from(s.times)).toEqual(Array.from(SAMPLES.times));
      expect(Array.from(s.units)).toEqual([0, 350, 699, 10, 11]);
      expect(Array.from(s.labels)).toEqual([0, 19, 13]);
      expect(Array.from(s.speakers ?? [])).toEqual([1, 2, 1]);
      expect(s.channels).toBe(700);
      expect(s.numClasses).toBe(20);
    }
  });

  it("a missing file", async () => {
    expect((await readError(join(tmp.dir, "nope", "shd_train.h5"))).reason).toMatch(/SHD file not found/);
  });

  it("a file that is not HDF5, and a truncated one, never reach the HDF5 library", async () => {
    const txt = join(tmp.dir, "notes.h5");
    writeFileSync(txt, "spikes,times\n1,2\n");
    expect((await readError(txt)).reason).toMatch(/not an HDF5 file/);
    const whole = join(tmp.dir, "whole.h5");
    writeShd(whole, SAMPLES);
    const bytes = readFileSync(whole);
    for (const keep of [0.5, 0.9, 0.99]) {
      const cut = join(tmp.dir, `cut${keep}.h5`);
      writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * keep)));
      expect((await readError(cut)).reason).toMatch(/truncated/);
    }
  });

  it("files of another schema", async () => {
    await h5wasm.ready;
    // written by h5wasm: labels only
    const a = join(tmp.dir, "labels_only.h5");
    let f = new h5wasm.File(a, "w");
    f.create_dataset({ name: "labels", data: new Uint16Array([1, 2]) });
    f.close();
    expect((await readError(a)).reason).toMatch(/not in the SHD schema: no dataset "spikes\/times" \(found: labels\)/);
    // written by h5wasm: spikes/times as a plain float matrix instead of vlen
    const b = join(tmp.dir, "dense_times.h5");
    f = new h5wasm.File(b, "w");
    f.create_group("spikes");
    f.create_dataset({ name: "spikes/times", data: new Float32Array(6), shape: [2, 3] });
    f.create_dataset({ name: "spikes/units", data: new Uint16Array(6), shape: [2, 3] });
    f.create_dataset({ name: "labels", data: new Uint16Array([1, 2]) });
    f.close();
    expect((await readError(b)).reason).toMatch(/"spikes\/times" is float32, expected vlen float/);
    // vlen of the wrong base type
    const c = join(tmp.dir, "int_times.h5");
    writeHdf5(c, {
      spikes: { kind: "group", children: {
        times: { kind: "vlen", base: "uint16", length: 1, get: () => [1] },
        units: { kind: "vlen", base: "uint16", length: 1, get: () => [1] },
      } },
      labels: { kind: "array", type: "uint16", data: [0] },
    });
    expect((await readError(c)).reason).toMatch(/"spikes\/times" is vlen integer16, expected vlen float/);
    // lengths that disagree
    const d = join(tmp.dir, "lengths.h5");
    writeHdf5(d, {
      spikes: { kind: "group", children: {
        times: { kind: "vlen", base: "float32", length: 2, get: () => [0.1] },
        units: { kind: "vlen", base: "uint16", length: 2, get: () => [1] },
      } },
      labels: { kind: "array", type: "uint16", data: [0, 1, 2] },
    });
    expect((await readError(d)).reason).toMatch(/spikes\/times has 2 samples, spikes\/units 2, labels 3/);
    // spikes/times is a group
    const g = join(tmp.dir, "group_times.h5");
    writeHdf5(g, {
      spikes: { kind: "group", children: { times: { kind: "group", children: {} }, units: { kind: "vlen", base: "uint16", length: 1, get: () => [1] } } },
      labels: { kind: "array", type: "uint16", data: [0] },
    });
    expect((await readError(g)).reason).toMatch(/"spikes\/times" is a group, expected a dataset/);
    // a sample whose times and units differ in length
    const e = join(tmp.dir, "ragged.h5");
    writeHdf5(e, {
      spikes: { kind: "group", children: {
        times: { kind: "vlen", base: "float32", length: 1, get: () => [0.1, 0.2] },
        units: { kind: "vlen", base: "uint16", length: 1, get: () => [1] },
      } },
      labels: { kind: "array", type: "uint16", data: [0] },
    });
    expect((await readError(e)).reason).toMatch(/sample 0: 2 spike times but 1 units/);
  });

  it("a label, a unit or a time out of range", async () => {
    const bad = (over: Partial<{ label: number; unit: number; time: number }>): string => {
      const p = join(tmp.dir, `bad-${JSON.stringify(over).replace(/\W/g, "")}.h5`);
      const s = tinySamples([
        { times: [0.1], units: [1], label: 2 },
        { times: [over.time ?? 0.2], units: [over.unit ?? 2], label: over.label ?? 3 },
      ], 65535, 65535);
      writeShd(p, s, { keys: ["a"] });
      return p;
    };
    expect((await readError(bad({ label: 20 }))).reason).toBe("labels[1] = 20 is out of range [0, 20)");
    expect((await readError(bad({ unit: 700 }))).reason).toBe("sample 1: unit 700 is out of range [0, 700)");
    expect((await readError(bad({ time: -0.5 }))).reason).toMatch(/sample 1: spike time -0.5 s is not a finite time ≥ 0/);
    expect((await readError(bad({ time: NaN }))).reason).toMatch(/sample 1: spike time NaN/);
    // the same file with a wider label range is fine
    await expect(readShd(bad({ label: 20 }), { numClasses: 21 })).resolves.toBeDefined();
  });

  it("keeps working after a bad file (no state left in the HDF5 library)", async () => {
    const p = join(tmp.dir, "after.h5");
    copyFileSync(join(tmp.dir, "shd_small.h5"), p);
    expect((await readShd(p)).labels.length).toBe(3);
  });
});

describe("readShd on damaged files", () => {
  it("a corrupt global heap gives a DatasetFileError (never a crash), and later reads still work", async () => {
    const good = join(tmp.dir, "heap_good.h5");
    writeShd(good, SAMPLES);
    const bytes = Buffer.from(readFileSync(good));
    // the writer puts the first global heap collection ("GCOL") right after the 48-byte superblock
    expect(bytes.subarray(48, 52).toString("latin1")).toBe("GCOL");
    for (let k = 48; k < 64; k++) bytes[k] ^= 0xff;
    const bad = join(tmp.dir, "heap_bad.h5");
    writeFileSync(bad, bytes);
    expect((await readError(bad)).reason).toMatch(/cannot read the spikes of samples 0\.\.2 \(corrupt file\?\)/);
    expect(Array.from((await readShd(good)).labels)).toEqual([0, 19, 13]);
  });

  it("checks files written by the HDF5 library itself (superblock v0, as h5py writes SHD)", async () => {
    await h5wasm.ready;
    const p = join(tmp.dir, "lib.h5");
    const f = new h5wasm.File(p, "w", { libver: ["earliest", "v108"] });
    f.create_dataset({ name: "labels", data: new Uint16Array(2000) });
    f.close();
    const { checkHdf5File } = await import("../src/index.js");
    const h = checkHdf5File(p);
    expect(h.superblockVersion).toBe(0);
    expect(h.endOfFile).toBe(h.size);
    const cut = join(tmp.dir, "lib_cut.h5");
    writeFileSync(cut, readFileSync(p).subarray(0, h.size - 1));
    expect((await readError(cut)).reason).toMatch(/truncated/);
  });
});
