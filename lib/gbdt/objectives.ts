/**
 * Objectives: gradients and hessians of the loss at the current scores.
 * - `binary`: logloss of sigmoid(score) against labels 0/1; the model starts
 *   from the log-odds of the mean label (LightGBM's boost_from_average).
 * - `lambdarank`: LightGBM's LambdaRank. Within each query, documents are
 *   sorted by score; every pair with different labels and at least one
 *   document in the top LAMBDARANK_TRUNCATION gets a RankNet gradient weighted
 *   by the change in NDCG that swapping them would make (gain 2^label − 1,
 *   discount 1/log2(2 + rank), normalised by the query's ideal DCG over the
 *   truncation level), divided by 0.01 + |score difference|; each query's
 *   gradients are then scaled by log2(1 + Σλ)/Σλ (lambdarank_norm).
 */
import { LAMBDARANK_TRUNCATION } from './params';

// A local copy: read in the pair loop, and CommonJS-compiled imports are getters.
const TRUNCATION = LAMBDARANK_TRUNCATION;

/** Gradient/hessian writer for one objective. */
export interface Objective {
  /** Starting score of every row. */
  initScore: number;
  /** Writes grad and hess (per row) at `scores`. */
  gradients(scores: Float64Array, grad: Float64Array, hess: Float64Array): void;
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Logloss on labels 0/1. */
export function binaryObjective(y: Float32Array): Objective {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i];
  const mean = pos / y.length;
  // All-one or all-zero labels: start at 0 rather than ±Infinity.
  const initScore = mean > 0 && mean < 1 ? Math.log(mean / (1 - mean)) : 0;
  return {
    initScore,
    gradients(scores, grad, hess) {
      for (let i = 0; i < y.length; i++) {
        const p = sigmoid(scores[i]);
        grad[i] = p - y[i];
        hess[i] = p * (1 - p);
      }
    },
  };
}

const discount = (rank: number): number => 1 / Math.log2(2 + rank);
const labelGain = (label: number): number => 2 ** label - 1;

/** 1 / (ideal DCG over the top `k`) of one query's labels, or 0 when it has no relevant document. */
export function inverseMaxDcg(labels: ArrayLike<number>, k: number): number {
  const sorted = Array.from(labels).sort((a, b) => b - a);
  let dcg = 0;
  for (let i = 0; i < Math.min(k, sorted.length); i++) dcg += labelGain(sorted[i]) * discount(i);
  return dcg > 0 ? 1 / dcg : 0;
}

/** LambdaRank on graded labels (whole numbers) with query sizes `groups`. */
export function lambdarankObjective(y: Float32Array, groups: Int32Array): Objective {
  const starts = new Int32Array(groups.length + 1);
  for (let q = 0; q < groups.length; q++) starts[q + 1] = starts[q] + groups[q];
  const invMax = new Float64Array(groups.length);
  let widest = 0;
  for (let q = 0; q < groups.length; q++) {
    invMax[q] = inverseMaxDcg(y.subarray(starts[q], starts[q + 1]), TRUNCATION);
    widest = Math.max(widest, groups[q]);
  }
  const order = new Int32Array(widest);
  // Per query, labels and scores in score order, and the discount of each rank.
  const sy = new Float64Array(widest);
  const ss = new Float64Array(widest);
  const disc = Float64Array.from({ length: widest }, (_, r) => discount(r));
  const gainOfLabel = Float64Array.from({ length: 32 }, (_, l) => labelGain(l));
  return {
    initScore: 0,
    gradients(scores, grad, hess) {
      for (let q = 0; q < groups.length; q++) {
        const s0 = starts[q];
        const cnt = groups[q];
        for (let i = s0; i < s0 + cnt; i++) {
          grad[i] = 0;
          hess[i] = 0;
        }
        const inv = invMax[q];
        if (inv === 0) continue; // no relevant document: nothing to order
        const ord = order.subarray(0, cnt);
        for (let i = 0; i < cnt; i++) ord[i] = s0 + i;
        // Stable sort by score, best first (ties keep row order, as std::stable_sort).
        ord.sort((a, b) => scores[b] - scores[a] || a - b);
        for (let i = 0; i < cnt; i++) {
          sy[i] = y[ord[i]];
          ss[i] = scores[ord[i]];
        }
        const normByScore = ss[0] !== ss[cnt - 1];
        let sumLambdas = 0;
        for (let i = 0; i < cnt - 1 && i < TRUNCATION; i++) {
          const li = sy[i];
          for (let j = i + 1; j < cnt; j++) {
            const lj = sy[j];
            if (li === lj) continue;
            const highRank = li > lj ? i : j;
            const lowRank = li > lj ? j : i;
            const deltaScore = ss[highRank] - ss[lowRank];
            let deltaNdcg = (gainOfLabel[sy[highRank]] - gainOfLabel[sy[lowRank]]) * Math.abs(disc[highRank] - disc[lowRank]) * inv;
            if (normByScore) deltaNdcg /= 0.01 + Math.abs(deltaScore);
            // P(the pair is ordered wrongly) under the RankNet model.
            const pWrong = 1 / (1 + Math.exp(deltaScore));
            const lambda = -pWrong * deltaNdcg;
            const h = pWrong * (1 - pWrong) * deltaNdcg;
            const high = ord[highRank];
            const low = ord[lowRank];
            grad[low] -= lambda;
            hess[low] += h;
            grad[high] += lambda;
            hess[high] += h;
            sumLambdas -= 2 * lambda;
          }
        }
        if (sumLambdas > 0) {
          const norm = Math.log2(1 + sumLambdas) / sumLambdas;
          for (let i = s0; i < s0 + cnt; i++) {
            grad[i] *= norm;
            hess[i] *= norm;
          }
        }
      }
    },
  };
}
