// Kernel registry (TensorFlow.js style): op name → implementation per device.
// `ref` implements every op and is the oracle; `cpu`/`cuda` register the ops
// they accelerate. A device without a kernel for an op falls back along
// cuda → cpu → ref (all tensor data is host-side), keeping its device tag.
import type { Tensor } from "../tensor/tensor.js";
import { fallbackChain, type Device } from "../tensor/device.js";
import { DeviceError, describeTensor } from "../tensor/errors.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KernelFn = (inputs: Tensor[], attrs: any, device: Device) => Tensor | Tensor[];

export interface KernelConfig {
  op: string;
  device: Device;
  fn: KernelFn;
}

const kernels = new Map<string, KernelFn>();
const key = (op: string, device: Device) => `${op}@${device}`;

/** Registers a kernel; refused (throws) if one is already registered for (op, device). */
export function registerKernel(cfg: KernelConfig): void {
  const k = key(cfg.op, cfg.device);
  if (kernels.has(k)) throw new Error(`registerKernel: a kernel for op '${cfg.op}' on device '${cfg.device}' is already registered`);
  if (typeof cfg.fn !== "function") throw new TypeError(`registerKernel: fn for '${cfg.op}' on '${cfg.device}' must be a function`);
  kernels.set(k, cfg.fn);
}

/** Removes a kernel (tests and plugin reloads); returns whether one was there. */
export function unregisterKernel(op: string, device: Device): boolean {
  return kernels.delete(key(op, device));
}

/** The kernel registered for exactly (op, device), or undefined. */
export function getKernel(op: string, device: Device): KernelFn | undefined {
  return kernels.get(key(op, device));
}

/** Every registered (op, device) pair. */
export function listKernels(): { op: string; device: Device }[] {
  return [...kernels.keys()].map((k) => {
    const [op, device] = k.split("@");
    return { op, device: device as Device };
  });
}

/** Devices that have at least one kernel registered. */
export function registeredDevices(): Device[] {
  return [...new Set(listKernels().map((k) => k.device))];
}

/** The device all tensor inputs share; throws naming both operands otherwise. */
export function commonDevice(op: string, inputs: readonly Tensor[]): Device {
  const first = inputs[0];
  for (let i = 1; i < inputs.length; i++) {
    if (inputs[i].device !== first.device) {
      throw new DeviceError(`${op}: operands are on different devices: ${describeTensor(first)} and ${describeTensor(inputs[i])}; move one with .to()`);
    }
  }
  return first.device;
}

/** Resolves the kernel for op on device (with fallback) and runs it; outputs carry `device`. */
export function runKernel(op: string, inputs: Tensor[], attrs: object, device?: Device): Tensor | Tensor[] {
  const dev = device ?? (inputs.length ? commonDevice(op, inputs) : "ref");
  for (const d of fallbackChain(dev)) {
    const fn = kernels.get(key(op, d));
    if (fn) return fn(inputs, attrs, dev);
  }
  throw new Error(`no kernel registered for op '${op}' on device '${dev}' (nor on ref)`);
}

/** Which device's kernel would run op on `device`. */
export function resolveKernelDevice(op: string, device: Device): Device | undefined {
  return fallbackChain(device).find((d) => kernels.has(key(op, d)));
}
