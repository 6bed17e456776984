/**
 * Brute-force exact cosine top-k in plain TypeScript (float64 sums): the
 * obviously correct reference. O(n^2 d) time, O(n) extra memory per row.
 */
import { CancelledError } from '../../util/cancel';
import { checkKnnInput, rowNorms, type KnnOptions, type KnnResult, type VectorSet } from './types';

/** Exact top-k by cosine; ties broken by the lower index. */
export function bruteForceTopK(v: VectorSet, options: KnnOptions = {}): KnnResult {
  const { k, excludeSelf } = checkKnnInput(v, options);
  const { data, n, d } = v;
  const norms = rowNorms(v);
  const indices = new Int32Array(n * k);
  const scores = new Float32Array(n * k);
  const sims = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (options.signal?.aborted) throw new CancelledError('knn cancelled');
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += data[i * d + t] * data[j * d + t];
      sims[j] = s / (norms[i] * norms[j]);
      order[j] = j;
    }
    const cand = Array.from(order).filter((j) => !(excludeSelf && j === i));
    cand.sort((a, b) => sims[b] - sims[a] || a - b);
    for (let r = 0; r < k; r++) {
      indices[i * k + r] = cand[r];
      scores[i * k + r] = sims[cand[r]];
    }
    options.onProgress?.(i + 1, n);
  }
  return { n, k, indices, scores };
}
