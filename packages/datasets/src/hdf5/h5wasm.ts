// h5wasm (the HDF5 C library compiled to WebAssembly), Node build: files are
// read straight from the host file system (Emscripten NODERAWFS).
//
// h5wasm's "throwing error handler" is deliberately NOT activated: with it, a
// failed read throws out of the C++ code before it closes its HDF5 handles,
// the file stays open inside the library, and the next open of the same path
// silently gets the stale cached metadata and data. With the default handler
// the library prints its error stack to stderr and h5wasm still throws.
import type * as H5 from "h5wasm";

export type H5wasm = typeof import("h5wasm");
let loading: Promise<H5wasm> | null = null;

export function h5wasm(): Promise<H5wasm> {
  loading ??= (async () => {
    const mod = (await import("h5wasm/node")) as unknown as H5wasm;
    await mod.ready;
    return mod;
  })();
  return loading;
}

/**
 * A short form of an HDF5/h5wasm error: the first line of the library's error
 * stack and the innermost cause ("incorrect metadata checksum …"), or the
 * WebAssembly trap ("memory access out of bounds", "Aborted(…)").
 */
export function hdf5Message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length <= 2) return lines.join(" ");
  const first = lines.find((l) => /\(\): /.test(l)) ?? lines[0];
  const causes = lines.filter((l) => /\(\): /.test(l));
  const last = causes[causes.length - 1] ?? lines[lines.length - 1];
  const strip = (l: string): string => l.replace(/^.*? in (\w+\(\): )/, "$1");
  return first === last ? strip(first) : `${strip(first)} … ${strip(last)}`;
}

export type H5File = H5.File;
export type H5Dataset = H5.Dataset;
