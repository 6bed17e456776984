import { describe, expect, it } from 'vitest';
import { bootstrapMean, pairedDifference, verdictOf } from './bootstrap';

describe('bootstrap', () => {
  it('collapses to the mean when every value is the same', () => {
    expect(bootstrapMean([0.25, 0.25, 0.25, 0.25], { seed: 3 })).toEqual({ mean: 0.25, low: 0.25, high: 0.25 });
  });

  it('matches the normal interval of a proportion on a known case', () => {
    // 400 values, half ones: standard error 0.025, so the 95% interval is about 0.5 ± 0.049.
    const v = Array.from({ length: 400 }, (_, j) => j % 2);
    const r = bootstrapMean(v, { seed: 1, samples: 4000 });
    expect(r.mean).toBe(0.5);
    expect(r.low).toBeGreaterThan(0.44);
    expect(r.low).toBeLessThan(0.46);
    expect(r.high).toBeGreaterThan(0.54);
    expect(r.high).toBeLessThan(0.56);
  });

  it('pairs the units: a constant shift is "better" with a zero-width interval, noise alone is not distinguishable', () => {
    const b = Array.from({ length: 200 }, (_, j) => (j * 37) % 11 / 10);
    const a = b.map((x) => x + 0.1);
    const d = pairedDifference(a, b, { seed: 2 });
    expect(d.mean).toBeCloseTo(0.1, 12);
    expect(d.low).toBeCloseTo(0.1, 12);
    expect(d.verdict).toBe('better');
    expect(pairedDifference(b, a, { seed: 2 }).verdict).toBe('worse');
    const shuffled = b.map((_, j) => b[(j * 7) % 200]);
    expect(pairedDifference(shuffled, b, { seed: 2 }).verdict).toBe('not distinguishable');
  });

  it('resamples whole clusters (a customer with several weeks)', () => {
    // Two customers, one with three weeks of 1s, one with a 0: the mean is 3/4 over units; a cluster draw gives 1, 0 or 3/4.
    const r = bootstrapMean([1, 1, 1, 0], { clusters: [5, 5, 5, 9], seed: 4, samples: 200 });
    expect(r.mean).toBe(0.75);
    expect(r.low).toBe(0);
    expect(r.high).toBe(1);
    expect(verdictOf({ low: -0.1, high: 0.2 })).toBe('not distinguishable');
  });

  it('names the bad input', () => {
    expect(() => pairedDifference([1, 2], [1], {})).toThrow(/invalid values/);
    expect(() => bootstrapMean([1], { samples: 1 })).toThrow(/invalid samples: 1/);
  });
});
