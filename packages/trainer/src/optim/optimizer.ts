// The optimizer base: a list of named parameters, a learning rate the schedule
// sets each step, per-parameter state kept in float64 and serialisable for
// checkpoints. Optimizers see parameters structurally (data + grad), so any
// Tensor whose `data` is a float typed array works.

export type FloatArray = Float32Array | Float64Array;

/** What an optimizer needs of a parameter: its values and, after backward, its gradient. */
export interface ParamLike {
  readonly data: FloatArray | Int32Array;
  grad: { readonly data: FloatArray | Int32Array } | null;
}

export interface NamedParam {
  name: string;
  param: ParamLike;
}

/** Serialisable optimizer state: scalars in `hyper`/`step`, per-parameter buffers by `<param>.<buffer>`. */
export interface OptimizerState {
  kind: string;
  step: number;
  lr: number;
  hyper: Record<string, number | boolean>;
  buffers: Record<string, Float64Array>;
}

/**
 * The parameters as { name, param } entries, from either form: a list of them, or
 * [name, param] pairs (a Map, or the array Module.namedParameters() returns).
 */
function namedParamList(params: NamedParam[] | Iterable<[string, ParamLike]>): NamedParam[] {
  if (params === null || typeof params !== "object" || typeof (params as Iterable<unknown>)[Symbol.iterator] !== "function")
    throw new TypeError(`optimizer: parameters must be a list of { name, param } or of [name, param] pairs (e.g. model.namedParameters()), got ${params === null ? "null" : typeof params}`);
  return [...(params as Iterable<unknown>)].map((e, k) => {
    if (Array.isArray(e) && e.length === 2 && typeof e[0] === "string") return { name: e[0], param: e[1] as ParamLike };
    if (e !== null && typeof e === "object" && typeof (e as NamedParam).name === "string" && "param" in e) return e as NamedParam;
    throw new TypeError(`optimizer: parameter entry ${k} must be { name, param } or a [name, param] pair, got ${Array.isArray(e) ? `an array of length ${e.length}` : e === null ? "null" : typeof e}`);
  }).map(({ name, param }, k) => {
    if (param === null || typeof param !== "object" || !ArrayBuffer.isView((param as ParamLike).data))
      throw new TypeError(`optimizer: parameter '${name}' (entry ${k}) has no typed-array data; expected a Tensor`);
    return { name, param };
  });
}

export abstract class Optimizer {
  /** The learning rate used by the next `step()`; the schedule writes it. */
  lr: number;
  /** Number of `step()` calls so far (PyTorch's per-parameter `step`, shared here). */
  stepCount = 0;
  readonly params: NamedParam[];
  protected readonly buffers = new Map<string, Float64Array>();
  abstract readonly kind: string;

  constructor(params: NamedParam[] | Iterable<[string, ParamLike]>, lr: number) {
    const list = namedParamList(params);
    if (!(Number.isFinite(lr) && lr >= 0)) throw new RangeError(`learning rate must be a finite number ≥ 0, got ${lr}`);
    const seen = new Set<string>();
    for (const { name, param } of list) {
      if (seen.has(name)) throw new Error(`optimizer: parameter name '${name}' appears twice`);
      seen.add(name);
      if (param.data instanceof Int32Array) throw new TypeError(`optimizer: parameter '${name}' is int32; only float parameters can be optimized`);
    }
    this.params = list;
    this.lr = lr;
  }

  /** Hyper-parameters that define the optimizer (saved in the state for a check on load). */
  abstract hyper(): Record<string, number | boolean>;

  /** Update one parameter in place from its gradient `g` (PyTorch's single-tensor formula). */
  protected abstract update(name: string, p: FloatArray, g: FloatArray | Int32Array, step: number): void;

  /** One optimisation step over every parameter that has a gradient. */
  step(): void {
    this.stepCount += 1;
    for (const { name, param } of this.params) {
      if (!param.grad) continue;
      const p = param.data as FloatArray;
      const g = param.grad.data;
      if (g.length !== p.length) throw new Error(`optimizer: gradient of '${name}' has ${g.length} values, parameter has ${p.length}`);
      this.update(name, p, g, this.stepCount);
    }
  }

  /** Sets every gradient to null (PyTorch's `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const { param } of this.params) param.grad = null;
  }

  protected buffer(name: string, key: string, n: number): Float64Array {
    const id = `${name}.${key}`;
    let b = this.buffers.get(id);
    if (!b) {
      b = new Float64Array(n);
      this.buffers.set(id, b);
    }
    return b;
  }

  protected hasBuffer(name: string, key: string): boolean {
    return this.buffers.has(`${name}.${key}`);
  }

  stateDict(): OptimizerState {
    const buffers: Record<string, Float64Array> = {};
    for (const [k, v] of this.buffers) buffers[k] = Float64Array.from(v);
    return { kind: this.kind, step: this.stepCount, lr: this.lr, hyper: this.hyper(), buffers };
  }

  loadStateDict(s: OptimizerState): void {
    if (s.kind !== this.kind) throw new Error(`optimizer state is for '${s.kind}', this optimizer is '${this.kind}'`);
    const mine = this.hyper();
    for (const [k, v] of Object.entries(mine)) {
      if (s.hyper[k] !== v) throw new Error(`optimizer state has ${k}=${String(s.hyper[k])}, this optimizer has ${k}=${String(v)}`);
    }
    const sizes = new Map(this.params.map(({ name, param }) => [name, param.data.length]));
    this.buffers.clear();
    for (const [k, v] of Object.entries(s.buffers)) {
      const pname = k.slice(0, k.lastIndexOf("."));
      const n = sizes.get(pname);
      if (n === undefined) throw new Error(`optimizer state has buffer '${k}' for unknown parameter '${pname}'`);
      if (n !== v.length) throw new Error(`optimizer buffer '${k}' has ${v.length} values, parameter '${pname}' has ${n}`);
      this.buffers.set(k, Float64Array.from(v));
    }
    this.stepCount = s.step;
    this.lr = s.lr;
  }
}
