/**
 * Quantile binning (LightGBM's GreedyFindBin): each feature's values are cut
 * once into at most maxBin bins whose upper bounds lie midway between
 * neighbouring distinct values; NaN goes to one extra bin after them. With
 * at most maxBin distinct values every value gets its own bin, so a split on
 * bins is the same as a split on values.
 */
import { mulberry32 } from '../util/random';
import { BIN_SAMPLE_ROWS } from './params';

/** Upper bound of the last bin: finite so that models survive JSON. */
export const LAST_BOUND = Number.MAX_VALUE;

/** Bin upper bounds (ascending, last = LAST_BOUND) for the non-NaN `values` (any order). */
export function binUpperBounds(values: Float32Array, maxBin: number): Float64Array {
  const sorted = values.slice().sort();
  const distinct = new Float64Array(sorted.length);
  const counts = new Int32Array(sorted.length);
  let D = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) counts[D - 1]++;
    else {
      distinct[D] = sorted[i];
      counts[D++] = 1;
    }
  }
  const bounds: number[] = [];
  if (D <= maxBin) {
    for (let i = 0; i + 1 < D; i++) bounds.push((distinct[i] + distinct[i + 1]) / 2);
  } else {
    // Values frequent enough to fill a bin alone get one; the rest share the other bins evenly.
    const total = sorted.length;
    let meanBinSize = total / maxBin;
    let restBins = maxBin;
    let restCount = total;
    const big = new Uint8Array(D);
    for (let i = 0; i < D; i++) {
      if (counts[i] >= meanBinSize) {
        big[i] = 1;
        restBins--;
        restCount -= counts[i];
      }
    }
    meanBinSize = restCount / Math.max(1, restBins);
    let inBin = 0;
    for (let i = 0; i + 1 < D; i++) {
      if (!big[i]) restCount -= counts[i];
      inBin += counts[i];
      if (big[i] || inBin >= meanBinSize || (big[i + 1] && inBin >= Math.max(1, meanBinSize * 0.5))) {
        bounds.push((distinct[i] + distinct[i + 1]) / 2);
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
  /** Start of each feature's bins in a histogram (each feature has nBins + 1 slots). */
  offsets: Int32Array;
  /** Histogram slots over all features. */
  totalBins: number;
}

/** Bins every feature of row-major `X` (n × F); bounds come from at most BIN_SAMPLE_ROWS seeded rows. */
export function binData(X: Float32Array, n: number, F: number, maxBin: number, seed: number): BinnedData {
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
  let total = 0;
  const col = new Float32Array(m);
  for (let f = 0; f < F; f++) {
    let k = 0;
    for (let s = 0; s < m; s++) {
      const v = X[(sample ? sample[s] : s) * F + f];
      if (v === v) col[k++] = v;
    }
    const u = binUpperBounds(col.subarray(0, k), maxBin);
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
    const missing = nBins[f];
    for (let i = 0; i < n; i++) {
      const v = X[i * F + f];
      bins[i * F + f] = v === v ? binOf(u, v) : missing;
    }
  }
  return { bins, nBins, upper, offsets, totalBins: total };
}
