// Crash-safe file writing: write to a temporary file in the same directory,
// fsync it, rename it over the target (atomic on POSIX), fsync the directory.
// A process killed at any point leaves either the old file or the new one.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

let counter = 0;

/** A temporary name beside `path`, unique per process and call. */
export function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`);
}

/** fsync a directory so a rename inside it is durable (no-op where unsupported). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // some platforms/filesystems refuse fsync on directories; the rename is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes bytes to a fresh file and fsyncs it (no rename). */
export function writeFileSynced(path: string, data: Uint8Array | string): void {
  const fd = openSync(path, "wx");
  try {
    const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Atomically replaces `path` with `data`. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = tempNameFor(path);
  try {
    writeFileSynced(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(dirname(path));
}

/** fsync an existing file by path. */
export function fsyncFile(path: string): void {
  const fd = openSync(path, "r+");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Atomically produces `path` with a writer that writes to the path it is given. */
export function writeAtomicWith(path: string, write: (tmpPath: string) => void): void {
  const tmp = tempNameFor(path);
  try {
    write(tmp);
    fsyncFile(tmp);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(dirname(path));
}
