// fetchShd against a loopback HTTP server only (127.0.0.1, node:http): never the internet.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FetchError, fetchShd, parseMd5Sums, readShd, writeShd, type FetchProgress } from "../src/index.js";
import { tempDir, tinySamples } from "./helpers.js";

const tmp = tempDir();
const SAMPLES = tinySamples(Array.from({ length: 300 }, (_, i) => ({ times: [0.001 * (i % 900), 0.5], units: [i % 700, 3], label: i % 20, speaker: i % 5 })));
let gz: Buffer;
let md5: string;
let server: Server;
let base: string;
const log: { url: string; range: string | undefined }[] = [];
/** Next GET of a .gz sends this many bytes, then drops the connection. */
let cutNextAfter: number | null = null;

beforeAll(async () => {
  const h5 = join(tmp.dir, "source.h5");
  writeShd(h5, SAMPLES);
  gz = gzipSync(readFileSync(h5));
  md5 = createHash("md5").update(gz).digest("hex");
  server = createServer((req, res) => {
    log.push({ url: req.url ?? "", range: req.headers.range });
    if (req.url === "/datasets/md5sums.txt") {
      res.end(`${md5}  shd_train.h5.gz\n0123456789abcdef0123456789abcdef  shd_test.h5.gz\n`);
      return;
    }
    if (req.url === "/datasets/stall.h5.gz") {
      res.writeHead(200, { "Content-Length": 1000 });
      res.write(Buffer.alloc(10)); // then nothing: the client's idle timeout must fire
      return;
    }
    if (req.url !== "/datasets/shd_train.h5.gz") {
      res.statusCode = 404;
      res.end("not found");
      return;
    }
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (m) {
      start = Number(m[1]);
      if (start >= gz.length) {
        res.writeHead(416, { "Content-Range": `bytes */${gz.length}` }).end();
        return;
      }
      res.writeHead(206, { "Content-Length": gz.length - start, "Content-Range": `bytes ${start}-${gz.length - 1}/${gz.length}` });
    } else {
      res.writeHead(200, { "Content-Length": gz.length });
    }
    const body = gz.subarray(start);
    if (cutNextAfter !== null) {
      const n = cutNextAfter;
      cutNextAfter = null;
      res.write(body.subarray(0, n), () => setTimeout(() => res.destroy(), 20));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/datasets`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  tmp.cleanup();
});

describe("fetchShd (loopback server)", () => {
  it("downloads, checks the published md5, gunzips, and the result reads as SHD", async () => {
    const dest = join(tmp.dir, "a");
    const progress: FetchProgress[] = [];
    const [f] = await fetchShd({ dest, baseUrl: base, files: ["shd_train.h5.gz"], onProgress: (p) => progress.push(p), idleTimeoutMs: 5000 });
    expect(f.downloaded).toBe(true);
    expect(f.md5).toBe(md5);
    expect(f.path).toBe(join(dest, "shd_train.h5"));
    expect(readdirSync(dest).sort()).toEqual(["shd_train.h5", "shd_train.h5.gz"]); // no .part, no .tmp left
    const s = await readShd(f.path);
    expect(Array.from(s.labels)).toEqual(Array.from(SAMPLES.labels));
    expect(Array.from(s.times)).toEqual(Array.from(SAMPLES.times));
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(["download", "verify", "gunzip", "done"]));
    expect(progress.filter((p) => p.phase === "download").at(-1)?.received).toBe(gz.length);
    // a second call finds everything in place and downloads nothing
    const before = log.length;
    const [g] = await fetchShd({ dest, baseUrl: base, files: ["shd_train.h5.gz"], idleTimeoutMs: 5000 });
    expect(g.downloaded).toBe(false);
    expect(log.slice(before).map((r) => r.url)).toEqual(["/datasets/md5sums.txt"]);
    // a damaged .h5 next to a good .gz is gunzipped again, without a download
    writeFileSync(f.path, "broken");
    const n = log.length;
    const [h] = await fetchShd({ dest, baseUrl: base, files: ["shd_train.h5.gz"], md5: { "shd_train.h5.gz": md5 }, idleTimeoutMs: 5000 });
    expect(log.length).toBe(n);
    expect((await readShd(h.path)).labels.length).toBe(300);
  });

  it("resumes an interrupted download with an HTTP Range request", async () => {
    const dest = join(tmp.dir, "b");
    cutNextAfter = 1000;
    const err = await fetchShd({ dest, baseUrl: base, files: ["shd_train.h5.gz"], idleTimeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect((err as Error).message).toMatch(/run again to resume/);
    const part = join(dest, "shd_train.h5.gz.part");
    const have = statSync(part).size;
    expect(have).toBeGreaterThan(0);
    expect(have).toBeLessThan(gz.length);
    expect(existsSync(join(dest, "shd_train.h5.gz"))).toBe(false);
    const before = log.length;
    const [f] = await fetchShd({ dest, baseUrl: base, files: ["shd_train.h5.gz"], idleTimeoutMs: 5000 });
    expect(log.slice(before).find((r) => r.url.endsWith(".gz"))?.range).toBe(`bytes=${have}-`);
    expect(createHash("md5").update(readFileSync(join(dest, "shd_train.h5.gz"))).digest("hex")).toBe(md5);
    expect((await readShd(f.path)).labels.length).toBe(300);
  });

  it("an md5 mismatch deletes the download and names the file and both sums", async () => {
    const dest = join(tmp.dir, "c");
    const wrong = "0".repeat(32);
    const err = await fetchShd({ dest, baseUrl: base, files: ["shd_train.h5.gz"], md5: { "shd_train.h5.gz": wrong }, idleTimeoutMs: 5000 }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`${base}/shd_train.h5.gz: md5 ${md5} does not match the published ${wrong}; the download was deleted`);
    expect(readdirSync(dest)).toEqual([]);
  });

  it("a stale .part that does not match is downloaded again from scratch", async () => {
    const dest = join(tmp.dir, "d");
    await fetchShd({ dest, baseUrl: base, files: ["shd_train.h5.gz"], md5: {}, idleTimeoutMs: 5000 }).catch(() => undefined);
    writeFileSync(join(dest, "shd_train.h5.gz.part"), Buffer.alloc(50, 7));
    const [f] = await fetchShd({ dest, baseUrl: base, files: ["shd_train.h5.gz"], idleTimeoutMs: 5000 });
    expect(f.downloaded).toBe(true);
    expect((await readShd(f.path)).labels.length).toBe(300);
  });

  it("HTTP errors, unknown files and a dead server are reported, not hung on", async () => {
    const dest = join(tmp.dir, "e");
    await expect(fetchShd({ dest, baseUrl: base, files: ["nope.h5.gz"], md5: { "nope.h5.gz": md5 }, idleTimeoutMs: 5000 })).rejects.toThrow(`${base}/nope.h5.gz: HTTP 404`);
    await expect(fetchShd({ dest, baseUrl: base, files: ["other.h5.gz"], idleTimeoutMs: 5000 })).rejects.toThrow(/no md5 sum for other.h5.gz .*lists: shd_train.h5.gz, shd_test.h5.gz/);
    await expect(fetchShd({ dest, baseUrl: "http://127.0.0.1:1/datasets", idleTimeoutMs: 5000 })).rejects.toThrow(/md5sums.txt: request failed/);
  });

  it("an aborted signal stops it with a FetchError", async () => {
    const ctrl = new AbortController();
    ctrl.abort(new Error("user cancelled"));
    await expect(fetchShd({ dest: join(tmp.dir, "f"), baseUrl: base, files: ["shd_train.h5.gz"], signal: ctrl.signal, idleTimeoutMs: 5000 })).rejects.toThrow(/md5sums.txt: aborted \(user cancelled\)/);
    await expect(fetchShd({ dest: join(tmp.dir, "f"), baseUrl: base, files: ["shd_train.h5.gz"], md5: { "shd_train.h5.gz": md5 }, signal: ctrl.signal, idleTimeoutMs: 5000 })).rejects.toThrow(FetchError);
  });

  it("a server that stops sending trips the idle timeout", async () => {
    const t0 = Date.now();
    await expect(fetchShd({ dest: join(tmp.dir, "g"), baseUrl: base, files: ["stall.h5.gz"], md5: { "stall.h5.gz": md5 }, idleTimeoutMs: 300 })).rejects.toThrow(/stall.h5.gz: no data for 300 ms/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("parses md5sums.txt", () => {
    expect(parseMd5Sums(`${md5}  shd_train.h5.gz\r\n\nbad line\n${"A".repeat(32)} *x.gz\n`)).toEqual({ "shd_train.h5.gz": md5, "x.gz": "a".repeat(32) });
  });
});
