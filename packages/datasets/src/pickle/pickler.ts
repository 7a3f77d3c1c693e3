// A small protocol-2 pickler for exactly the values this project writes:
// PyTorch state dicts (OrderedDict of _rebuild_tensor_v2 with persistent
// storages) and NeuronIO simulation files (dicts, lists, ints, floats, str and
// numpy arrays). Values are described with the same shapes the reader gives
// back, plus a few explicit wrappers where JavaScript cannot tell (float vs int,
// Python 2 str vs unicode, calls).
import { ByteWriter } from "../bytes.js";
import { OP } from "./opcodes.js";
import { PickleError, isPyTuple, pyTypeName, type PyValue } from "./values.js";

/** A Python float even when the number is integral (`1.0`). */
export class PyFloat { constructor(readonly value: number) {} }
/** A Python 2 `str` (bytes), written as SHORT_BINSTRING/BINSTRING. */
export class PyBytesStr { constructor(readonly bytes: Uint8Array) {} }
/** A Python 3 `bytes`, written at protocol 2 as `_codecs.encode(latin1 str, 'latin1')`, as Python 3 does. */
export class PyBytes { constructor(readonly bytes: Uint8Array) {} }
/** A reference to a global (class or function). */
export class PyGlobalRef { constructor(readonly module: string, readonly name: string) {} }
/** `callable(*args)` (REDUCE), then optional `__setstate__(state)` (BUILD), then dict items (SETITEMS). */
export class PyCall {
  constructor(
    readonly callable: PyGlobalRef,
    readonly args: readonly PyValue[],
    readonly state?: PyValue,
    readonly dictItems?: ReadonlyMap<PyValue, PyValue>,
  ) {}
}
/** A persistent id (BINPERSID): the object lives outside the pickle. */
export class PyPersistent { constructor(readonly pid: PyValue) {} }
/** A tuple to write (arrays are written as lists). */
export class PyTupleOf { constructor(readonly items: readonly PyValue[]) {} }

export interface PickleWriteOptions {
  /** How plain JS strings are written: Python 3 str (BINUNICODE, default) or Python 2 str (BINSTRING, latin1). */
  strings?: "unicode" | "py2str";
}

const utf8 = new TextEncoder();

export class Pickler {
  private readonly out = new ByteWriter(1 << 16);
  private memoNext = 0;
  private readonly globalsMemo = new Map<string, number>();
  private readonly strMemo = new Map<string, number>();

  constructor(private readonly opts: PickleWriteOptions = {}) {}

  private memoize(): number {
    const i = this.memoNext++;
    if (i < 256) { this.out.u8(OP.BINPUT); this.out.u8(i); } else { this.out.u8(OP.LONG_BINPUT); this.out.u32(i); }
    return i;
  }
  private get(i: number): void {
    if (i < 256) { this.out.u8(OP.BINGET); this.out.u8(i); } else { this.out.u8(OP.LONG_BINGET); this.out.u32(i); }
  }

  private writeInt(v: number | bigint): void {
    const o = this.out;
    if (typeof v === "number" && !Number.isSafeInteger(v)) throw new PickleError(`cannot pickle ${v} as an int (not a safe integer); wrap floats in PyFloat`);
    const b = BigInt(v);
    if (b >= 0n && b < 256n) { o.u8(OP.BININT1); o.u8(Number(b)); return; }
    if (b >= 0n && b < 65536n) { o.u8(OP.BININT2); o.u16(Number(b)); return; }
    if (b >= -(2n ** 31n) && b < 2n ** 31n) { o.u8(OP.BININT); o.i32(Number(b)); return; }
    // LONG1: little-endian two's complement, shortest form
    const bytes: number[] = [];
    let x = b;
    for (;;) {
      bytes.push(Number(x & 0xffn));
      x >>= 8n;
      const last = bytes[bytes.length - 1]!;
      if ((x === 0n && !(last & 0x80)) || (x === -1n && last & 0x80)) break;
    }
    if (bytes.length > 255) throw new PickleError(`int ${b} is too large for LONG1`);
    o.u8(OP.LONG1); o.u8(bytes.length); for (const c of bytes) o.u8(c);
  }

  private writeUnicode(s: string): void {
    const m = this.strMemo.get(`u${s}`);
    if (m !== undefined) { this.get(m); return; }
    const b = utf8.encode(s);
    this.out.u8(OP.BINUNICODE); this.out.u32(b.length); this.out.raw(b);
    this.strMemo.set(`u${s}`, this.memoize());
  }

  private writeBinString(b: Uint8Array): void {
    if (b.length < 256) { this.out.u8(OP.SHORT_BINSTRING); this.out.u8(b.length); } else { this.out.u8(OP.BINSTRING); this.out.i32(b.length); }
    this.out.raw(b);
  }

