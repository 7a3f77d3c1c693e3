// A small, strict unpickler: the binary opcodes of protocols 2–5 that PyTorch
// state dicts (torch.save, protocol 2) and the NeuronIO simulation files
// (Python 2 / 3, protocol 2) use, nothing else. Globals are never imported:
// each one must be given by the caller (`globals`), so a file can only build
// what the reader was told to accept. Anything else — a text-mode opcode, an
// unknown global, a persistent id without a loader, a truncated stream — is a
// PickleError that says what and where.
import { OP, opcodeName } from "./opcodes.js";
import {
  PickleError,
  isStateful,
  latin1String,
  pyTuple,
  pyTypeName,
  type PyGlobal,
  type PyValue,
} from "./values.js";

export interface UnpickleOptions {
  /** The globals the stream may name, keyed "module name" (as GLOBAL writes them). */
  globals?: ReadonlyMap<string, PyGlobal> | Record<string, PyGlobal>;
  /** Answers BINPERSID (`persistent_load`). Without it a persistent id is refused. */
  persistentLoad?: (pid: PyValue) => PyValue;
  /** What the stream is, for error messages ("archive/data.pkl"). */
  source?: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
const MARK = Symbol("mark");

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array, readonly view: DataView, readonly source: string) {}
  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.bytes.length) {
      throw new PickleError(
        `${this.source}: truncated pickle: ${what} at offset ${this.pos} needs ${n} bytes, only ${this.bytes.length - this.pos} left`,
      );
    }
  }
  u8(what: string): number { this.need(1, what); return this.bytes[this.pos++]!; }
  u16(what: string): number { this.need(2, what); const v = this.view.getUint16(this.pos, true); this.pos += 2; return v; }
  i32(what: string): number { this.need(4, what); const v = this.view.getInt32(this.pos, true); this.pos += 4; return v; }
  u32(what: string): number { this.need(4, what); const v = this.view.getUint32(this.pos, true); this.pos += 4; return v; }
  u64(what: string): number {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new PickleError(`${this.source}: ${what} at offset ${this.pos - 8} has length ${v}, too large`);
    return Number(v);
  }
  f64be(what: string): number { this.need(8, what); const v = this.view.getFloat64(this.pos, false); this.pos += 8; return v; }
  take(n: number, what: string): Uint8Array { this.need(n, what); const b = this.bytes.subarray(this.pos, this.pos + n); this.pos += n; return b; }
  line(what: string): string {
    const start = this.pos;
    const end = this.bytes.indexOf(0x0a, start);
    if (end < 0) throw new PickleError(`${this.source}: truncated pickle: ${what} at offset ${start} has no terminating newline`);
    this.pos = end + 1;
    return latin1String(this.bytes.subarray(start, end));
  }
}

