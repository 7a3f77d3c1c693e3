// Time binning exactly as the authors (elmneuron `SHD`/`SHDAdding`, after
// Zenke & Halvagal's SpyTorch tutorial):
//
//   step  = bin_ms / 1000                      (seconds)
//   edges = np.arange(0, 1.0 + step, step)     (float64; numpy computes
//           len = ceil((1.0 + step) / step) and edges[i] = i * step)
//   bin   = np.digitize(t, edges) - 1          (t is the float32 spike time,
//           compared as float64; bin i holds edges[i] <= t < edges[i+1])
//   x     = dense[:, :-1]                      (drops the last index)
//
// So T = len(edges) - 1 bins (500 for 2 ms, 100 for 10 ms, 334 for 3 ms whose
// last edge is 1.002 s), a spike exactly on an edge goes to the bin that edge
// opens, and every spike at or past the last edge (t >= edges[T], ≈ 1 s) is
// dropped. Spikes in the same bin and channel add up (the authors densify a
// sparse COO tensor, which sums duplicates), so x holds counts, not 0/1.
// Negative times are refused when reading (digitize would give bin -1).

export interface TimeBins {
  binMs: number;
  /** The edges, float64, exactly numpy's arange. */
  edges: Float64Array;
  /** Number of kept bins, edges.length - 1. */
  steps: number;
}

export function timeBins(binMs: number, maxTimeS = 1.0): TimeBins {
  if (!(binMs > 0) || !Number.isFinite(binMs)) throw new RangeError(`binMs must be a positive number of milliseconds, got ${binMs}`);
  if (!(maxTimeS > 0) || !Number.isFinite(maxTimeS)) throw new RangeError(`maxTimeS must be positive, got ${maxTimeS}`);
  const step = binMs / 1000;
  const stop = maxTimeS + step;
  const n = Math.ceil((stop - 0) / step);
  if (n < 2) throw new RangeError(`binMs ${binMs} leaves no time bin in [0, ${maxTimeS}] s`);
  const edges = new Float64Array(n);
  const delta = 0 + step - 0; // numpy: delta = a[1] - a[0]
  for (let i = 0; i < n; i++) edges[i] = 0 + i * delta;
  return { binMs, edges, steps: n - 1 };
}

/**
 * np.digitize(t, edges) - 1 for increasing edges (right = false): the i with
 * edges[i] <= t < edges[i+1]; -1 below edges[0]; edges.length - 1 at or past
 * the last edge (the caller drops that one).
 */
export function digitizeMinusOne(t: number, edges: Float64Array): number {
  const n = edges.length;
  if (Number.isNaN(t)) return n - 1; // numpy sorts NaN past the end (the reader refuses NaN anyway)
  if (t < edges[0]) return -1;
  if (t >= edges[n - 1]) return n - 1;
  // first guess from the uniform step, then correct by at most a step or two
  let i = Math.floor(t / (edges[1] - edges[0]));
  if (i > n - 2) i = n - 2;
  if (i < 0) i = 0;
  while (i > 0 && edges[i] > t) i--;
  while (i < n - 2 && edges[i + 1] <= t) i++;
  return i;
}
