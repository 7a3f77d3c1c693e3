// @elm/core: tensors, differentiable ops, reverse-mode autograd, kernel registry, seeded RNG, safetensors.
import "./kernels/ref/index.js";
import "./kernels/cpu/index.js";
import "./kernels/cuda/index.js";
import "./autograd/tape.js";
import "./ops/convert.js";

export { Tensor, type TensorOptions } from "./tensor/tensor.js";
export { type DType, type TypedArray, type FloatArray, DTYPES, isFloatDType } from "./tensor/dtype.js";
export { type Device, DEVICES, deviceAvailable } from "./tensor/device.js";
export { ShapeError, DTypeError, DeviceError } from "./tensor/errors.js";
export { shapeSize, broadcastShapes } from "./tensor/shape.js";
export { zeros, ones, full, arange, randUniform, randNormal, zerosLike, onesLike } from "./tensor/creation.js";
export * from "./ops/index.js";
export { noGrad, enableGrad, isGradEnabled } from "./autograd/grad-mode.js";
export { backward } from "./autograd/tape.js";
export { defineOp, type CustomOp } from "./autograd/define-op.js";
export {
  registerKernel,
  unregisterKernel,
  getKernel,
  listKernels,
  registeredDevices,
  resolveKernelDevice,
  runKernel,
  type KernelFn,
  type KernelConfig,
} from "./registry/registry.js";
export { Rng, type RngState } from "./rng/rng.js";
export { CudaUnavailableError } from "@elm/native";
export {
  encodeSafetensors,
  decodeSafetensors,
  saveSafetensors,
  loadSafetensors,
  SafetensorsError,
  type SafetensorsFile,
} from "./io/safetensors.js";
export { fsyncDir, fsyncFile, tempNameFor, writeAtomicWith, writeFileAtomic, writeFileSynced } from "./io/atomic.js";
export { MAX_ELEMENTS } from "./tensor/dtype.js";
