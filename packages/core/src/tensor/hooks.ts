// Late-bound implementations of Tensor methods that need ops (set by the ops modules),
// so tensor.ts does not import the op graph at module load.
import type { Tensor } from "./tensor.js";
import type { Device } from "./device.js";
import type { DType } from "./dtype.js";

const missing = (): never => {
  throw new Error("@elm/core ops are not loaded; import from '@elm/core'");
};

export const hooks: {
  backward: (t: Tensor, grad?: Tensor) => void;
  to: (t: Tensor, device: Device) => Tensor;
  astype: (t: Tensor, dtype: DType) => Tensor;
} = { backward: missing, to: missing, astype: missing };
