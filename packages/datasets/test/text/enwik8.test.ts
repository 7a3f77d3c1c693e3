import { closeSync, mkdirSync, openSync, writeFileSync, writeSync, ftruncateSync } from "node:fs";
import { join } from "node:path";
import { zipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { crc32, DatasetFileError, ENWIK8_BYTES, loadTextTask, readEnwik8, splitSizes } from "../../src/index.js";
import { tempDir } from "../helpers.js";

const tmp = tempDir("elm-enwik8-");
afterAll(() => tmp.cleanup());

/** Bytes that differ at every position (so a wrong offset shows). */
const content = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 0xff);

const write = (name: string, data: Uint8Array): string => {
  const p = join(tmp.dir, name);
  writeFileSync(p, data);
  return p;
};

async function fileError(p: Promise<unknown>): Promise<DatasetFileError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetFileError);
    return e as DatasetFileError;
  }
  throw new Error("expected a DatasetFileError");
}

describe("splitSizes", () => {
  it("standard: 90M / 5M / 5M of exactly 100,000,000 bytes", () => {
    expect(splitSizes("f", ENWIK8_BYTES, "standard")).toEqual({ train: 90_000_000, valid: 5_000_000, test: 5_000_000 });
    expect(splitSizes("f", ENWIK8_BYTES, { fractions: [0.9, 0.05, 0.05] })).toEqual({ train: 90_000_000, valid: 5_000_000, test: 5_000_000 });
  });
  it("fractions round train and valid, test takes the rest; bytes must add up", () => {
    expect(splitSizes("f", 1001, { fractions: [0.9, 0.05, 0.05] })).toEqual({ train: 901, valid: 50, test: 50 });
    expect(splitSizes("f", 10, { fractions: [1, 0, 0] })).toEqual({ train: 10, valid: 0, test: 0 });
    expect(splitSizes("f", 10, { bytes: [6, 3, 1] })).toEqual({ train: 6, valid: 3, test: 1 });
    expect(() => splitSizes("f", 10, { bytes: [6, 3, 2] })).toThrow(/f: 10 bytes, but split.bytes 6 \+ 3 \+ 2 = 11/);
    expect(() => splitSizes("f", 10, { fractions: [0.9, 0.05, 0.1] })).toThrow(/add up to 1/);
    expect(() => splitSizes("f", 10, { fractions: [1.1, -0.1, 0] })).toThrow(/three numbers ≥ 0/);
    expect(() => splitSizes("f", 10, { bytes: [5, 2.5, 2.5] })).toThrow(/three integers/);
    expect(() => splitSizes("f", 10, "halves" as never)).toThrow(/split must be "standard"/);
  });
});

