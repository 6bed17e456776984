import { describe, expect, it } from 'vitest';
import { uniformArray } from '../util/random';
import { LAST_BOUND, ZERO_THRESHOLD, binData, binOf, binUpperBounds } from './binning';

describe('quantile binning', () => {
  it('gives every value its own bin when there are at most maxBin of them and minDataInBin is 1, bounds midway, zero alone', () => {
    const u = binUpperBounds(new Float32Array([3, 1, 2, 2, 1]), 255, 1);
    // LightGBM keeps a bin for zero (bounds ±ZERO_THRESHOLD) even when no value is zero.
    expect(Array.from(u)).toEqual([ZERO_THRESHOLD, 1.5, 2.5, LAST_BOUND]);
    expect([1, 2, 3, 1.4, 1.6, 100, 0, -4].map((v) => binOf(u, v))).toEqual([1, 2, 3, 1, 2, 3, 0, 0]);
    const s = binUpperBounds(new Float32Array([-2, -1, 0, 0, 0.5]), 255, 1);
    expect(Array.from(s)).toEqual([-1.5, -ZERO_THRESHOLD, ZERO_THRESHOLD, LAST_BOUND]);
  });

  it('closes a bin only once it holds minDataInBin rows (LightGBM: min_data_in_bin = 3)', () => {
    // 1:2 rows, 2:2, 3:1, 4:3, 5:1 → bins {1,2} (4 rows), {3,4} (4 rows), {5}.
    const u = binUpperBounds(new Float32Array([1, 1, 2, 2, 3, 4, 4, 4, 5]), 255, 3);
    expect(Array.from(u)).toEqual([ZERO_THRESHOLD, 2.5, 4.5, LAST_BOUND]);
  });

  it('cuts many distinct values into at most maxBin bins of similar size', () => {
    const values = uniformArray(10_000, 3);
    const u = binUpperBounds(values, 16);
    expect(u.length).toBeLessThanOrEqual(16);
    expect(u.length).toBeGreaterThan(12);
    const counts = new Array(u.length).fill(0);
    for (const v of values) counts[binOf(u, v)]++;
    // Bin 0 is zero's (empty: the values are positive); the others share the rows.
    expect(counts[0]).toBe(0);
    for (const c of counts.slice(1)) expect(c).toBeGreaterThan(10_000 / 16 / 2);
  });

  it('gives a very frequent value a bin of its own', () => {
    const values = new Float32Array(1000).map((_, i) => (i < 500 ? 0 : i));
    const u = binUpperBounds(values, 10);
    expect(binOf(u, 0)).not.toBe(binOf(u, 501));
    expect(binOf(u, 0)).toBe(0);
  });

  it('puts NaN in one extra bin per feature and lays features out in the histogram', () => {
    const X = new Float32Array([0, NaN, 1, 5, NaN, 5]); // 3 rows × 2 features
    const d = binData(X, 3, 2, 255, 1);
    // Feature 0: {0, 1} and NaN; feature 1: zero's (empty) bin, {5}, NaN.
    expect(Array.from(d.nBins)).toEqual([2, 2]);
    expect(Array.from(d.hasMissing)).toEqual([1, 1]);
    expect(Array.from(d.offsets)).toEqual([0, 3]);
    expect(d.totalBins).toBe(6);
    expect(Array.from(d.bins)).toEqual([0, 2, 1, 1, 2, 1]);
  });

  it('sends NaN to the bin of 0 on a feature with no missing values in training (LightGBM: missing type None)', () => {
    const X = new Float32Array([-1, 0, 2, 3]); // 4 rows × 1 feature, no NaN
    const d = binData(X, 4, 1, 255, 1);
    expect(d.hasMissing[0]).toBe(0);
    expect(binOf(d.upper[0], 0)).toBe(1);
    expect(Array.from(d.bins)).toEqual([0, 1, 2, 3]);
  });
});
