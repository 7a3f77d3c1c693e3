// A small Module base like PyTorch's nn.Module: parameters and buffers under
// stable dotted names (`mlp.network.0.weight`), child modules, state dicts that
// load into a freshly built model, train()/eval(), and device/dtype moves.
//
// Differences from PyTorch, on purpose:
// - `namedParameters()` / `parameters()` list the TRAINABLE parameters (what an
//   optimizer needs); pass `{ includeFrozen: true }` for every parameter
//   (e.g. `_proto_tau_m` when `learn_memory_tau` is false).
// - The order of `stateDict()` is registration order per module (parameters and
//   buffers interleaved as registered), then the children — the authors' order.
import { Tensor, isFloatDType, zeros, type DType, type Device } from "@elm/core";

/** A value `loadStateDict` accepts: a Tensor, or a plain `{ shape, data }` (fixtures, torch imports). */
export type StateValue = Tensor | { shape: readonly number[]; data: ArrayLike<number> | BigInt64Array };
export type StateDictInput = Record<string, StateValue> | Map<string, StateValue>;

export class StateDictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateDictError";
  }
}

interface Entry {
  kind: "parameter" | "buffer";
  tensor: Tensor;
}

function copyOf(t: Tensor, dtype: DType, device: Device): Tensor {
  const out = Tensor.fromArray(t.data, t.shape, { dtype, device });
  return out;
}

export abstract class Module {
  /** Training mode (dropout etc.); toggled by train()/eval(), recursively. */
  training = true;
  private readonly _entries = new Map<string, Entry>();
  private readonly _children = new Map<string, Module>();

  /** Registers a parameter (a float leaf tensor); requiresGrad says whether it is trained. */
  protected registerParameter(name: string, t: Tensor, trainable = true): Tensor {
    this.checkName(name);
    if (!isFloatDType(t.dtype)) throw new TypeError(`parameter '${name}' must be a float tensor, got ${t.dtype}`);
    t.requiresGrad = trainable;
    this._entries.set(name, { kind: "parameter", tensor: t });
    return t;
  }

  /** Registers a buffer: state that is saved and moved but never trained (routing indices, τ_s, τ_b). */
  protected registerBuffer(name: string, t: Tensor): Tensor {
    this.checkName(name);
    this._entries.set(name, { kind: "buffer", tensor: t });
    return t;
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    this.checkName(name);
    this._children.set(name, m);
    return m;
  }

  private checkName(name: string): void {
    if (typeof name !== "string" || name === "" || name.includes(".")) {
      throw new TypeError(`module entry name must be a non-empty string without '.', got ${JSON.stringify(name)}`);
    }
    if (this._entries.has(name) || this._children.has(name)) throw new Error(`module entry '${name}' is registered twice`);
  }

  /** The tensor registered under `name` on this module (not dotted). */
  protected own(name: string): Tensor {
    const e = this._entries.get(name);
    if (!e) throw new Error(`${this.constructor.name}: no parameter or buffer '${name}'`);
    return e.tensor;
  }

  /** Child modules by name (direct children). */
  namedChildren(): [string, Module][] {
    return [...this._children.entries()];
  }

  private *walk(prefix: string): Generator<[string, Entry]> {
    for (const [n, e] of this._entries) yield [prefix + n, e];
    for (const [n, c] of this._children) yield* c.walk(`${prefix}${n}.`);
  }

