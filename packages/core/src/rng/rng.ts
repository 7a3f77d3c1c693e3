// Seeded PRNG: xoshiro128** (Blackman & Vigna) seeded through splitmix32.
// Independent streams come from fork(name): the child's seed is a hash of the
// parent's key and the name, so it does not depend on how many numbers the
// parent has drawn. The whole state round-trips through getState()/fromState().

export interface RngState {
  /** Stream key (two uint32): the identity forks derive from. */
  key: [number, number];
  /** xoshiro128** state (four uint32). */
  s: [number, number, number, number];
  /** Cached second Box–Muller normal, or null. */
  spare: number | null;
}

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function fnv1a(str: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < str.length; i++) {
    h ^= str.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

export class Rng {
  private key: [number, number];
  private s: Uint32Array = new Uint32Array(4);
  private spare: number | null = null;

  /** seed: an integer (up to 2^53) or a string. */
  constructor(seed: number | string) {
    let lo: number;
    let hi: number;
    if (typeof seed === "string") {
      lo = fnv1a(seed);
      hi = fnv1a(`${seed}#`);
    } else {
      if (!Number.isSafeInteger(seed)) throw new RangeError(`Rng: seed must be a safe integer or a string, got ${seed}`);
      lo = seed >>> 0;
      hi = Math.floor(seed / 4294967296) >>> 0;
    }
    this.key = [lo, hi];
    this.reseed();
  }

  private reseed(): void {
    let x = this.key[0] ^ Math.imul(this.key[1], 0x9e3779b1);
    for (let i = 0; i < 4; i++) {
      x = splitmix32(x + i);
      this.s[i] = x;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
    this.spare = null;
  }

  /** Next uint32. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Standard normal (Box–Muller; the second value is cached in the state). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n), unbiased; n a positive integer ≤ 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) throw new RangeError(`Rng.int: n must be an integer in 1..2^32, got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    let x: number;
    do x = this.nextUint32();
    while (x >= limit);
    return x % n;
  }

  /** An independent stream named `stream` (e.g. "data", "init", "dropout"), independent of draws so far. */
  fork(stream: string): Rng {
    const child = Object.create(Rng.prototype) as Rng;
    const h = fnv1a(stream);
    child.key = [splitmix32(this.key[0] ^ h), splitmix32(this.key[1] ^ Math.imul(h, 0x27d4eb2f) ^ 0x5bd1e995)];
    child.s = new Uint32Array(4);
    child.spare = null;
    child.reseed();
    return child;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(a: T[] | Int32Array | Float32Array | Float64Array): typeof a {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t as never;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p) as Int32Array;
  }

  getState(): RngState {
    return { key: [this.key[0], this.key[1]], s: [this.s[0], this.s[1], this.s[2], this.s[3]], spare: this.spare };
  }

  /** Restores a state from getState() (checked). */
  setState(state: RngState): void {
    const ok =
      state &&
      Array.isArray(state.key) && state.key.length === 2 &&
      Array.isArray(state.s) && state.s.length === 4 &&
      [...state.key, ...state.s].every((v) => Number.isInteger(v) && v >= 0 && v < 4294967296) &&
      (state.spare === null || typeof state.spare === "number");
    if (!ok) throw new TypeError(`Rng state must be {key:[u32,u32], s:[u32×4], spare:number|null}, got ${JSON.stringify(state)}`);
    this.key = [state.key[0], state.key[1]];
    this.s = Uint32Array.from(state.s);
    this.spare = state.spare;
  }

  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    r.setState(state);
    return r;
  }
}
