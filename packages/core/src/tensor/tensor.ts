// Tensor: a row-major, contiguous, host-memory array with shape, dtype and device,
// plus the autograd bookkeeping (the node that produced it).
import { allocate, dtypeOfArray, isDType, isFloatDType, type DType, type TypedArray } from "./dtype.js";
import { assertDevice, type Device } from "./device.js";
import { DTypeError, ShapeError } from "./errors.js";
import { checkShape, fmtShape, shapeSize, stridesOf } from "./shape.js";
import type { TapeNode } from "../autograd/node.js";
import { hooks } from "./hooks.js";

export interface TensorOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

export class Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly device: Device;
  readonly data: TypedArray;
  grad: Tensor | null = null;
  /** The tape node that produced this tensor (null for leaves). */
  _node: TapeNode | null = null;
  /** Which output of `_node` this tensor is. */
  _outputIndex = 0;
  private _requiresGrad = false;

  /** Wraps `data` (not copied). Prefer the creation functions; this checks every argument. */
  constructor(data: TypedArray, shape: readonly number[], device: Device = "ref") {
    const dt = dtypeOfArray(data);
    if (dt === null) throw new DTypeError(`Tensor data must be a Float32Array, Float64Array or Int32Array, got ${Object.prototype.toString.call(data)}`);
    const s = checkShape(shape);
    if (shapeSize(s) !== data.length) {
      throw new ShapeError(`Tensor data has ${data.length} elements but shape ${fmtShape(s)} needs ${shapeSize(s)}`);
    }
    this.shape = Object.freeze(s);
    this.dtype = dt;
    this.device = device;
    this.data = data;
  }

  get size(): number {
    return this.data.length;
  }
  get ndim(): number {
    return this.shape.length;
  }
  get strides(): number[] {
    return stridesOf(this.shape);
  }
  /** True for tensors not produced by a recorded op. */
  get isLeaf(): boolean {
    return this._node === null;
  }

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(v: boolean) {
    if (v && !isFloatDType(this.dtype)) {
      throw new DTypeError(`requiresGrad needs a float tensor, got ${this.toString()}`);
    }
    if (!v && !this.isLeaf) throw new Error(`cannot clear requiresGrad on a non-leaf ${this.toString()}; use detach()`);
    this._requiresGrad = v;
  }

  static fromArray(data: ArrayLike<number>, shape: readonly number[], opts: TensorOptions = {}): Tensor {
    const dtype = opts.dtype ?? (dtypeOfArray(data) ?? "float32");
    if (!isDType(dtype)) throw new DTypeError(`fromArray: dtype ${JSON.stringify(dtype)} is not one of float32, float64, int32`);
    const device = assertDevice(opts.device ?? "ref");
    const s = checkShape(shape, "fromArray: shape");
    if (shapeSize(s) !== data.length) {
      throw new ShapeError(`fromArray: ${data.length} values do not fill shape ${fmtShape(s)} (${shapeSize(s)} elements)`);
    }
    const arr = allocate(dtype, data.length);
    if (dtype === "int32") {
      for (let i = 0; i < data.length; i++) {
        const v = data[i];
        if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
          throw new DTypeError(`fromArray: value ${v} at index ${i} is not an int32`);
        }
        arr[i] = v;
      }
    } else arr.set(data as ArrayLike<number>);
    const t = new Tensor(arr, s, device);
    if (opts.requiresGrad) t.requiresGrad = true;
    return t;
  }

  /** Flat copy of the values. */
  toArray(): number[] {
    return Array.from(this.data);
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new ShapeError(`item() needs a tensor with one element, got ${this.toString()}`);
    return this.data[0];
  }

  /** Reverse-mode autograd from this tensor; `grad` defaults to ones for a one-element tensor. */
  backward(grad?: Tensor): void {
    hooks.backward(this, grad);
  }

  /** The same data, cut from the tape. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, this.device);
  }

  /** A copy on another device (differentiable). cuda throws CudaUnavailableError without a GPU. */
  to(device: Device): Tensor {
    assertDevice(device);
    if (device === this.device) return this;
    return hooks.to(this, device);
  }

  /** A copy with another dtype (differentiable between float dtypes). */
  astype(dtype: DType): Tensor {
    if (!isDType(dtype)) throw new DTypeError(`astype: ${JSON.stringify(dtype)} is not one of float32, float64, int32`);
    if (dtype === this.dtype) return this;
    return hooks.astype(this, dtype);
  }

  toString(): string {
    return `Tensor(shape=${fmtShape(this.shape)}, dtype=${this.dtype}, device=${this.device})`;
  }
}
