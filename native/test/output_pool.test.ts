// allocOutput: uninitialised buffers for large kernel outputs, whose memory comes
// back to the addon when the garbage collector frees them and serves the next
// output of the same size (cpu/output_pool.h). The address is not visible from JS:
// alignment is read through hugePageOffset, recycling through the pool's counters
// and through a marker written before the buffer was dropped.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { buildDir, collectUntil, cpu } from "../lib/index.js";

const MiB = 2 ** 20;
const nativeRoot = dirname(dirname(fileURLToPath(import.meta.url)));

describe("allocOutput", () => {
  const limit = cpu.outputPoolStats().limitBytes;
  afterAll(() => cpu.setOutputPoolLimit(limit));

  it("hands out a buffer of exactly the bytes asked for, writable, 2 MiB aligned from 1 MiB up", () => {
    for (const bytes of [3 * MiB + 12, 2 * MiB, MiB, 64 * 1024 + 4, 640 * 1024]) {
      const ab = cpu.allocOutput(bytes)!;
      expect(ab).toBeInstanceOf(ArrayBuffer);
      expect(ab.byteLength).toBe(bytes);
      const off = cpu.hugePageOffset(ab, 0, bytes);
      if (bytes >= MiB) expect(off, `${bytes} bytes`).toBe(0);
      else if (off < bytes) expect(off % 4096, `${bytes} bytes: page aligned`).toBe(0);  // (off = bytes: no boundary inside)
      const f = new Uint8Array(ab);
      f.fill(7);
      expect(f[0] + f[bytes - 1]).toBe(14);
    }
  });

  it("recycles a dropped buffer's block for the next request of its size, contents as they were", async () => {
    cpu.setOutputPoolLimit(256 * MiB);
    const bytes = 5 * MiB + 104;  // a size no other test asks for
    new Float64Array(cpu.allocOutput(bytes)!).fill(-1.25);  // (dropped at once)
    const before = cpu.outputPoolStats();
    expect(await collectUntil(() => cpu.outputPoolStats().pooledBlocks > before.pooledBlocks)).toBe(true);
    const again = cpu.allocOutput(bytes)!;
    const after = cpu.outputPoolStats();
    expect(after.reused).toBe(before.reused + 1);
    expect(after.fresh).toBe(before.fresh);
    const f = new Float64Array(again);
    expect([f[0], f[f.length - 1]]).toEqual([-1.25, -1.25]);  // uninitialised: what the block last held
  });

  it("keeps nothing past its limit: 0 frees what it holds, and dropped buffers are not kept", async () => {
    cpu.setOutputPoolLimit(256 * MiB);
    const n0 = cpu.outputPoolStats().pooledBlocks;
    cpu.allocOutput(3 * MiB);  // (dropped at once)
    expect(await collectUntil(() => cpu.outputPoolStats().pooledBlocks > n0)).toBe(true);
    cpu.setOutputPoolLimit(0);
    expect(cpu.outputPoolStats()).toMatchObject({ limitBytes: 0, pooledBytes: 0, pooledBlocks: 0 });
    const { fresh, reused } = cpu.outputPoolStats();
    cpu.allocOutput(3 * MiB);
    // collect a while: the block is freed, never pooled (and was a fresh one)
    await collectUntil(() => false);
    expect(cpu.outputPoolStats()).toMatchObject({ pooledBytes: 0, pooledBlocks: 0, fresh: fresh + 1, reused });
  });

  it("refuses sizes that are not whole positive byte counts, naming the value", () => {
    // the value as JavaScript writes it (not C's -1.000000)
    expect(() => cpu.allocOutput(0)).toThrow(/allocOutput: argument 'byteLength' must be an integer ≥ 1, got 0$/);
    expect(() => cpu.allocOutput(1.5)).toThrow(/'byteLength' must be an integer ≥ 1, got 1\.5$/);
    expect(() => cpu.allocOutput(1e-9)).toThrow(/'byteLength' must be an integer ≥ 1, got 1e-9$/);
    expect(() => cpu.allocOutput(-2.5e300)).toThrow(/'byteLength' must be an integer ≥ 1, got -2\.5e\+300$/);
    expect(() => cpu.allocOutput(0.1)).toThrow(/'byteLength' must be an integer ≥ 1, got 0\.1$/);
    expect(() => cpu.allocOutput(NaN)).toThrow(/'byteLength' must be an integer ≥ 1, got NaN$/);
    expect(() => cpu.allocOutput(2 ** 47)).toThrow(/'byteLength' must be at most 2\^46, got 140737488355328/);
    expect(() => cpu.allocOutput("8" as unknown as number)).toThrow(/allocOutput/);
    expect(() => cpu.setOutputPoolLimit(-1)).toThrow(/setOutputPoolLimit: argument 'bytes' must be an integer ≥ 0, got -1$/);
  });

  it("a block V8 cannot wrap as an ArrayBuffer gives null, and is given back once (it was freed twice: the process crashed)", () => {
    const before = cpu.outputPoolStats();
    // Node 20 wraps external buffers of at most 4 GiB; 5 GiB is mapped lazily, never touched
    const r = cpu.allocOutput(5 * 2 ** 30);
    if (r !== null) expect(r.byteLength).toBe(5 * 2 ** 30); // a Node that allows it
    const after = cpu.outputPoolStats();
    expect(after.fresh).toBe(before.fresh + 1);
    expect(after.pooledBytes).toBe(before.pooledBytes); // over the pool's limit: freed, not kept
    // the allocator still works afterwards
    expect(new Float32Array(cpu.allocOutput(4 * 2 ** 20)!).length).toBe(2 ** 20);
  });

  it("takes its limit from ELM_OUTPUT_POOL_MB (whole MiB; anything else: the default 1024)", () => {
    const limitWith = (v: string) => {
      const r = spawnSync(process.execPath, ["-e", `process.stdout.write(String(require(${JSON.stringify(join(buildDir, "elm_cpu.node"))}).outputPoolStats().limitBytes))`], {
        encoding: "utf8", env: { ...process.env, ELM_OUTPUT_POOL_MB: v },
      });
      expect(r.status, r.stderr).toBe(0);
      return Number(r.stdout);
    };
    expect(limitWith("64")).toBe(64 * MiB);
    expect(limitWith("0")).toBe(0);
    expect(limitWith("lots")).toBe(1024 * MiB);
    expect(limitWith("-5")).toBe(1024 * MiB);
  });

  it("@elm/native warns once of an ELM_OUTPUT_POOL_MB it cannot use, naming it", () => {
    const load = (v: string) => spawnSync(process.execPath, ["--import", "tsx", "-e", `import(${JSON.stringify(join(nativeRoot, "lib", "index.ts"))})`], {
      encoding: "utf8", cwd: nativeRoot, env: { ...process.env, ELM_OUTPUT_POOL_MB: v },
    });
    const bad = load("1.5");
    expect(bad.status, bad.stderr).toBe(0);
    expect(bad.stderr).toMatch(/ELM_OUTPUT_POOL_MB="1\.5" is not a whole number of MiB up to 2\^24; using the default, 1024 MiB/);
    const good = load("128");
    expect(good.status, good.stderr).toBe(0);
    expect(good.stderr).not.toMatch(/ELM_OUTPUT_POOL_MB/);
  });
});
