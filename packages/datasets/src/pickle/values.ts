// How Python objects appear once unpickled (and how to describe them for the
// pickler). Only what state dicts and NeuronIO files hold:
//   None → null, bool → boolean, int → number (bigint beyond 2^53),
//   float → number, str (and Python 2 str read as latin1) → string,
//   bytes → Uint8Array, list → array, tuple → PyTuple (a frozen array),
//   dict → Map, a global class/function → PyGlobal, an instance → what its
//   global builds.

export class PickleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PickleError";
  }
}

/** A tuple: a frozen array, told apart from a list. */
export type PyTuple = readonly PyValue[] & { readonly __tuple: true };

export function pyTuple(items: readonly PyValue[]): PyTuple {
  const t = [...items] as PyValue[] & { __tuple?: true };
  Object.defineProperty(t, "__tuple", { value: true, enumerable: false });
  return Object.freeze(t) as unknown as PyTuple;
}

export function isPyTuple(v: unknown): v is PyTuple {
  return Array.isArray(v) && (v as { __tuple?: boolean }).__tuple === true;
}

/**
 * A Python global (class or function) the reader was told how to build.
 * `call` answers REDUCE (`f(*args)`), `newobj` answers NEWOBJ (`cls.__new__(cls, *args)`).
 */
export interface PyGlobal {
  readonly kind: "global";
  readonly module: string;
  readonly name: string;
  call?(args: readonly PyValue[]): PyValue;
  newobj?(args: readonly PyValue[]): PyValue;
}

/** An object that accepts BUILD (`obj.__setstate__(state)`). */
export interface PyStateful {
  setState(state: PyValue): void;
}

export function isStateful(v: unknown): v is PyStateful {
  return typeof v === "object" && v !== null && typeof (v as { setState?: unknown }).setState === "function";
}

// Anything a resolver may hand back is a value too (tensors, arrays, …).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PyValue = any;

/** Python's type name for a value, for error messages. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "bigint") return "int";
  if (typeof v === "string") return "str";
  if (v instanceof Uint8Array) return "bytes";
  if (isPyTuple(v)) return "tuple";
  if (Array.isArray(v)) return "list";
  if (v instanceof Map) return "dict";
  if (typeof v === "object" && (v as PyGlobal).kind === "global") return `global ${(v as PyGlobal).module}.${(v as PyGlobal).name}`;
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v;
}

/** Python 2 str / latin1-decoded str → the bytes it stands for. */
export function latin1Bytes(s: string, what: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) throw new PickleError(`${what}: character U+${c.toString(16).padStart(4, "0")} at ${i} is not latin1, so the string is not a byte payload`);
    out[i] = c;
  }
  return out;
}

export function latin1String(bytes: Uint8Array): string {
  // Node's "latin1" is ISO-8859-1 byte for byte (TextDecoder's "latin1" is windows-1252, which is not)
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}
