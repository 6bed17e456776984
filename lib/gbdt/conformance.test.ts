/**
 * The histogram grower against the exact reference: on data where every
 * feature has at most maxBin distinct values (so binning loses nothing), both
 * must grow the same trees. Tolerance: 1e-9 on every prediction (the two sum
 * gradients in different orders, so scores differ only in the last bits).
 */
import { describe, expect, it } from 'vitest';
import { syntheticRanking, sliceQueries } from './synthetic';
import { trainWith } from './train';
import type { GbdtParams } from './params';

const TOL = 1e-9;
const data = syntheticRanking({ queries: 6, nFeatures: 8, minGroup: 30, maxGroup: 60, missing: 0.15, seed: 7 });
const test = syntheticRanking({ queries: 3, nFeatures: 8, minGroup: 30, maxGroup: 60, missing: 0.15, seed: 8 });

const cases: [string, Partial<GbdtParams>][] = [
  ['binary, defaults but small leaves', { objective: 'binary', numRounds: 15, minDataInLeaf: 5, maxBin: 1024, minDataInBin: 1 }],
  ['binary, depth limit, L2, feature fraction, bagging', { objective: 'binary', numRounds: 15, numLeaves: 12, maxDepth: 3, minDataInLeaf: 3, lambdaL2: 2, featureFraction: 0.6, baggingFraction: 0.7, maxBin: 1024, minDataInBin: 1, seed: 3 }],
  ['lambdarank', { objective: 'lambdarank', numRounds: 15, numLeaves: 10, minDataInLeaf: 4, lambdaL2: 0.5, featureFraction: 0.8, baggingFraction: 0.8, maxBin: 1024, minDataInBin: 1, seed: 5 }],
];

describe('histogram grower agrees with the exact reference', () => {
  it('has more distinct values than 255 but fewer than 1024 per feature (lossless bins, 16-bit path)', () => {
    expect(data.y.length).toBeGreaterThan(256);
    expect(data.y.length).toBeLessThan(1024);
  });
  for (const [name, params] of cases) {
    it(name, () => {
      const exact = trainWith('exact', data, params);
      const fast = trainWith('histogram', data, params);
      expect(fast.trees.length).toBe(exact.trees.length);
      fast.trees.forEach((t, i) => {
        expect(Array.from(t.splitFeature)).toEqual(Array.from(exact.trees[i].splitFeature));
        expect(Array.from(t.defaultLeft)).toEqual(Array.from(exact.trees[i].defaultLeft));
        expect(Array.from(t.threshold)).toEqual(Array.from(exact.trees[i].threshold));
      });
      expect(fast.trees.some((t) => t.numLeaves > 2)).toBe(true);
      for (const X of [data.X, test.X]) {
        const a = exact.predict(X, data.nFeatures);
        const b = fast.predict(X, data.nFeatures);
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(TOL);
      }
    });
  }
  it('agrees on 8-bit bins too (features with few distinct values)', () => {
    const small = sliceQueries(data, 0, 2);
    // Round every value to 1/50 so each feature has < 255 distinct values.
    const X = small.X.map((v) => Math.round(v * 50) / 50);
    const d = { ...small, X };
    const params: Partial<GbdtParams> = { objective: 'binary', numRounds: 10, numLeaves: 6, minDataInLeaf: 3, maxBin: 255, minDataInBin: 1 };
    const a = trainWith('exact', d, params).predict(X, d.nFeatures);
    const b = trainWith('histogram', d, params).predict(X, d.nFeatures);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(TOL);
  });
});
