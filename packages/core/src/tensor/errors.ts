// Errors raised by tensor ops. Each names the op, the operands and what was expected.
import type { Tensor } from "./tensor.js";

export function describeTensor(t: Tensor): string {
  return `Tensor(shape=[${t.shape.join(",")}], dtype=${t.dtype}, device=${t.device})`;
}

export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShapeError";
  }
}

export class DTypeError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = "DTypeError";
  }
}

export class DeviceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeviceError";
  }
}
