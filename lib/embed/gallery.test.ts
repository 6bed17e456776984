import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../util/random';
import { neighboursOf, sampleRows, truncateKnn, type GalleryCatalog } from './gallery';
import type { KnnResult } from './knn';

// Catalogue of 5 items; KNN over items 0, 2, 3, 4 (item 1 had no photo).
const catalog: GalleryCatalog = {
  keys: ['a', 'b', 'c', 'd', 'e'],
  productType: ['Top', 'Top', 'Top', 'Dress', 'Top'],
  department: ['Girls', 'Girls', 'Boys', 'Girls', 'Girls'],
  index: ['Kids', 'Kids', 'Kids', 'Kids', 'Kids'],
};
const rows = Int32Array.from([0, 2, 3, 4]);
const knn: KnnResult = {
  n: 4,
  k: 3,
  // row 0 (item a): rows 1 (c, Boys), 3 (e), 2 (d)
  indices: Int32Array.from([1, 3, 2, 0, 2, 3, 3, 0, 1, 0, 2, 1]),
  scores: Float32Array.from([0.9, 0.8, 0.7, 0.9, 0.8, 0.7, 0.9, 0.8, 0.7, 0.9, 0.8, 0.7]),
};

describe('gallery neighbours', () => {
  it('maps KNN rows back to catalogue items, best first', () => {
    expect(neighboursOf(knn, rows, catalog, 0, 2, false)).toEqual([
      { item: 2, score: expect.closeTo(0.9, 6) },
      { item: 4, score: expect.closeTo(0.8, 6) },
    ]);
  });
  it("keeps only the query's department and index when asked", () => {
    expect(neighboursOf(knn, rows, catalog, 0, 3, true).map((n) => n.item)).toEqual([4, 3]);
  });
  it('truncates candidate lists to the exact top-k', () => {
    const t = truncateKnn(knn, 1);
    expect(Array.from(t.indices)).toEqual([1, 0, 3, 0]);
    expect(() => truncateKnn(knn, 4)).toThrow(/invalid k: 4/);
  });
  it('samples distinct rows reproducibly', () => {
    const a = sampleRows(50, 20, mulberry32(3));
    expect(new Set(a).size).toBe(20);
    expect(sampleRows(50, 20, mulberry32(3))).toEqual(a);
    expect(sampleRows(3, 20, mulberry32(3)).length).toBe(3);
  });
});
