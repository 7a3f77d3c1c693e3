// Typed loader for the native addons: elm_cpu.node is loaded when this module is
// imported; elm_cuda.node only when a CUDA device is asked for.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

/** Folder holding the built addons (`native/build/Release`), overridable with ELM_NATIVE_DIR. */
export const buildDir: string =
  process.env.ELM_NATIVE_DIR ?? join(dirname(fileURLToPath(import.meta.url)), "..", "build", "Release");

export interface BuildInfo {
  compiler: string;
  simd: string;
  threads: number;
  napiVersion: number;
}

export interface CudaStatus {
  available: boolean;
  /** Why CUDA cannot be used; absent when available. */
  reason?: string;
  devices: number;
  name?: string;
  computeCapability?: string;
  runtimeVersion?: number;
  driverVersion?: number;
}

/** Functions every addon (CPU and CUDA) exports; kernels add their own below. */
export interface KernelAddon {
  addonName: string;
  /** y ← a·x + y in place. */
  axpy(a: number, x: Float32Array | Float64Array, y: Float32Array | Float64Array): void;
  [kernel: string]: unknown;
}

export interface CpuAddon extends KernelAddon {
  buildInfo(): BuildInfo;
  numThreads(): number;
  setNumThreads(n: number): void;
  /**
   * Bytes from `byteOffset` to the first 2 MiB boundary in buffer[byteOffset,
   * byteOffset + byteLength), having advised transparent huge pages over the whole
   * 2 MiB pages from there on (Linux; elsewhere only the offset). For large kernel
   * outputs: their first writes then fault once per 2 MiB, not per 4 KiB.
   */
  hugePageOffset(buffer: ArrayBuffer, byteOffset: number, byteLength: number): number;
  /**
   * An uninitialised ArrayBuffer of `byteLength` bytes for a large kernel output
   * (2 MiB aligned from 1 MiB up, 4 KiB below) from the addon's recycled output
   * blocks: once the garbage collector has freed it and the event loop has turned,
   * its memory (pages still mapped) serves the next output of the same size, up to
   * {@link OutputPoolStats.limitBytes} kept. Null where this Node does not allow
   * external buffers.
   */
  allocOutput(byteLength: number): ArrayBuffer | null;
  outputPoolStats(): OutputPoolStats;
  /** Bytes of freed output blocks to keep for reuse (0: none); pooled blocks beyond it are freed. */
  setOutputPoolLimit(bytes: number): void;
}

/** The recycled output blocks (allocOutput): limit, what is kept now, and how requests were served. */
export interface OutputPoolStats {
  /** ELM_OUTPUT_POOL_MB MiB (default 1024), or the last setOutputPoolLimit. */
  limitBytes: number;
  pooledBytes: number;
  pooledBlocks: number;
  /** Requests served from a pooled block. */
  reused: number;
  /** Requests that took a new block. */
  fresh: number;
}

export interface CudaAddon extends KernelAddon {
  cudaStatus(): CudaStatus;
}

/** Thrown when the CUDA device is requested but cannot be used. */
export class CudaUnavailableError extends Error {
  constructor(public readonly reason: string) {
    super(`CUDA device requested but unavailable: ${reason}`);
    this.name = "CudaUnavailableError";
  }
}

function loadCpu(): CpuAddon {
  const file = join(buildDir, "elm_cpu.node");
  if (!existsSync(file)) {
    throw new Error(
      `@elm/native: ${file} is missing — build it with 'pnpm build:native' (needs cmake and a C++ compiler).`,
    );
  }
  return require(file) as CpuAddon;
}

/** The CPU addon, loaded at import. */
export const cpu: CpuAddon = loadCpu();

// ELM_OUTPUT_POOL_MB: read by the addon; a value it cannot use is named here once.
const poolEnv = process.env.ELM_OUTPUT_POOL_MB;
if (poolEnv !== undefined && poolEnv !== "" && (!/^\d+$/.test(poolEnv) || Number(poolEnv) > 2 ** 24)) {
  process.emitWarning(
    `ELM_OUTPUT_POOL_MB=${JSON.stringify(poolEnv)} is not a whole number of MiB up to 2^24; using the default, ` +
      `${cpu.outputPoolStats().limitBytes / 2 ** 20} MiB`,
    { code: "ELM_OUTPUT_POOL_MB" },
  );
}

let cudaAddon: CudaAddon | undefined;
let cudaLoadError: string | undefined;

function tryLoadCuda(): CudaAddon | undefined {
  if (cudaAddon || cudaLoadError) return cudaAddon;
  const file = join(buildDir, "elm_cuda.node");
  if (!existsSync(file)) {
    cudaLoadError = `elm_cuda.node was not built (nvcc was not found at build time, or ELM_CUDA=OFF); rebuild with 'ELM_CUDA=ON pnpm build:native'`;
    return undefined;
  }
  try {
    cudaAddon = require(file) as CudaAddon;
  } catch (e) {
    cudaLoadError = `elm_cuda.node failed to load: ${(e as Error).message}`;
  }
  return cudaAddon;
}

/** Whether CUDA can be used, and if not, why. Never throws. */
export function cudaStatus(): CudaStatus {
  const addon = tryLoadCuda();
  if (!addon) return { available: false, devices: 0, reason: cudaLoadError };
  try {
    return addon.cudaStatus();
  } catch (e) {
    return { available: false, devices: 0, reason: `cudaStatus failed: ${(e as Error).message}` };
  }
}

/** Whether elm_cuda.node exists on disk (built), regardless of a device. */
export function cudaBuilt(): boolean {
  return existsSync(join(buildDir, "elm_cuda.node"));
}

/** The CUDA addon; throws CudaUnavailableError naming the reason when no device can be used. */
export function cuda(): CudaAddon {
  const s = cudaStatus();
  if (!s.available) throw new CudaUnavailableError(s.reason ?? "unknown reason");
  return cudaAddon as CudaAddon;
}
