// The few numpy primitives the NeuronIO evaluation rests on, reproduced so
// that results agree with the authors' numpy/sklearn code to the last bit
// where the algorithms allow: pairwise summation (np.add.reduce), mean, std,
// linspace and interp. Sums follow numpy 2.x (one pairwise sum over the whole
// contiguous array); numpy 1.x reduced in 8192-element buffers, so a long sum
// can differ from it in the last bit (checked: extract_core_results with
// sklearn 1.2.1 / numpy 1.24 agrees bit for bit except RMSE, off by 1 ulp).

type Num = ArrayLike<number>;

/** numpy's pairwise summation of a[start, start+n) (8-way unrolled blocks of ≤128, split in halves above). */
export function pairwiseSum(a: Num, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    const r = [a[start]!, a[start + 1]!, a[start + 2]!, a[start + 3]!, a[start + 4]!, a[start + 5]!, a[start + 6]!, a[start + 7]!];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j]! += a[start + i + j]!;
    }
    let res = ((r[0]! + r[1]!) + (r[2]! + r[3]!)) + ((r[4]! + r[5]!) + (r[6]! + r[7]!));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** np.mean of a flat float64 array. */
export function npMean(a: Num): number {
  return pairwiseSum(a) / a.length;
}

/** np.std (ddof 0): sqrt(mean((x − mean)²)). */
export function npStd(a: Num): number {
  const m = npMean(a);
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) { const x = a[i]! - m; d[i] = x * x; }
  return Math.sqrt(pairwiseSum(d) / a.length);
}

/** np.linspace(start, stop, num) (endpoint included). */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) { out[0] = start; return out; }
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/**
 * np.interp(x, xp, fp) for non-decreasing xp (repeats allowed, as in a ROC
 * curve): j = the last index with xp[j] ≤ x; fp[0] left of xp[0], fp[−1] right
 * of xp[−1]; exact hits return fp[j]. Slopes as numpy computes them.
 */
export function interp(x: Num, xp: Num, fp: Num): Float64Array {
  const n = xp.length;
  if (n === 0 || fp.length !== n) throw new RangeError(`interp: xp and fp must be non-empty and equal in length (${n}, ${fp.length})`);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) { out[i] = v; continue; }
    if (v > xp[n - 1]!) { out[i] = fp[n - 1]!; continue; }
    if (v < xp[0]!) { out[i] = fp[0]!; continue; }
    // last j with xp[j] <= v
    let lo = 0, hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (xp[mid]! <= v) lo = mid; else hi = mid - 1;
    }
    const j = lo;
    if (j === n - 1 || xp[j] === v) { out[i] = fp[j]!; continue; }
    const slope = (fp[j + 1]! - fp[j]!) / (xp[j + 1]! - xp[j]!);
    let r = slope * (v - xp[j]!) + fp[j]!;
    if (Number.isNaN(r)) {
      r = slope * (v - xp[j + 1]!) + fp[j + 1]!;
      if (Number.isNaN(r) && fp[j] === fp[j + 1]) r = fp[j]!;
    }
    out[i] = r;
  }
  return out;
}

/** np.argmin: index of the first minimum (NaN counts as the minimum, as numpy does). */
export function argmin(a: Num): number {
  let best = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]!)) return i;
    if (a[i]! < a[best]!) best = i;
  }
  return best;
}
