import { describe, expect, it } from 'vitest';
import { evaluatePopularity, holdoutFromPairs, relevantSets, sampleHoldout } from './index';

describe('holdout helpers', () => {
  const spec = holdoutFromPairs([5, 2, 5, 9, 2], [1, 7, 3, 1, 7]);

  it('groups test pairs by user, deduplicated and sorted', () => {
    expect(Array.from(spec.users)).toEqual([2, 5, 9]);
    expect(relevantSets(spec).map((s) => [...s])).toEqual([[7], [1, 3], [1]]);
  });

  it('samples a seeded subset, deterministic and in id order', () => {
    const a = sampleHoldout(spec, 2, 7);
    expect(a.users).toHaveLength(2);
    expect(Array.from(a.users)).toEqual(Array.from(sampleHoldout(spec, 2, 7).users));
    expect([...a.users].sort((x, y) => x - y)).toEqual(Array.from(a.users));
    const full = relevantSets(spec);
    relevantSets(a).forEach((s, j) => expect([...s]).toEqual([...full[Array.from(spec.users).indexOf(a.users[j])]]));
    expect(sampleHoldout(spec, 10, 7)).toBe(spec);
    expect(() => sampleHoldout(spec, 0, 7)).toThrow(/invalid max: 0/);
  });

  it('scores the popularity list (hand-computed)', () => {
    // Items by count: 1 (5), 7 (3), 3 (1); every user gets [1, 7, 3].
    const counts = Int32Array.from([0, 5, 0, 1, 0, 0, 0, 3, 0, 0]);
    const r = evaluatePopularity(counts, spec);
    // user 2: item 7 at rank 2 → AP 1/2; user 5: 1 at rank 1, 3 at rank 3 → (1 + 2/3)/2; user 9: 1 at rank 1 → 1.
    expect(r.map_at_12).toBeCloseTo((0.5 + (1 + 2 / 3) / 2 + 1) / 3, 10);
    expect(r.hit_rate_at_10).toBe(1);
    expect(r.coverage_at_10).toBeCloseTo(3 / 10, 10);
  });
});
