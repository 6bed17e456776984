/**
 * A seeded synthetic ranking dataset shaped like the recommender's candidate
 * tables: queries (customers) of `minGroup`..`maxGroup` candidates, binary
 * labels (bought or not, a few percent positive), five informative features
 * (non-linear, one interaction, one threshold), one query-level feature, one
 * feature whose missingness is informative, noise features (some with few
 * distinct values), and missing values. For tests and the benchmark.
 */
import { mulberry32 } from '../util/random';

export interface SyntheticOptions {
  queries: number;
  nFeatures?: number;
  minGroup?: number;
  maxGroup?: number;
  /** Share of missing values in the features that have them. */
  missing?: number;
  seed: number;
}

export interface SyntheticRanking {
  X: Float32Array;
  nFeatures: number;
  y: Float32Array;
  groups: Int32Array;
  featureNames: string[];
}

/** The dataset; at least 8 features (the first 7 carry the signal). */
export function syntheticRanking(o: SyntheticOptions): SyntheticRanking {
  const F = o.nFeatures ?? 40;
  if (!Number.isInteger(F) || F < 8) throw new Error(`invalid nFeatures: ${F}; expected a whole number ≥ 8`);
  const minG = o.minGroup ?? 50;
  const maxG = o.maxGroup ?? 200;
  const miss = o.missing ?? 0.1;
  const rand = mulberry32(o.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const groups = new Int32Array(o.queries);
  let n = 0;
  for (let q = 0; q < o.queries; q++) {
    groups[q] = minG + Math.floor(rand() * (maxG - minG + 1));
    n += groups[q];
  }
  const X = new Float32Array(n * F);
  const y = new Float32Array(n);
  let i = 0;
  for (let q = 0; q < o.queries; q++) {
    const recency = rand(); // query-level: active customers buy more
    const bias = normal() * 0.5 + 1.5 * (0.5 - recency);
    for (let k = 0; k < groups[q]; k++, i++) {
      const row = X.subarray(i * F, (i + 1) * F);
      const x0 = normal();
      const x1 = rand();
      const x2 = rand();
      const x3 = rand();
      const x4 = rand();
      const x6 = rand();
      const x6Missing = rand() < 0.3;
      const u = 1.2 * x0 + Math.sin(6 * x1) + 2 * (x2 - 0.5) * (x3 - 0.5) * 4 - 1.5 * (x4 > 0.7 ? 1 : 0) + (x6Missing ? 1 : 0) + 0.5 * x6 + bias;
      row[0] = x0;
      row[1] = rand() < miss ? NaN : x1;
      row[2] = rand() < miss ? NaN : x2;
      row[3] = x3;
      row[4] = Math.round(x4 * 20) / 20; // 21 distinct values
      row[5] = recency;
      row[6] = x6Missing ? NaN : x6;
      for (let f = 7; f < F; f++) {
        const v = f % 3 === 0 ? Math.floor(rand() * 10) : normal();
        row[f] = f % 5 === 0 && rand() < miss ? NaN : v;
      }
      const logit = 1.5 * u - 4 + 0.8 * normal();
      y[i] = rand() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    }
  }
  const featureNames = Array.from({ length: F }, (_, f) => (f < 7 ? ['signal', 'wave', 'cross_a', 'cross_b', 'step', 'recency', 'gap'][f] : `noise_${f}`));
  return { X, nFeatures: F, y, groups, featureNames };
}

/** Rows of the queries [q0, q1) of a dataset, as a dataset of their own. */
export function sliceQueries(d: SyntheticRanking, q0: number, q1: number): SyntheticRanking {
  let r0 = 0;
  for (let q = 0; q < q0; q++) r0 += d.groups[q];
  let r1 = r0;
  for (let q = q0; q < q1; q++) r1 += d.groups[q];
  const F = d.nFeatures;
  return { X: d.X.slice(r0 * F, r1 * F), nFeatures: F, y: d.y.slice(r0, r1), groups: d.groups.slice(q0, q1), featureNames: d.featureNames };
}