/** Little-endian two's complement (LONG1/LONG4) → number, or bigint beyond 2^53. */
function decodeLong(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function lookupGlobal(globals: UnpickleOptions["globals"], module: string, name: string, source: string): PyGlobal {
  const key = `${module} ${name}`;
  const g = globals instanceof Map ? globals.get(key) : globals ? (globals as Record<string, PyGlobal>)[key] : undefined;
  if (!g) {
    const known = globals instanceof Map ? [...globals.keys()] : Object.keys(globals ?? {});
    throw new PickleError(
      `${source}: the pickle refers to global '${module}.${name}', which this reader does not load` +
        (known.length ? ` (it loads: ${known.map((k) => k.replace(" ", ".")).join(", ")})` : " (it loads no globals)"),
    );
  }
  return g;
}

/** Unpickle `bytes` (one pickle, protocol ≥ 2). */
export function unpickle(bytes: Uint8Array, opts: UnpickleOptions = {}): PyValue {
  const source = opts.source ?? "pickle";
  const r = new Reader(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), source);
  let stack: PyValue[] = [];
  const metastack: PyValue[][] = [];
  const memo = new Map<number, PyValue>();

  const fail = (at: number, op: number, msg: string): never => {
    throw new PickleError(`${source}: ${opcodeName(op)} at offset ${at}: ${msg}`);
  };
  const pop = (at: number, op: number): PyValue => {
    if (stack.length === 0) fail(at, op, "the stack is empty");
    const v = stack.pop();
    if (v === MARK) fail(at, op, "found a MARK where a value was expected");
    return v;
  };
  const top = (at: number, op: number): PyValue => {
    if (stack.length === 0) fail(at, op, "the stack is empty");
    return stack[stack.length - 1];
  };
  const popMark = (at: number, op: number): PyValue[] => {
    const items = stack;
    const prev = metastack.pop();
    if (prev === undefined) fail(at, op, "no MARK to pop to");
    stack = prev!;
    return items;
  };
  const put = (idx: number, at: number, op: number): void => {
    memo.set(idx, top(at, op));
  };
  const get = (idx: number, at: number, op: number): void => {
    if (!memo.has(idx)) fail(at, op, `memo entry ${idx} was never stored`);
    stack.push(memo.get(idx));
  };
  const setItem = (dict: PyValue, key: PyValue, value: PyValue, at: number, op: number): void => {
    if (!(dict instanceof Map)) fail(at, op, `expected a dict to set items on, got ${pyTypeName(dict)}`);
    (dict as Map<PyValue, PyValue>).set(key, value);
  };

  if (bytes.length === 0) throw new PickleError(`${source}: empty input, expected a pickle`);
  if (bytes[0] !== OP.PROTO) {
    throw new PickleError(
      `${source}: not a protocol-2+ pickle (first byte 0x${bytes[0]!.toString(16).padStart(2, "0")}, expected PROTO 0x80); text-mode protocols 0/1 are not read`,
    );
  }

  for (;;) {
    const at = r.pos;
    const op = r.u8("opcode");
    switch (op) {
      case OP.PROTO: {
        const v = r.u8("protocol version");
        if (v < 2 || v > 5) fail(at, op, `protocol ${v} is not read (2 to 5 are)`);
        break;
      }
      case OP.FRAME: r.u64("frame length"); break;
      case OP.STOP: {
        if (metastack.length !== 0) fail(at, op, "a MARK was left open");
        if (stack.length !== 1) fail(at, op, `expected one value on the stack, found ${stack.length}`);
        const v = stack[0];
        if (v === MARK) fail(at, op, "found a MARK where the result was expected");
        if (r.pos !== bytes.length) {
          throw new PickleError(`${source}: ${bytes.length - r.pos} trailing bytes after STOP at offset ${at}`);
        }
        return v;
      }
      case OP.MARK: metastack.push(stack); stack = []; break;
      case OP.POP: pop(at, op); break;
      case OP.POP_MARK: popMark(at, op); break;
      case OP.DUP: stack.push(top(at, op)); break;
      // memo
      case OP.BINPUT: put(r.u8("memo index"), at, op); break;
      case OP.LONG_BINPUT: put(r.u32("memo index"), at, op); break;
      case OP.MEMOIZE: put(memo.size, at, op); break;
      case OP.BINGET: get(r.u8("memo index"), at, op); break;
      case OP.LONG_BINGET: get(r.u32("memo index"), at, op); break;
      // constants and numbers
      case OP.NONE: stack.push(null); break;
      case OP.NEWTRUE: stack.push(true); break;
      case OP.NEWFALSE: stack.push(false); break;
      case OP.BININT: stack.push(r.i32("BININT")); break;
      case OP.BININT1: stack.push(r.u8("BININT1")); break;
      case OP.BININT2: stack.push(r.u16("BININT2")); break;
      case OP.LONG1: { const n = r.u8("LONG1 length"); stack.push(decodeLong(r.take(n, "LONG1 bytes"))); break; }
      case OP.LONG4: {
        const n = r.i32("LONG4 length");
        if (n < 0) fail(at, op, `negative length ${n}`);
        // ints of state dicts and NeuronIO files are small; a huge LONG4 would only cost quadratic time
        if (n > 1024) fail(at, op, `a ${n}-byte integer is larger than this reader accepts (1024 bytes)`);
        stack.push(decodeLong(r.take(n, "LONG4 bytes")));
        break;
      }
      case OP.BINFLOAT: stack.push(r.f64be("BINFLOAT")); break;
      // strings. Python 2 str (BINSTRING) is read as latin1, as Python 3 does with encoding='latin1'.
      case OP.SHORT_BINSTRING: { const n = r.u8("length"); stack.push(latin1String(r.take(n, "SHORT_BINSTRING"))); break; }
      case OP.BINSTRING: {
        const n = r.i32("length");
        if (n < 0) fail(at, op, `negative length ${n}`);
        stack.push(latin1String(r.take(n, "BINSTRING")));
        break;
      }
      case OP.SHORT_BINUNICODE:
      case OP.BINUNICODE:
      case OP.BINUNICODE8: {
        const n = op === OP.SHORT_BINUNICODE ? r.u8("length") : op === OP.BINUNICODE ? r.u32("length") : r.u64("length");
        const b = r.take(n, opcodeName(op));
        try {
          stack.push(utf8.decode(b));
        } catch {
          fail(at, op, "invalid UTF-8");
        }
        break;
      }
      case OP.SHORT_BINBYTES: { const n = r.u8("length"); stack.push(r.take(n, "SHORT_BINBYTES").slice()); break; }
      case OP.BINBYTES: { const n = r.u32("length"); stack.push(r.take(n, "BINBYTES").slice()); break; }
      case OP.BINBYTES8: { const n = r.u64("length"); stack.push(r.take(n, "BINBYTES8").slice()); break; }
      // tuples, lists, dicts
      case OP.EMPTY_TUPLE: stack.push(pyTuple([])); break;
      case OP.TUPLE1: { const a = pop(at, op); stack.push(pyTuple([a])); break; }
      case OP.TUPLE2: { const b = pop(at, op); const a = pop(at, op); stack.push(pyTuple([a, b])); break; }
      case OP.TUPLE3: { const c = pop(at, op); const b = pop(at, op); const a = pop(at, op); stack.push(pyTuple([a, b, c])); break; }
      case OP.TUPLE: { const items = popMark(at, op); stack.push(pyTuple(items)); break; }
      case OP.EMPTY_LIST: stack.push([]); break;
      case OP.LIST: { const items = popMark(at, op); stack.push(items); break; }
      case OP.APPEND: {
        const v = pop(at, op);
        const list = top(at, op);
        if (!Array.isArray(list) || Object.isFrozen(list)) fail(at, op, `expected a list, got ${pyTypeName(list)}`);
        list.push(v);
        break;
      }
      case OP.APPENDS: {
        const items = popMark(at, op);
        const list = top(at, op);
        if (!Array.isArray(list) || Object.isFrozen(list)) fail(at, op, `expected a list, got ${pyTypeName(list)}`);
        for (const v of items) list.push(v);
        break;
      }
      case OP.EMPTY_DICT: stack.push(new Map()); break;
      case OP.DICT: {
        const items = popMark(at, op);
        if (items.length % 2) fail(at, op, "odd number of items");
        const d = new Map();
        for (let i = 0; i < items.length; i += 2) d.set(items[i], items[i + 1]);
        stack.push(d);
        break;
      }
      case OP.SETITEM: { const v = pop(at, op); const k = pop(at, op); setItem(top(at, op), k, v, at, op); break; }
      case OP.SETITEMS: {
        const items = popMark(at, op);
        if (items.length % 2) fail(at, op, "odd number of items");
        const d = top(at, op);
        for (let i = 0; i < items.length; i += 2) setItem(d, items[i], items[i + 1], at, op);
        break;
      }
      // globals and objects
      case OP.GLOBAL: {
        const module = r.line("GLOBAL module");
        const name = r.line("GLOBAL name");
        stack.push(lookupGlobal(opts.globals, module, name, source));
        break;
      }
      case OP.STACK_GLOBAL: {
        const name = pop(at, op);
        const module = pop(at, op);
        if (typeof module !== "string" || typeof name !== "string") fail(at, op, "module and name must be str");
        stack.push(lookupGlobal(opts.globals, module, name, source));
        break;
      }
      case OP.REDUCE: {
        const args = pop(at, op);
        const f = pop(at, op) as PyGlobal;
        if (!Array.isArray(args)) fail(at, op, `expected an argument tuple, got ${pyTypeName(args)}`);
        if (!f || f.kind !== "global" || !f.call) fail(at, op, `${pyTypeName(f)} cannot be called`);
        stack.push(f.call!(args));
        break;
      }
      case OP.NEWOBJ: {
        const args = pop(at, op);
        const cls = pop(at, op) as PyGlobal;
        if (!Array.isArray(args)) fail(at, op, `expected an argument tuple, got ${pyTypeName(args)}`);
        if (!cls || cls.kind !== "global" || !cls.newobj) fail(at, op, `${pyTypeName(cls)} cannot be instantiated with NEWOBJ`);
        stack.push(cls.newobj!(args));
        break;
      }
      case OP.BUILD: {
        const state = pop(at, op);
        const obj = top(at, op);
        if (isStateful(obj)) obj.setState(state);
        else if (obj instanceof Map && state instanceof Map) {
          // instance attributes of a dict subclass (OrderedDict._metadata in state dicts)
          let attrs = dictAttributes.get(obj);
          if (!attrs) dictAttributes.set(obj, (attrs = new Map()));
          for (const [k, v] of state) attrs.set(k, v);
        } else fail(at, op, `cannot set state ${pyTypeName(state)} on ${pyTypeName(obj)}`);
        break;
      }
      case OP.BINPERSID: {
        const pid = pop(at, op);
        if (!opts.persistentLoad) fail(at, op, "the pickle holds a persistent id but this reader was given no persistent_load");
        stack.push(opts.persistentLoad!(pid));
        break;
      }
      default:
        fail(at, op, "opcode not accepted by this reader (binary protocol 2–5 subset only)");
    }
  }
}

/** Attributes BUILD set on a dict instance (e.g. `_metadata` of a state-dict OrderedDict). */
export const dictAttributes = new WeakMap<Map<PyValue, PyValue>, Map<PyValue, PyValue>>();

/** A global that is a plain function of its arguments. */
export function pyFunction(module: string, name: string, call: (args: readonly PyValue[]) => PyValue): PyGlobal {
  return { kind: "global", module, name, call };
}

/** `collections.OrderedDict`: REDUCE with () (or a list of pairs) gives a dict (a Map keeps order). */
export const ORDERED_DICT: PyGlobal = {
  kind: "global",
  module: "collections",
  name: "OrderedDict",
  call(args) {
    const d = new Map();
    if (args.length > 1) throw new PickleError(`collections.OrderedDict takes at most 1 argument, got ${args.length}`);
    if (args.length === 1) {
      if (!Array.isArray(args[0])) throw new PickleError(`collections.OrderedDict(${pyTypeName(args[0])}) is not read; expected a list of pairs`);
      for (const kv of args[0]) {
        if (!Array.isArray(kv) || kv.length !== 2) throw new PickleError("collections.OrderedDict: expected (key, value) pairs");
        d.set(kv[0], kv[1]);
      }
    }
    return d;
  },
};
