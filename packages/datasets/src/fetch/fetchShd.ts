// Downloads the official SHD files (Cramer et al. 2020) from
// https://zenkelab.org/datasets/: shd_train.h5.gz and shd_test.h5.gz, checked
// against the md5 sums published beside them (md5sums.txt), then gunzipped.
//
// Per file: download to <name>.part, resuming a left-over .part with an HTTP
// Range request; verify the md5 of the whole .gz; rename .part → <name>
// (atomic); gunzip to <name without .gz>.tmp and rename. A .gz already there
// with the right md5 is not downloaded again; an .h5 already there is kept.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { checkHdf5File } from "../hdf5/inspect.js";

export const SHD_BASE_URL = "https://zenkelab.org/datasets";
export const SHD_FILES = ["shd_train.h5.gz", "shd_test.h5.gz"] as const;

export interface FetchProgress {
  file: string;
  /** Bytes of the .gz on disk so far (resumed bytes included). */
  received: number;
  /** Expected size of the .gz, when the server said. */
  total: number | null;
  phase: "download" | "verify" | "gunzip" | "done";
}

export interface FetchShdOptions {
  dest: string;
  baseUrl?: string;
  files?: readonly string[];
  /** md5 per file name; when absent, `${baseUrl}/md5sums.txt` is fetched. */
  md5?: Record<string, string>;
  onProgress?: (p: FetchProgress) => void;
  /** Abort when no byte arrives for this long (default 60 s). */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface FetchedFile {
  name: string;
  gz: string;
  /** The gunzipped HDF5 file. */
  path: string;
  md5: string;
  downloaded: boolean;
}

export class FetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FetchError";
  }
}

export function parseMd5Sums(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const parts = line.trim().split(/\s+/);
    if (parts.length === 2 && /^[0-9a-f]{32}$/i.test(parts[0])) out[parts[1].replace(/^\*/, "")] = parts[0].toLowerCase();
  }
  return out;
}

async function md5OfFile(path: string): Promise<string> {
  const h = createHash("md5");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/** fetch with an idle timeout that is reset by every chunk read. */
async function request(url: string, headers: Record<string, string>, idleMs: number, outer?: AbortSignal): Promise<{ res: Response; ctrl: AbortController; touch: () => void; done: () => void }> {
  if (outer?.aborted) throw new FetchError(`${url}: aborted (${outer.reason instanceof Error ? outer.reason.message : String(outer.reason)})`);
  const ctrl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const touch = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => ctrl.abort(new FetchError(`${url}: no data for ${idleMs} ms`)), idleMs);
  };
  const onOuter = (): void => ctrl.abort(outer?.reason);
  outer?.addEventListener("abort", onOuter, { once: true });
  const done = (): void => {
    clearTimeout(timer);
    outer?.removeEventListener("abort", onOuter);
  };
  touch();
  try {
    const res = await fetch(url, { headers, signal: ctrl.signal });
    return { res, ctrl, touch, done };
  } catch (e) {
    done();
    const reason = outer?.aborted ? `aborted: ${outer.reason instanceof Error ? outer.reason.message : String(outer.reason)}` : ctrl.signal.reason instanceof Error ? ctrl.signal.reason.message : (e as Error).cause ? String((e as { cause: unknown }).cause) : (e as Error).message;
    throw new FetchError(`${url}: request failed (${reason})`);
  }
}

async function fetchText(url: string, idleMs: number, signal?: AbortSignal): Promise<string> {
  const { res, done } = await request(url, {}, idleMs, signal);
  try {
    if (!res.ok) throw new FetchError(`${url}: HTTP ${res.status} ${res.statusText}`);
    return await res.text();
  } finally {
    done();
  }
}

