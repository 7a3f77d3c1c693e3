// Saved state for BPTT is large (tens of MB per training step at SHD sizes) and a
// fresh allocation is paged in by the kernel that first writes it: on the
// development VM that cost several ms per step. A backward that is the last user
// of a forward's saved state hands its buffers back here, and the next forward
// of the same shape, dtype and device reuses them (one set per key).
export class BufferPool<V> {
  private readonly free = new Map<string, V>();

  /** The pooled set for `key`, removed from the pool; undefined when there is none. */
  take(key: string): V | undefined {
    const v = this.free.get(key);
    if (v !== undefined) this.free.delete(key);
    return v;
  }

  /** Hands `v` back for the next take(key) (replacing any set already there). */
  put(key: string, v: V): void {
    this.free.set(key, v);
  }
}