  private writeGlobal(g: PyGlobalRef): void {
    const key = `${g.module}\n${g.name}\n`;
    const m = this.globalsMemo.get(key);
    if (m !== undefined) { this.get(m); return; }
    this.out.u8(OP.GLOBAL); this.out.ascii(key);
    this.globalsMemo.set(key, this.memoize());
  }

  private writeTupleItems(items: readonly PyValue[]): void {
    const o = this.out;
    if (items.length === 0) { o.u8(OP.EMPTY_TUPLE); return; }
    if (items.length <= 3) {
      for (const x of items) this.write(x);
      o.u8(items.length === 1 ? OP.TUPLE1 : items.length === 2 ? OP.TUPLE2 : OP.TUPLE3);
      return;
    }
    o.u8(OP.MARK);
    for (const x of items) this.write(x);
    o.u8(OP.TUPLE);
  }

  private writeDictItems(entries: Iterable<[PyValue, PyValue]>): void {
    // batches of 1000, as pickle.py does
    let batch: [PyValue, PyValue][] = [];
    const flush = (): void => {
      if (batch.length === 0) return;
      if (batch.length === 1) { this.write(batch[0]![0]); this.write(batch[0]![1]); this.out.u8(OP.SETITEM); }
      else { this.out.u8(OP.MARK); for (const [k, v] of batch) { this.write(k); this.write(v); } this.out.u8(OP.SETITEMS); }
      batch = [];
    };
    for (const kv of entries) { batch.push(kv); if (batch.length === 1000) flush(); }
    flush();
  }

  write(v: PyValue): void {
    const o = this.out;
    if (v === null || v === undefined) { o.u8(OP.NONE); return; }
    if (v === true) { o.u8(OP.NEWTRUE); return; }
    if (v === false) { o.u8(OP.NEWFALSE); return; }
    if (typeof v === "bigint") { this.writeInt(v); return; }
    if (typeof v === "number") {
      if (Number.isInteger(v)) this.writeInt(v);
      else { o.u8(OP.BINFLOAT); o.f64be(v); }
      return;
    }
    if (v instanceof PyFloat) { o.u8(OP.BINFLOAT); o.f64be(v.value); return; }
    if (typeof v === "string") {
      if (this.opts.strings === "py2str") {
        const b = new Uint8Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const c = v.charCodeAt(i);
          if (c > 255) throw new PickleError(`cannot write ${JSON.stringify(v)} as a Python 2 str: not latin1`);
          b[i] = c;
        }
        this.writeBinString(b);
      } else this.writeUnicode(v);
      return;
    }
    if (v instanceof PyBytesStr) { this.writeBinString(v.bytes); return; }
    if (v instanceof PyBytes) {
      // Python 3, protocol 2: _codecs.encode(u'…latin1…', 'latin1')
      this.writeGlobal(new PyGlobalRef("_codecs", "encode"));
      let s = "";
      for (let i = 0; i < v.bytes.length; i++) s += String.fromCharCode(v.bytes[i]!);
      const b = utf8.encode(s);
      o.u8(OP.BINUNICODE); o.u32(b.length); o.raw(b);
      this.writeUnicode("latin1");
      o.u8(OP.TUPLE2); o.u8(OP.REDUCE);
      return;
    }
    if (v instanceof PyGlobalRef) { this.writeGlobal(v); return; }
    if (v instanceof PyCall) {
      this.writeGlobal(v.callable);
      this.writeTupleItems(v.args);
      o.u8(OP.REDUCE);
      if (v.dictItems) this.writeDictItems(v.dictItems);
      if (v.state !== undefined) { this.write(v.state); o.u8(OP.BUILD); }
      return;
    }
    if (v instanceof PyPersistent) { this.write(v.pid); o.u8(OP.BINPERSID); return; }
    if (v instanceof PyTupleOf) { this.writeTupleItems(v.items); return; }
    if (isPyTuple(v)) { this.writeTupleItems(v); return; }
    if (Array.isArray(v)) {
      o.u8(OP.EMPTY_LIST);
      if (v.length === 1) { this.write(v[0]); o.u8(OP.APPEND); }
      else {
        for (let i = 0; i < v.length; i += 1000) {
          o.u8(OP.MARK);
          for (let j = i; j < Math.min(v.length, i + 1000); j++) this.write(v[j]);
          o.u8(OP.APPENDS);
        }
      }
      return;
    }
    if (v instanceof Map) { o.u8(OP.EMPTY_DICT); this.writeDictItems(v); return; }
    throw new PickleError(`cannot pickle a ${pyTypeName(v)}`);
  }

  /** PROTO 2, the value, STOP. */
  dump(v: PyValue): Uint8Array {
    this.out.u8(OP.PROTO); this.out.u8(2);
    this.write(v);
    this.out.u8(OP.STOP);
    return this.out.bytes().slice();
  }
}

/** Pickle one value at protocol 2. */
export function pickle(v: PyValue, opts: PickleWriteOptions = {}): Uint8Array {
  return new Pickler(opts).dump(v);
}
