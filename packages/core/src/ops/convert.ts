// Device moves and dtype casts (both differentiable for float tensors).
import { Tensor } from "../tensor/tensor.js";
import { allocate, isFloatDType, type DType } from "../tensor/dtype.js";
import type { Device } from "../tensor/device.js";
import { hooks } from "../tensor/hooks.js";
import { record } from "../autograd/tape.js";
import { kernel1 } from "./util.js";

export function toDevice(x: Tensor, device: Device): Tensor {
  const d = allocate(x.dtype, x.size);
  d.set(x.data);
  const out = new Tensor(d, x.shape, device);
  record("to", [x], [out], ([g]) => [toDevice(g!, x.device)]);
  return out;
}

export function astype(x: Tensor, dtype: DType): Tensor {
  const out = kernel1("cast", [x], { dtype });
  if (isFloatDType(dtype)) record("astype", [x], [out], ([g]) => [astype(g!, x.dtype)]);
  return out;
}

hooks.to = toDevice;
hooks.astype = astype;
