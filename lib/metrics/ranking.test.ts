import { describe, expect, it } from 'vitest';
import { averagePrecisionAtK, coverageAtK, evaluateRanking, hitRateAtK, mapAtK, ndcgAtK, precisionAtK, recallAtK } from './index';

describe('ranking metrics (hand-computed)', () => {
  const recs = [
    [1, 2, 3, 4],
    [5, 6, 7, 8],
    [9, 9, 10, 11],
    [1, 2],
  ];
  const truth = [new Set([1, 3]), new Set([8]), new Set([10]), new Set<number>()];

  it('AP@K follows Kaggle: sum P(i) rel(i) / min(m, K)', () => {
    // hits at ranks 1 and 3: (1/1 + 2/3) / 2
    expect(averagePrecisionAtK(recs[0], truth[0], 12)).toBeCloseTo((1 + 2 / 3) / 2, 12);
    // the duplicate 9 counts once, but still takes rank 2: hit at rank 3 → 1/3
    expect(averagePrecisionAtK(recs[2], truth[2], 12)).toBeCloseTo(1 / 3, 12);
    // K cuts the list: only rank 1 counts, divided by min(2, 2)
    expect(averagePrecisionAtK(recs[0], truth[0], 2)).toBeCloseTo(0.5, 12);
  });

  it('MAP skips users without test purchases', () => {
    const expected = ((1 + 2 / 3) / 2 + 1 / 4 + 1 / 3) / 3;
    expect(mapAtK(recs, truth, 12)).toBeCloseTo(expected, 12);
  });

  it('NDCG@K with binary relevance', () => {
    const u0 = (1 + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3));
    const u1 = 1 / Math.log2(5);
    const u2 = 1 / Math.log2(4);
    expect(ndcgAtK(recs, truth, 10)).toBeCloseTo((u0 + u1 + u2) / 3, 12);
  });

  it('hit rate, precision, recall', () => {
    expect(hitRateAtK(recs, truth, 10)).toBeCloseTo(1, 12);
    expect(hitRateAtK(recs, truth, 2)).toBeCloseTo(1 / 3, 12);
    expect(precisionAtK(recs, truth, 4)).toBeCloseTo((2 / 4 + 1 / 4 + 1 / 4) / 3, 12);
    expect(recallAtK(recs, truth, 2)).toBeCloseTo((1 / 2 + 0 + 0) / 3, 12);
  });

  it('coverage counts distinct items in every list', () => {
    expect(coverageAtK(recs, 20, 2)).toBeCloseTo(5 / 20, 12); // {1,2,5,6,9}
  });

  it('rejects mismatched inputs with a message naming the problem', () => {
    expect(() => mapAtK([[1]], [], 12)).toThrow(/1 recommendation lists for 0 users/);
    expect(() => ndcgAtK([[1]], [new Set([1])], 0)).toThrow(/invalid k: 0/);
    expect(() => coverageAtK([[1]], 0)).toThrow(/invalid nItems/);
  });

  it('evaluateRanking bundles every figure', () => {
    const r = evaluateRanking(recs, truth, 20);
    expect(r.users_scored).toBe(3);
    expect(r.map_at_12).toBeCloseTo(mapAtK(recs, truth, 12), 12);
  });
});
