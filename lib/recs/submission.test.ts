import { describe, expect, it } from 'vitest';
import { articleId10, checkSubmission, submissionCsv, SUBMISSION_HEADER } from './index';

const KEYS = Array.from({ length: 8 }, (_, i) => `01000000${String(i + 1).padStart(2, '0')}`);

describe('Kaggle submission CSV', () => {
  it('pads article ids to 10 digits and rejects non-numeric ones', () => {
    expect(articleId10('108775015')).toBe('0108775015');
    expect(articleId10('0108775015')).toBe('0108775015');
    expect(() => articleId10('abc')).toThrow('invalid article id: "abc"; expected 1 to 10 digits');
    expect(() => articleId10('12345678901')).toThrow(/invalid article id/);
  });

  it('writes one row per customer, filling from the fallback without repeats', () => {
    const lists = [[5, 1, 7, 4], [3, 4]];
    const csv = submissionCsv(['c0', 'c1', 'c2'], (c) => lists[c], KEYS, [0, 1, 4, 5, 3], 12);
    expect(csv).toBe(
      [
        SUBMISSION_HEADER,
        'c0,0100000006 0100000002 0100000008 0100000005 0100000001 0100000004',
        'c1,0100000004 0100000005 0100000001 0100000002 0100000006',
        'c2,0100000001 0100000002 0100000005 0100000006 0100000004',
        '',
      ].join('\n'),
    );
    expect(checkSubmission(csv)).toEqual({ rows: 3, problems: [] });
  });

  it('caps rows at k ids', () => {
    const many = Array.from({ length: 20 }, (_, i) => String(i + 1));
    const csv = submissionCsv(['x'], () => many.map((_, i) => i), many, [], 12);
    const ids = csv.split('\n')[1].split(',')[1].split(' ');
    expect(ids).toHaveLength(12);
    expect(ids[0]).toBe('0000000001');
    expect(checkSubmission(csv).problems).toEqual([]);
  });

  it('finds format problems', () => {
    const bad = 'customer,prediction\nc0,123 0100000001\nc0,0100000001 0100000001\n';
    expect(checkSubmission(bad).problems).toEqual([
      { line: 1, reason: 'header is "customer,prediction"; expected customer_id,prediction' },
      { line: 2, reason: 'expected customer_id,<1 to 12 space-separated 10-digit ids>' },
      { line: 3, reason: 'an article id repeats' },
    ]);
    expect(() => submissionCsv(['a,b'], () => [], KEYS, [0])).toThrow(/invalid customer id at row 0/);
  });
});