  /** Trainable parameters by dotted name; `includeFrozen` adds the frozen ones. */
  namedParameters(opts: { includeFrozen?: boolean } = {}): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, e] of this.walk("")) {
      if (e.kind === "parameter" && (opts.includeFrozen || e.tensor.requiresGrad)) out.push([n, e.tensor]);
    }
    return out;
  }

  parameters(opts: { includeFrozen?: boolean } = {}): Tensor[] {
    return this.namedParameters(opts).map(([, t]) => t);
  }

  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, e] of this.walk("")) if (e.kind === "buffer") out.push([n, e.tensor]);
    return out;
  }

  /** Number of trainable scalars (what the authors count: requires_grad parameters). */
  trainableParameterCount(): number {
    let n = 0;
    for (const [, t] of this.namedParameters()) n += t.size;
    return n;
  }

  /** Every parameter and buffer by dotted name (the tensors themselves, not copies). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [n, e] of this.walk("")) out[n] = e.tensor;
    return out;
  }

  /**
   * Copies values into the existing tensors (their identity is kept, so an
   * optimizer holding them stays valid), converting dtype. Refuses unknown
   * keys, missing keys (unless `strict: false`), shape mismatches and
   * non-integers for integer buffers, naming the key.
   */
  loadStateDict(sd: StateDictInput, opts: { strict?: boolean } = {}): void {
    const strict = opts.strict ?? true;
    const entries = sd instanceof Map ? [...sd.entries()] : Object.entries(sd);
    const mine = new Map(this.walk(""));
    const unknown = entries.map(([k]) => k).filter((k) => !mine.has(k));
    if (unknown.length) {
      throw new StateDictError(
        `${this.constructor.name}.loadStateDict: unknown key(s) ${unknown.map((k) => `'${k}'`).join(", ")}; expected keys: ${[...mine.keys()].join(", ")}`,
      );
    }
    const given = new Set(entries.map(([k]) => k));
    const missing = [...mine.keys()].filter((k) => !given.has(k));
    if (strict && missing.length) {
      throw new StateDictError(`${this.constructor.name}.loadStateDict: missing key(s) ${missing.map((k) => `'${k}'`).join(", ")}`);
    }
    // check everything before writing anything
    for (const [k, v] of entries) {
      const t = mine.get(k)!.tensor;
      if (v === null || typeof v !== "object" || !("shape" in v) || !("data" in v)) {
        throw new StateDictError(`loadStateDict: '${k}' must be a Tensor or { shape, data }, got ${v === null ? "null" : typeof v}`);
      }
      const raw = (v as { dtype?: unknown }).dtype;
      if (raw === "float16" || raw === "bfloat16") {
        throw new StateDictError(`loadStateDict: '${k}' is ${raw} (raw 16-bit patterns); convert it to float32 first`);
      }
      const shape = [...v.shape];
      if (shape.length !== t.shape.length || shape.some((d, i) => d !== t.shape[i])) {
        throw new StateDictError(`loadStateDict: '${k}' has shape [${shape.join(",")}], the model expects [${t.shape.join(",")}]`);
      }
      if (v.data.length !== t.size) {
        throw new StateDictError(`loadStateDict: '${k}' has ${v.data.length} values for shape [${shape.join(",")}] (${t.size})`);
      }
      if (t.dtype === "int32") {
        for (let i = 0; i < v.data.length; i++) {
          const x = Number(v.data[i]);
          if (!Number.isInteger(x) || x < -2147483648 || x > 2147483647) {
            throw new StateDictError(`loadStateDict: '${k}'[${i}] = ${x} is not an int32 (the buffer holds indices)`);
          }
        }
      } else {
        for (let i = 0; i < v.data.length; i++) {
          const x = v.data[i];
          if (typeof x !== "number" && typeof x !== "bigint") throw new StateDictError(`loadStateDict: '${k}'[${i}] is not a number`);
        }
      }
    }
    // write, then let subclasses check invariants (routing / src ranges); on failure restore the old values
    const backup = entries.map(([k]) => [mine.get(k)!.tensor, mine.get(k)!.tensor.data.slice()] as const);
    for (const [k, v] of entries) {
      const t = mine.get(k)!.tensor;
      const d = t.data;
      for (let i = 0; i < d.length; i++) d[i] = Number(v.data[i]);
    }
    try {
      this.afterLoad();
    } catch (e) {
      for (const [t, old] of backup) t.data.set(old);
      throw e;
    }
  }

  /** Hook for subclasses to re-check invariants (e.g. routing indices in range) after a load. */
  protected afterLoad(): void {
    for (const c of this._children.values()) c.afterLoad();
  }

  train(mode = true): this {
    this.training = mode;
    for (const c of this._children.values()) c.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** The device of the first parameter or buffer ("ref" for an empty module). */
  get device(): Device {
    for (const [, e] of this.walk("")) return e.tensor.device;
    return "ref";
  }

  /** The float dtype of the parameters ("float32" for an empty module). */
  get dtype(): DType {
    for (const [, e] of this.walk("")) if (e.kind === "parameter") return e.tensor.dtype;
    return "float32";
  }

  /** Moves every parameter and buffer to `device` (new leaf tensors; re-create optimizers after). */
  to(device: Device): this {
    zeros([0], { device }); // throws (e.g. CudaUnavailableError) before anything moves
    return this.rebuild((t) => copyOf(t, t.dtype, device));
  }

  /** Casts every float parameter and buffer to `dtype` (integer buffers stay int32). */
  astype(dtype: DType): this {
    if (!isFloatDType(dtype)) throw new TypeError(`astype: a module's dtype must be float32 or float64, got ${JSON.stringify(dtype)}`);
    return this.rebuild((t) => (isFloatDType(t.dtype) ? copyOf(t, dtype, t.device) : t));
  }

  private rebuild(f: (t: Tensor) => Tensor): this {
    for (const [n, e] of this._entries) {
      const t = f(e.tensor);
      if (t !== e.tensor && e.kind === "parameter") t.requiresGrad = e.tensor.requiresGrad;
      this._entries.set(n, { kind: e.kind, tensor: t });
    }
    for (const c of this._children.values()) c.rebuild(f);
    return this;
  }

  /** Clears `.grad` of every parameter. */
  zeroGrad(): void {
    for (const t of this.parameters({ includeFrozen: true })) t.grad = null;
  }
}
