// Devices: `ref` (TypeScript oracle), `cpu` (native addon), `cuda` (native, when a GPU exists).
// Tensor data always lives in host memory; the device picks which kernels run.
import { CudaUnavailableError, cudaStatus } from "@elm/native";
import { DeviceError } from "./errors.js";

export type Device = "ref" | "cpu" | "cuda";
export const DEVICES: readonly Device[] = ["ref", "cpu", "cuda"];

let cudaChecked: { ok: boolean; reason?: string } | undefined;

/** Throws CudaUnavailableError (from @elm/native) naming the reason when CUDA cannot be used. */
export function assertDevice(device: unknown, what = "device"): Device {
  if (device !== "ref" && device !== "cpu" && device !== "cuda") {
    throw new DeviceError(`${what} ${JSON.stringify(device)} is not a device; expected one of ${DEVICES.join(", ")}`);
  }
  if (device === "cuda") {
    if (!cudaChecked) {
      const s = cudaStatus();
      cudaChecked = { ok: s.available, reason: s.reason };
    }
    if (!cudaChecked.ok) throw new CudaUnavailableError(cudaChecked.reason ?? "unknown reason");
  }
  return device;
}

/** Whether a device can be used here (cuda needs a GPU). */
export function deviceAvailable(device: Device): boolean {
  try {
    assertDevice(device);
    return true;
  } catch {
    return false;
  }
}

/** Kernel lookup order: a device without its own kernel for an op uses the next one (all data is host-side). */
export function fallbackChain(device: Device): Device[] {
  if (device === "cuda") return ["cuda", "cpu", "ref"];
  if (device === "cpu") return ["cpu", "ref"];
  return ["ref"];
}