describe("readEnwik8", () => {
  const data = content(10_000);
  const raw = write("enwik8", data);

  it("reads a short raw file with the split as fractions or byte counts", async () => {
    const s = await readEnwik8(raw, { split: { fractions: [0.9, 0.05, 0.05] } });
    expect(s.sizes).toEqual({ train: 9000, valid: 500, test: 500 });
    expect(s.train).toEqual(data.subarray(0, 9000));
    expect(s.valid).toEqual(data.subarray(9000, 9500));
    expect(s.test).toEqual(data.subarray(9500));
    const t = await readEnwik8(raw, { split: { bytes: [7000, 2000, 1000] } });
    expect(t.valid).toEqual(data.subarray(7000, 9000));
    expect(t.test).toEqual(data.subarray(9000));
    expect(t.source).toBe(raw);
  });

  it("reads enwik8 from a zip (deflated or stored, at the root or in a folder) like the raw file", async () => {
    for (const [name, files] of [
      ["deflate.zip", { enwik8: [data, { level: 9 }] }],
      ["stored.zip", { "README.txt": new TextEncoder().encode("hi"), enwik8: [data, { level: 0 }] }],
      ["folder.zip", { "enwik8-dir/enwik8": data }],
    ] as const) {
      const p = write(name, zipSync(files as never));
      const s = await readEnwik8(p, { split: { bytes: [8000, 1000, 1000] } });
      expect(s.bytes).toEqual(data);
      expect(s.test).toEqual(data.subarray(9000));
      expect(s.source).toMatch(new RegExp(`${name} \\(entry ".*enwik8"\\)$`));
    }
  });

  it("standard split of a 100,000,000-byte file: 90M / 5M / 5M at the right offsets", async () => {
    const p = join(tmp.dir, "big", "enwik8");
    mkdirSync(join(tmp.dir, "big"));
    const fd = openSync(p, "w");
    ftruncateSync(fd, ENWIK8_BYTES); // sparse: zeros, with markers at the split edges
    const marks: [number, number][] = [[0, 1], [89_999_999, 2], [90_000_000, 3], [94_999_999, 4], [95_000_000, 5], [99_999_999, 6]];
    for (const [off, v] of marks) writeSync(fd, Uint8Array.of(v), 0, 1, off);
    closeSync(fd);
    const s = await readEnwik8(p);
    expect([s.train.length, s.valid.length, s.test.length]).toEqual([90_000_000, 5_000_000, 5_000_000]);
    expect([s.train[0], s.train[s.train.length - 1], s.valid[0], s.valid[s.valid.length - 1], s.test[0], s.test[s.test.length - 1]]).toEqual([1, 2, 3, 4, 5, 6]);
    const task = await loadTextTask({ data: "enwik8", dataDir: join(tmp.dir, "big"), seqLen: 64, batchesPerEpoch: 2 });
    expect(task.sizes).toEqual({ train: 90_000_000, valid: 5_000_000, test: 5_000_000 });
    expect(task.valid?.length).toBe(5_000_000);
  });

  it("refuses the standard split for a file of another size, naming the file, its size and the expected size", async () => {
    const e = await fileError(readEnwik8(raw));
    expect(e.file).toBe(raw);
    expect(e.message).toContain(`${raw}: 10,000 bytes, but the standard enwik8 split (90,000,000 train / 5,000,000 valid / 5,000,000 test) needs the 100,000,000-byte enwik8`);
    expect(e.message).toContain("fractions");
    const z = write("short.zip", zipSync({ enwik8: data }));
    const ez = await fileError(readEnwik8(z));
    expect(ez.message).toContain(`${z} (entry "enwik8"): 10,000 bytes, but the standard enwik8 split`);
  });

  it("missing file, folder, zip without enwik8, truncated and corrupt zips: DatasetFileError naming the file", async () => {
    const missing = join(tmp.dir, "nope", "enwik8.zip");
    expect((await fileError(readEnwik8(missing))).message).toMatch(/nope\/enwik8.zip: file not found; download http:\/\/mattmahoney.net\/dc\/enwik8.zip/);
    expect((await fileError(readEnwik8(tmp.dir))).message).toMatch(/is a folder/);

    const other = write("other.zip", zipSync({ "enwik9": content(10), "notes/enwik8.txt": content(5) }));
    expect((await fileError(readEnwik8(other))).message).toBe(`${other}: zip has no entry named "enwik8" (entries: "enwik9", "notes/enwik8.txt")`);
    const empty = write("empty.zip", zipSync({}));
    expect((await fileError(readEnwik8(empty))).message).toMatch(/no entry named "enwik8" \(entries: none\)/);

    const zipped = zipSync({ enwik8: data });
    const cut = write("cut.zip", zipped.subarray(0, Math.floor(zipped.length / 2)));
    expect((await fileError(readEnwik8(cut, { split: { bytes: [10_000, 0, 0] } }))).message).toMatch(/cut.zip: truncated zip: no end-of-central-directory record/);
    const cut2 = write("cut2.zip", zipped.subarray(0, zipped.length - 10)); // end record cut off
    expect((await fileError(readEnwik8(cut2, { split: { bytes: [10_000, 0, 0] } }))).message).toMatch(/truncated zip/);
    // the central directory intact but the entry's data cut short: what a partial copy plus a stray directory looks like
    const stored = zipSync({ enwik8: [data, { level: 0 }] });
    const tail = stored.subarray(30 + 6 + data.length); // central directory + end record
    const short = new Uint8Array(30 + 6 + 100 + tail.length);
    short.set(stored.subarray(0, 136));
    short.set(tail, 136);
    const e = await fileError(readEnwik8(write("short-entry.zip", short), { split: { bytes: [10_000, 0, 0] } }));
    expect(e.message).toMatch(/short-entry.zip: truncated or corrupt zip: its central directory \(\d+ bytes at 10036\) runs past the end record at \d+/);
    // a directory that promises more data than the file holds
    const long = stored.slice();
    const cen = 30 + 6 + data.length;
    new DataView(long.buffer).setUint32(cen + 20, 20_000, true); // compressed size
    new DataView(long.buffer).setUint32(cen + 24, 20_000, true); // size
    const el = await fileError(readEnwik8(write("long.zip", long), { split: { bytes: [20_000, 0, 0] } }));
    expect(el.message).toMatch(/long.zip \(entry "enwik8"\): truncated zip: the entry's 20000 compressed bytes run past the end of the \d+-byte file/);

    const bad = zipped.slice();
    bad[30 + 6 + 20] ^= 0xff; // a byte inside the deflate stream
    const eb = await fileError(readEnwik8(write("bad.zip", bad), { split: { bytes: [10_000, 0, 0] } }));
    expect(eb.message).toMatch(/bad.zip \(entry "enwik8"\): corrupt (deflate data|zip: (CRC-32|inflated))/);
  });

  it("crc32 matches the known check value", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });

  it("loadTextTask finds enwik8.zip in dataDir, and says where to get it when absent", async () => {
    const dir = join(tmp.dir, "zipdir");
    mkdirSync(dir);
    writeFileSync(join(dir, "enwik8.zip"), zipSync({ enwik8: data }));
    const t = await loadTextTask({ data: "enwik8", dataDir: dir, split: { fractions: [0.8, 0.1, 0.1] }, seqLen: 32, batchesPerEpoch: 3 });
    expect(t.sizes).toEqual({ train: 8000, valid: 1000, test: 1000 });
    expect(t.vocabSize).toBe(256);
    expect(t.steps).toBe(32);
    expect([...t.train.batches({ batchSize: 2, shuffle: true, seed: 0 })].length).toBe(3);
    const e = await fileError(loadTextTask({ data: "enwik8", dataDir: join(tmp.dir, "empty-dir") }));
    expect(e.message).toMatch(/empty-dir\/enwik8: not found \(nor enwik8.zip beside it\); download http/);
    await expect(loadTextTask({ data: "enwik9" as never })).rejects.toThrow(/data must be "synthetic" or "enwik8"/);
  });
});
