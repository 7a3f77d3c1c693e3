// A file written by h5py (as the real SHD files were: superblock v0, vlen data
// in global heaps), with the authors' binning computed by numpy stored beside
// the data (test/fixtures/make_h5py_shd.py). Checks the reader and the binning
// end to end against that reference.
import { fileURLToPath } from "node:url";
import h5wasm, { type Dataset } from "h5wasm/node";
import { describe, expect, it } from "vitest";
import { checkHdf5File, readShd, ShdDataset } from "../src/index.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/h5py_shd.h5", import.meta.url));

describe("an h5py-written SHD-schema file", () => {
  it("is read (superblock v0, vlen times/units, labels, speakers)", async () => {
    expect(checkHdf5File(FIXTURE).superblockVersion).toBe(0);
    const s = await readShd(FIXTURE);
    expect(s.labels.length).toBe(12);
    expect(s.labels[5]).toBe(19);
    expect(Array.from(s.speakers ?? [])).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(s.times.length).toBeGreaterThan(100);
  });

  for (const binMs of [2, 10]) {
    it(`densifies at ${binMs} ms exactly as numpy digitize + COO sum + [:-1]`, async () => {
      await h5wasm.ready;
      const f = new h5wasm.File(FIXTURE, "r");
      const rows = (f.get(`test_expected/events_${binMs}ms`) as Dataset).value as Int32Array;
      const steps = ((f.get(`test_expected/steps_${binMs}ms`) as Dataset).value as Int32Array)[0];
      f.close();
      const s = await readShd(FIXTURE);
      const ds = new ShdDataset(s, { binMs });
      expect(ds.steps).toBe(steps);
      const b = ds.batchOf(Array.from({ length: 12 }, (_, i) => i));
      const [, T, C] = b.shape;
      const expected = new Map<number, number>();
      for (let r = 0; r < rows.length; r += 4) expected.set((rows[r] * T + rows[r + 1]) * C + rows[r + 2], rows[r + 3]);
      let nonzero = 0;
      let mismatches = 0;
      for (let i = 0; i < b.x.length; i++) {
        if (b.x[i] !== 0) nonzero++;
        if (b.x[i] !== (expected.get(i) ?? 0)) mismatches++;
      }
      expect(mismatches).toBe(0);
      expect(nonzero).toBe(expected.size);
      expect([...expected.values()].some((c) => c > 1)).toBe(true); // repeated (bin, unit) pairs are summed
    });
  }
});
