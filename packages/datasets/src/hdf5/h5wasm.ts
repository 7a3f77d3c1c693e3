// h5wasm (the HDF5 C library compiled to WebAssembly), Node build: files are
// read straight from the host file system (Emscripten NODERAWFS).
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

export type H5File = H5.File;
export type H5Dataset = H5.Dataset;
