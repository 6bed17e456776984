import { describe, expect, it } from 'vitest';
import { CfInputError, prepareInteractions, topN, type LogColumns } from './index';

/** 3 users × 4 items, hand-sized: user 0 buys item 1 twice (days 100, 130), item 2 on day 70. */
const log: LogColumns = {
  nUsers: 4,
  nItems: 4,
  user: Int32Array.from([0, 0, 0, 1, 1, 2]),
  item: Int32Array.from([1, 1, 2, 1, 3, 1]),
  day: Int32Array.from([100, 130, 70, 130, 110, 90]),
};

const entries = (w: ReturnType<typeof prepareInteractions>['weights']) => {
  const out: [number, number, number][] = [];
  for (let r = 0; r < w.nRows; r++) for (let e = w.indptr[r]; e < w.indptr[r + 1]; e++) out.push([r, w.indices[e], w.data[e]]);
  return out;
};

describe('prepareInteractions', () => {
  it('counts repeated purchases', () => {
    expect(entries(prepareInteractions(log, { weighting: 'count' }).weights)).toEqual([
      [0, 1, 2],
      [0, 2, 1],
      [1, 1, 1],
      [1, 3, 1],
      [2, 1, 1],
    ]);
  });

  it('decays weights with the half-life from the last day', () => {
    const p = prepareInteractions(log, { weighting: 'recency', halfLifeDays: 30 });
    expect(p.referenceDay).toBe(130);
    const e = entries(p.weights);
    // user 0, item 1: day 130 (1) + day 100 (one half-life: 0.5)
    expect(e[0][2]).toBeCloseTo(1.5, 6);
    // user 0, item 2: day 70, two half-lives
    expect(e[1][2]).toBeCloseTo(0.25, 6);
    expect(e[3][2]).toBeCloseTo(Math.pow(0.5, 20 / 30), 6);
  });

  it('applies the day cut-off before counting and filtering', () => {
    const p = prepareInteractions(log, { weighting: 'count', endDay: 101 });
    expect(entries(p.weights)).toEqual([
      [0, 1, 1],
      [0, 2, 1],
      [2, 1, 1],
    ]);
    expect(Array.from(p.userCounts)).toEqual([2, 0, 1, 0]);
  });

  it('filters rare users and items and keeps track of them', () => {
    const p = prepareInteractions(log, { weighting: 'count', minUserCount: 2, minItemCount: 2 });
    // Items 2 and 3 have one interaction; user 2 has one.
    expect(Array.from(p.filteredItems)).toEqual([2, 3]);
    expect(Array.from(p.filteredUsers)).toEqual([2]);
    expect(entries(p.weights)).toEqual([
      [0, 1, 2],
      [1, 1, 1],
    ]);
  });

  it('weights by TF-IDF and BM25 as implicit does', () => {
    const idf1 = Math.log(4) - Math.log1p(3); // item 1: 3 users of 4 rows
    const idf2 = Math.log(4) - Math.log1p(1);
    const t = entries(prepareInteractions(log, { weighting: 'tfidf' }).weights);
    expect(t[0][2]).toBeCloseTo(Math.sqrt(2) * idf1, 6);
    expect(t[1][2]).toBeCloseTo(idf2, 6);
    const b = entries(prepareInteractions(log, { weighting: 'bm25', bm25K1: 100, bm25B: 0.8 }).weights);
    const avg = 6 / 4;
    const norm0 = 0.2 + (0.8 * 3) / avg;
    expect(b[0][2]).toBeCloseTo(((2 * 101) / (100 * norm0 + 2)) * idf1, 5);
  });

  it('names the bad field and value', () => {
    expect(() => prepareInteractions(log, { weighting: 'count', minUserCount: 0 })).toThrow(/invalid minUserCount: 0/);
    expect(() => prepareInteractions(log, { weighting: 'recency', halfLifeDays: -1 })).toThrow(CfInputError);
    expect(() => prepareInteractions({ ...log, item: Int32Array.from([1, 1, 2, 9, 3, 1]) }, { weighting: 'count' })).toThrow(/invalid item id at row 3: 9/);
  });
});

describe('topN', () => {
  it('keeps the n best, ties to the lower id, skipping NaN and skipped ids', () => {
    const r = topN(Float32Array.from([0.5, 2, NaN, 2, -1, 3]), 3, (i) => i === 5);
    expect(Array.from(r.items)).toEqual([1, 3, 0]);
    expect(Array.from(r.scores)).toEqual([2, 2, 0.5]);
    expect(topN([1, 2], 5).items).toHaveLength(2);
  });
});
