/**
 * Quantile binning by LightGBM's rule (its BinMapper): each feature's values
 * are cut once into at most maxBin bins. Zero gets a bin of its own (bounds
 * ±ZERO_THRESHOLD), the negative and positive values share the other bins in
 * proportion to their counts, and within each side a bin closes once it holds
 * minDataInBin rows (with at most that many distinct values) or about an
 * equal share of the rows (with more; values frequent enough get a bin
 * alone). Bounds lie midway between neighbouring distinct values. A feature
 * with missing values (NaN) in the training data keeps maxBin − 1 bins for
 * the values and one extra bin for NaN; a feature without any treats a NaN
 * met later as 0, as LightGBM does. With minDataInBin = 1 and at most maxBin
 * distinct values every value gets its own bin, so a split on bins is the
 * same as a split on values.
 */
import { mulberry32 } from '../util/random';
import { BIN_SAMPLE_ROWS } from './params';

/** Upper bound of the last bin: finite so that models survive JSON. */
export const LAST_BOUND = Number.MAX_VALUE;
/** |v| ≤ this counts as zero (LightGBM's kZeroThreshold, 1e-35 in float32). */
export const ZERO_THRESHOLD = Math.fround(1e-35);

/**
 * LightGBM's greedy bins of sorted distinct values (with their counts, `total`
 * rows): upper bounds, the last one LAST_BOUND.
 */
function greedyBounds(distinct: Float64Array, counts: Int32Array, from: number, to: number, maxBin: number, total: number, minDataInBin: number): number[] {
  const D = to - from;
  const bounds: number[] = [];
  if (D <= maxBin) {
    let inBin = 0;
    for (let i = from; i + 1 < to; i++) {
      inBin += counts[i];
      if (inBin >= minDataInBin) {
        bounds.push((distinct[i] + distinct[i + 1]) / 2);
        inBin = 0;
      }
    }
  } else {
    if (minDataInBin > 0) maxBin = Math.max(1, Math.min(maxBin, Math.floor(total / minDataInBin)));
    // Values frequent enough to fill a bin alone get one; the rest share the other bins evenly.
    let meanBinSize = total / maxBin;
    let restBins = maxBin;
    let restCount = total;
    const big = new Uint8Array(D);
    for (let i = 0; i < D; i++) {
      if (counts[from + i] >= meanBinSize) {
        big[i] = 1;
        restBins--;
        restCount -= counts[from + i];
      }
    }
    meanBinSize = restCount / Math.max(1, restBins);
    let inBin = 0;
    for (let i = 0; i + 1 < D; i++) {
      if (!big[i]) restCount -= counts[from + i];
      inBin += counts[from + i];
      if (big[i] || inBin >= meanBinSize || (big[i + 1] && inBin >= Math.max(1, meanBinSize * 0.5))) {
        bounds.push((distinct[from + i] + distinct[from + i + 1]) / 2);
        if (bounds.length >= maxBin - 1) break;
        inBin = 0;
        if (!big[i]) {
          restBins--;
          meanBinSize = restCount / Math.max(1, restBins);
        }
      }
    }
  }
  bounds.push(LAST_BOUND);
  return bounds;
}

/**
 * Bin upper bounds (ascending, last = LAST_BOUND) for the non-NaN `values`
 * (any order), at most `maxBin` bins, a bin closing at `minDataInBin` rows.
 */
export function binUpperBounds(values: Float32Array, maxBin: number, minDataInBin = 1): Float64Array {
  const sorted = values.slice().sort();
  // Distinct values with counts; everything within ±ZERO_THRESHOLD is one value, 0.
  const distinct = new Float64Array(sorted.length);
  const counts = new Int32Array(sorted.length);
  let D = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = Math.abs(sorted[i]) <= ZERO_THRESHOLD ? 0 : sorted[i];
    if (D > 0 && v === distinct[D - 1]) counts[D - 1]++;
    else {
      distinct[D] = v;
      counts[D++] = 1;
    }
  }
  let negatives = 0; // distinct values below zero
  let negRows = 0;
  let zeroRows = 0;
  while (negatives < D && distinct[negatives] < 0) negRows += counts[negatives++];
  const posStart = negatives < D && distinct[negatives] === 0 ? negatives + 1 : negatives;
  if (posStart > negatives) zeroRows = counts[negatives];
  const posRows = sorted.length - negRows - zeroRows;
  const bounds: number[] = [];
  if (negatives > 0 && maxBin > 1) {
    const negBins = Math.max(1, Math.floor((negRows / (sorted.length - zeroRows)) * (maxBin - 1)));
    bounds.push(...greedyBounds(distinct, counts, 0, negatives, negBins, negRows, minDataInBin));
    bounds[bounds.length - 1] = -ZERO_THRESHOLD;
  }
  const posBins = maxBin - 1 - bounds.length;
  if (posStart < D && posBins > 0) {
    bounds.push(ZERO_THRESHOLD, ...greedyBounds(distinct, counts, posStart, D, posBins, posRows, minDataInBin));
  } else bounds.push(LAST_BOUND);
  return Float64Array.from(bounds);
}

