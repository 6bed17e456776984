/**
 * Exact cosine top-k with TF.js, in blocks of query rows: the rows are
 * L2-normalised once and kept on the backend (transposed, d x n), then each block of
 * `blockRows` rows is multiplied by all rows (blockRows x n scores) and
 * reduced with `topk`. Peak memory is n*d + blockRows*n floats, never n x n.
 * Runs on whatever backend the caller chose (GPU in the worker).
 */
import type * as tfType from '@tensorflow/tfjs';
import { CancelledError } from '../../util/cancel';
import { checkKnnInput, rowNorms, type KnnOptions, type KnnResult, type VectorSet } from './types';

type Tf = typeof tfType;

/** Scores kept per block by default: 16M floats (64 MB). */
export const DEFAULT_BLOCK_FLOATS = 16 * 1024 * 1024;

/** Rows per block so that a block's score matrix stays within `DEFAULT_BLOCK_FLOATS`. */
export function defaultBlockRows(n: number): number {
  return Math.max(1, Math.min(n, Math.floor(DEFAULT_BLOCK_FLOATS / n)));
}

/** Exact top-k by cosine similarity; same contract as `bruteForceTopK`. */
export async function blockedTopK(tf: Tf, v: VectorSet, options: KnnOptions = {}): Promise<KnnResult> {
  const { k, excludeSelf } = checkKnnInput(v, options);
  const { n, d } = v;
  const blockRows = options.blockRows ?? defaultBlockRows(n);
  const norms = rowNorms(v);
  // Unit rows, stored transposed (d x n): matMul(q, unitT) is 10-30x faster on
  // the wasm backend than matMul(q, unit, false, true), and the transpose is
  // done here once, in JS, so the backend never holds two n x d copies.
  const t = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const inv = 1 / norms[i];
    for (let j = 0, src = i * d; j < d; j++) t[j * n + i] = v.data[src + j] * inv;
  }
  const unitT = tf.tensor2d(t, [d, n]);
  // One spare candidate covers the row itself, wherever ties put it.
  const kk = excludeSelf ? Math.min(n, k + 1) : k;
  const indices = new Int32Array(n * k);
  const scores = new Float32Array(n * k);
  try {
    for (let b0 = 0; b0 < n; b0 += blockRows) {
      if (options.signal?.aborted) throw new CancelledError('knn cancelled');
      const rows = Math.min(blockRows, n - b0);
      const { values, idx } = tf.tidy(() => {
        const q = tf.transpose(tf.slice(unitT, [0, b0], [d, rows]));
        const sims = tf.matMul(q, unitT);
        const top = tf.topk(sims, kk, true);
        return { values: top.values, idx: top.indices };
      });
      const [vals, ids] = await Promise.all([values.data() as Promise<Float32Array>, idx.data() as Promise<Int32Array>]);
      values.dispose();
      idx.dispose();
      for (let r = 0; r < rows; r++) {
        const i = b0 + r;
        let w = 0;
        for (let c = 0; c < kk && w < k; c++) {
          const j = ids[r * kk + c];
          if (excludeSelf && j === i) continue;
          indices[i * k + w] = j;
          scores[i * k + w] = vals[r * kk + c];
          w++;
        }
      }
      options.onProgress?.(b0 + rows, n);
    }
  } finally {
    unitT.dispose();
  }
  return { n, k, indices, scores };
}