/** Downloads url into part, resuming from the bytes already there. Returns the total size if known. */
async function downloadPart(url: string, part: string, name: string, o: FetchShdOptions): Promise<void> {
  const have = existsSync(part) ? statSync(part).size : 0;
  // identity: the .gz bytes as published (a server must not gunzip them in transit, or the md5 would not match)
  const headers: Record<string, string> = { "Accept-Encoding": "identity", ...(have > 0 ? { Range: `bytes=${have}-` } : {}) };
  const { res, touch, done } = await request(url, headers, o.idleTimeoutMs ?? 60_000, o.signal);
  try {
    if (res.status === 416 && have > 0) return; // nothing past what we have: the .part is whole (the md5 will tell)
    if (!(res.status === 200 || res.status === 206)) throw new FetchError(`${url}: HTTP ${res.status} ${res.statusText}`);
    const resumed = res.status === 206;
    if (resumed) {
      const range = /bytes (\d+)-\d+\/(\d+|\*)/.exec(res.headers.get("content-range") ?? "");
      if (!range || Number(range[1]) !== have) throw new FetchError(`${url}: server answered Range bytes=${have}- with Content-Range ${res.headers.get("content-range")}`);
    }
    const len = Number(res.headers.get("content-length") ?? NaN);
    const start = resumed ? have : 0;
    const total = Number.isFinite(len) ? start + len : null;
    let received = start;
    const out = createWriteStream(part, { flags: resumed ? "a" : "w" });
    try {
      if (!res.body) throw new FetchError(`${url}: empty response`);
      const reader = res.body.getReader();
      for (;;) {
        const { done: end, value } = await reader.read();
        if (end) break;
        touch();
        if (!out.write(value)) await new Promise<void>((r) => out.once("drain", () => r()));
        received += value.length;
        o.onProgress?.({ file: name, received, total, phase: "download" });
      }
    } catch (e) {
      throw e instanceof FetchError ? e : new FetchError(`${url}: download interrupted after ${received} bytes (${(e as Error).message}); run again to resume`);
    } finally {
      await new Promise<void>((r) => out.end(r));
    }
    if (total !== null && received !== total) throw new FetchError(`${url}: got ${received} of ${total} bytes; run again to resume`);
  } finally {
    done();
  }
}

const wholeHdf5 = (p: string): boolean => {
  try { checkHdf5File(p); return true; } catch { return false; }
};

export async function fetchShd(opts: FetchShdOptions): Promise<FetchedFile[]> {
  const baseUrl = (opts.baseUrl ?? SHD_BASE_URL).replace(/\/+$/, "");
  const files = opts.files ?? SHD_FILES;
  const idle = opts.idleTimeoutMs ?? 60_000;
  mkdirSync(opts.dest, { recursive: true });
  const sums = opts.md5 ?? parseMd5Sums(await fetchText(`${baseUrl}/md5sums.txt`, idle, opts.signal));
  const out: FetchedFile[] = [];
  for (const name of files) {
    const want = sums[name]?.toLowerCase();
    if (!want) throw new FetchError(`no md5 sum for ${name} (${opts.md5 ? "md5 option" : `${baseUrl}/md5sums.txt`} lists: ${Object.keys(sums).join(", ") || "nothing"})`);
    const url = `${baseUrl}/${name}`;
    const gz = join(opts.dest, name);
    const part = `${gz}.part`;
    const h5 = join(opts.dest, name.replace(/\.gz$/, ""));
    let downloaded = false;
    if (!(existsSync(gz) && (await md5OfFile(gz)) === want)) {
      rmSync(gz, { force: true });
      const resumed = existsSync(part) && statSync(part).size > 0;
      await downloadPart(url, part, name, opts);
      opts.onProgress?.({ file: name, received: statSync(part).size, total: null, phase: "verify" });
      let got = await md5OfFile(part);
      if (got !== want && resumed) {
        // a stale or corrupt .part: start over once from scratch
        rmSync(part, { force: true });
        await downloadPart(url, part, name, opts);
        got = await md5OfFile(part);
      }
      if (got !== want) {
        rmSync(part, { force: true });
        throw new FetchError(`${url}: md5 ${got} does not match the published ${want}; the download was deleted`);
      }
      renameSync(part, gz);
      downloaded = true;
    }
    if (downloaded || !wholeHdf5(h5)) {
      opts.onProgress?.({ file: name, received: statSync(gz).size, total: statSync(gz).size, phase: "gunzip" });
      const tmp = `${h5}.tmp`;
      try {
        await pipeline(createReadStream(gz), createGunzip(), createWriteStream(tmp));
      } catch (e) {
        rmSync(tmp, { force: true });
        throw new FetchError(`${gz}: cannot gunzip (${(e as Error).message})`);
      }
      renameSync(tmp, h5);
    }
    checkHdf5File(h5, "SHD file");
    opts.onProgress?.({ file: name, received: statSync(gz).size, total: statSync(gz).size, phase: "done" });
    out.push({ name, gz, path: h5, md5: want, downloaded });
  }
  return out;
}