/** The bin of a non-NaN value: the first bin whose upper bound is ≥ it. */
export function binOf(upper: Float64Array, v: number): number {
  let lo = 0;
  let hi = upper.length - 1; // values above the last bound (±Infinity) land in the last bin
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= upper[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Binned training data, row-major like X. */
export interface BinnedData {
  /** Row-major n × F bin indices; bin `nBins[f]` is feature f's missing bin. */
  bins: Uint8Array | Uint16Array;
  /** Regular (non-missing) bins per feature. */
  nBins: Int32Array;
  /** Per feature, the bins' upper bounds. */
  upper: Float64Array[];
  /** Per feature, 1 when the rows the bounds were found on hold a missing value (LightGBM's missing type NaN). */
  hasMissing: Uint8Array;
  /** Start of each feature's bins in a histogram (each feature has nBins + 1 slots). */
  offsets: Int32Array;
  /** Histogram slots over all features. */
  totalBins: number;
}

/**
 * Bins every feature of row-major `X` (n × F); bounds come from at most
 * BIN_SAMPLE_ROWS seeded rows. A feature with no NaN among those rows puts a
 * NaN row in the bin of 0.
 */
export function binData(X: Float32Array, n: number, F: number, maxBin: number, seed: number, minDataInBin = 1): BinnedData {
  let sample: Int32Array | null = null;
  if (n > BIN_SAMPLE_ROWS) {
    // Bernoulli sample of about BIN_SAMPLE_ROWS rows, in row order.
    const rand = mulberry32(seed ^ 0x5bd1e995);
    const keep: number[] = [];
    for (let i = 0; i < n; i++) if (rand() * n < BIN_SAMPLE_ROWS) keep.push(i);
    sample = Int32Array.from(keep);
  }
  const m = sample ? sample.length : n;
  const nBins = new Int32Array(F);
  const upper: Float64Array[] = [];
  const offsets = new Int32Array(F);
  const hasMissing = new Uint8Array(F);
  let total = 0;
  const col = new Float32Array(m);
  for (let f = 0; f < F; f++) {
    let k = 0;
    for (let s = 0; s < m; s++) {
      const v = X[(sample ? sample[s] : s) * F + f];
      if (v === v) col[k++] = v;
    }
    hasMissing[f] = k < m ? 1 : 0;
    const u = binUpperBounds(col.subarray(0, k), hasMissing[f] ? maxBin - 1 : maxBin, minDataInBin);
    upper.push(u);
    nBins[f] = u.length;
    offsets[f] = total;
    total += u.length + 1;
  }
  let widest = 0;
  for (let f = 0; f < F; f++) widest = Math.max(widest, nBins[f]);
  const bins = widest + 1 <= 256 ? new Uint8Array(n * F) : new Uint16Array(n * F);
  for (let f = 0; f < F; f++) {
    const u = upper[f];
    const missing = hasMissing[f] ? nBins[f] : binOf(u, 0);
    for (let i = 0; i < n; i++) {
      const v = X[i * F + f];
      bins[i * F + f] = v === v ? binOf(u, v) : missing;
    }
  }
  return { bins, nBins, upper, hasMissing, offsets, totalBins: total };
}

/**
 * Whether a feature can be split at all (LightGBM's feature_pre_filter):
 * some cut between its bins (`counts` of rows per bin, the missing bin last
 * when there is one) leaves `minData` rows on both sides. Features that
 * cannot are left out of the feature-fraction draw, as in LightGBM.
 */
export function isUsableFeature(counts: ArrayLike<number>, minData: number): boolean {
  let total = 0;
  for (let b = 0; b < counts.length; b++) total += counts[b];
  let left = 0;
  for (let b = 0; b + 1 < counts.length; b++) {
    left += counts[b];
    if (left >= minData && total - left >= minData) return true;
  }
  return false;
}

/** The usable features of binned data (`isUsableFeature` on the bin counts of its n rows), ascending. */
export function usableFeatures(d: BinnedData, n: number, minData: number): Int32Array {
  const F = d.nBins.length;
  const out: number[] = [];
  for (let f = 0; f < F; f++) {
    const counts = new Float64Array(d.nBins[f] + d.hasMissing[f]);
    for (let i = 0; i < n; i++) counts[d.bins[i * F + f]]++;
    if (isUsableFeature(counts, minData)) out.push(f);
  }
  return Int32Array.from(out);
}
