// Metrics on plain arrays: accuracy, bits per character, ROC AUC, RMSE.

/** argmax over the last axis of row-major [n, c] logits. */
export function argmaxRows(logits: ArrayLike<number>, n: number, c: number): Int32Array {
  if (logits.length !== n * c) throw new Error(`argmaxRows: expected ${n}×${c}=${n * c} values, got ${logits.length}`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bv = logits[i * c];
    for (let j = 1; j < c; j++) {
      const v = logits[i * c + j];
      if (v > bv) {
        bv = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Number of rows whose argmax equals the target. */
export function countCorrect(logits: ArrayLike<number>, targets: ArrayLike<number>, c: number): number {
  const n = targets.length;
  const pred = argmaxRows(logits, n, c);
  let k = 0;
  for (let i = 0; i < n; i++) if (pred[i] === targets[i]) k++;
  return k;
}

/** Fraction of correct predictions. */
export function accuracy(logits: ArrayLike<number>, targets: ArrayLike<number>, c: number): number {
  if (targets.length === 0) throw new Error("accuracy: no samples");
  return countCorrect(logits, targets, c) / targets.length;
}

/** Mean cross-entropy in nats → bits per character. */
export function bitsPerChar(meanNats: number): number {
  return meanNats / Math.LN2;
}

/**
 * Area under the ROC curve (Mann–Whitney U with midranks for ties), the
 * quantity `sklearn.metrics.roc_auc_score` returns for binary labels.
 */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = labels.length;
  if (scores.length !== n) throw new Error(`rocAuc: ${n} labels but ${scores.length} scores`);
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let nPos = 0;
  for (let i = 0; i < n; i++) if (labels[i] > 0.5) nPos++;
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) throw new Error(`rocAuc: needs both classes, got ${nPos} positives and ${nNeg} negatives`);
  let rankSumPos = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const mid = (i + j) / 2 + 1; // average 1-based rank of the tie group
    for (let k = i; k <= j; k++) if (labels[idx[k]] > 0.5) rankSumPos += mid;
    i = j + 1;
  }
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Root mean squared error. */
export function rmse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`rmse: lengths differ (${a.length} vs ${b.length})`);
  if (a.length === 0) throw new Error("rmse: no values");
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return Math.sqrt(s / a.length);
}
