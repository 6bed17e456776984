import { describe, expect, it } from 'vitest';
import { cellFigures, compareCell, compareValue, worst } from './compare';

describe('re-run and compare', () => {
  it('judges numbers by the stated rule: equal, within 1e-6 + 0.1 % of the saved value, or different', () => {
    expect(compareValue('map_at_12', 0.0123, 0.0123)).toBe('identical');
    expect(compareValue('map_at_12', 0.0123, 0.0123 * (1 + 9e-4))).toBe('within tolerance');
    expect(compareValue('map_at_12', 0.0123, 0.0123 * 1.002)).toBe('different');
    expect(compareValue('count', 0, 5e-7)).toBe('within tolerance');
    expect(compareValue('solver', 'cg', 'cg')).toBe('identical');
    expect(compareValue('solver', 'cg', 'exact')).toBe('different');
    expect(compareValue('map_at_12', 0.1, undefined)).toBe('different');
    // A figure the saved file lacks (added by a later version) is shown, not judged.
    expect(compareValue('map_at_12', undefined, 0.1)).toBe('not compared');
    expect(compareValue('Training: kernel threads', 1, 2)).toBe('not compared');
  });

  it('shows timings without judging them, and HitRate is not a timing', () => {
    expect(compareValue('seconds_per_iteration', 1, 2)).toBe('not compared');
    expect(compareValue('Training: time per iteration (median)', 1, 2)).toBe('not compared');
    expect(compareValue('hit_rate_at_10', 0.1, 0.2)).toBe('different');
  });

  it('shows metrics measured in a time unit without judging them, whatever their name (also when the re-run renamed them)', () => {
    const saved = [{ kind: 'metrics' as const, title: 'Histogram', values: [{ name: 'exact top-k', value: 0.09, unit: 's' }, { name: 'embedded', value: 145 }] }];
    const now = [{ kind: 'metrics' as const, title: 'Histogram', values: [{ name: 'exact top-k time', value: 0.08, unit: 's' }, { name: 'rate', value: 50, unit: 'images/s' }, { name: 'embedded', value: 145 }] }];
    const c = compareCell({ summary: null, outputs: saved }, { summary: null, outputs: now });
    expect(Object.fromEntries(c.figures.map((f) => [f.name, f.verdict]))).toEqual({
      'Histogram: exact top-k': 'not compared', 'Histogram: embedded': 'identical', 'Histogram: exact top-k time': 'not compared', 'Histogram: rate': 'not compared',
    });
    expect(c.verdict).toBe('identical');
  });

  it('flattens summaries and metric outputs into named figures; the worst verdict wins', () => {
    const figures = cellFigures({ a: 1, evaluate: { ALS: { map_at_12: 0.2 } }, list: [1, 2] }, [
      { kind: 'metrics', title: 'Fit', values: [{ name: 'loss', value: 3 }] },
      { kind: 'markdown', text: 'x' },
    ]);
    expect([...figures]).toEqual([['a', 1], ['evaluate.ALS.map_at_12', 0.2], ['list[0]', 1], ['list[1]', 2], ['Fit: loss', 3]]);
    const c = compareCell({ summary: { a: 1, b: 2, seconds: 4 }, outputs: [] }, { summary: { a: 1, b: 2.0000001, seconds: 9 }, outputs: [] });
    expect(c.verdict).toBe('within tolerance');
    expect(c.figures.map((f) => f.verdict)).toEqual(['identical', 'within tolerance', 'not compared']);
    expect(worst([])).toBe('not compared');
  });
});
