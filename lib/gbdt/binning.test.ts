import { describe, expect, it } from 'vitest';
import { uniformArray } from '../util/random';
import { LAST_BOUND, binData, binOf, binUpperBounds } from './binning';

describe('quantile binning', () => {
  it('gives every value its own bin when there are at most maxBin of them, bounds midway', () => {
    const u = binUpperBounds(new Float32Array([3, 1, 2, 2, 1]), 255);
    expect(Array.from(u)).toEqual([1.5, 2.5, LAST_BOUND]);
    expect([1, 2, 3, 1.4, 1.6, 100].map((v) => binOf(u, v))).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('cuts many distinct values into at most maxBin bins of similar size', () => {
    const values = uniformArray(10_000, 3);
    const u = binUpperBounds(values, 16);
    expect(u.length).toBeLessThanOrEqual(16);
    expect(u.length).toBeGreaterThan(12);
    const counts = new Array(u.length).fill(0);
    for (const v of values) counts[binOf(u, v)]++;
    for (const c of counts) expect(c).toBeGreaterThan(10_000 / 16 / 2);
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
    expect(Array.from(d.nBins)).toEqual([2, 1]);
    expect(Array.from(d.offsets)).toEqual([0, 3]);
    expect(d.totalBins).toBe(5);
    expect(Array.from(d.bins)).toEqual([0, 1, 1, 0, 2, 0]);
  });
});
