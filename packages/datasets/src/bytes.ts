// A growable byte buffer for the file writers of this package (HDF5, pickle):
// little-endian integers unless the name says otherwise; every method returns
// the writer, so calls chain.

export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;
  constructor(cap = 256) {
    this.buf = new Uint8Array(cap);
    this.view = new DataView(this.buf.buffer);
  }
  private grow(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.length));
    this.buf = nb;
    this.view = new DataView(nb.buffer);
  }
  u8(v: number): this { this.grow(1); this.buf[this.length++] = v; return this; }
  u16(v: number): this { this.grow(2); this.view.setUint16(this.length, v, true); this.length += 2; return this; }
  u32(v: number): this { this.grow(4); this.view.setUint32(this.length, v >>> 0, true); this.length += 4; return this; }
  i32(v: number): this { this.grow(4); this.view.setInt32(this.length, v, true); this.length += 4; return this; }
  u64(v: number | bigint): this { this.grow(8); this.view.setBigUint64(this.length, BigInt(v), true); this.length += 8; return this; }
  /** float64, big-endian (pickle's BINFLOAT). */
  f64be(v: number): this { this.grow(8); this.view.setFloat64(this.length, v, false); this.length += 8; return this; }
  raw(b: ArrayLike<number>): this { this.grow(b.length); this.buf.set(b, this.length); this.length += b.length; return this; }
  zeros(n: number): this { this.grow(n); this.buf.fill(0, this.length, this.length + n); this.length += n; return this; }
  /** One byte per UTF-16 code unit (for ASCII text). */
  ascii(s: string): this { for (let i = 0; i < s.length; i++) this.u8(s.charCodeAt(i)); return this; }
  /** The bytes written so far: a view of the buffer (slice() it to keep it past further writes). */
  bytes(): Uint8Array { return this.buf.subarray(0, this.length); }
}
