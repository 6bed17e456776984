import { describe, expect, it } from 'vitest';
import { DataError, enforceKeptShare, type BadRows } from './errors';

const bad = (count: number): BadRows => ({
  file: 'transactions_train.csv',
  count,
  examples: count ? [{ row: 2, column: 'price', expected: 'a number > 0', found: '"-1"' }] : [],
});

describe('enforceKeptShare', () => {
  it('passes a load that keeps at least the threshold share', () => {
    expect(() => enforceKeptShare(bad(0), 10, 0.5)).not.toThrow();
    expect(() => enforceKeptShare(bad(5), 5, 0.5)).not.toThrow();
  });

  it('fails a load that keeps nothing, naming the file, the first bad row and the counts', () => {
    const e = (() => {
      try {
        enforceKeptShare(bad(7), 0, 0);
      } catch (err) {
        return err as DataError;
      }
    })();
    expect(e).toBeInstanceOf(DataError);
    expect(e!.file).toBe('transactions_train.csv');
    expect(e!.column).toBe('price');
    expect(e!.message).toContain('7 bad rows of 7 (0 kept, 0%)');
    expect(e!.message).toContain('Nothing was loaded');
  });

  it('fails a load below the threshold, and a file with no rows at all', () => {
    expect(() => enforceKeptShare(bad(6), 4, 0.5)).toThrow(/at least 50% of the rows to be valid, found 6 bad rows of 10 \(4 kept, 40%\)/);
    expect(() => enforceKeptShare(bad(0), 0, 0.5)).toThrow(/no rows/);
  });
});
