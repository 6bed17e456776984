import { describe, expect, it } from 'vitest';
import { cutoffSplit, protocolSplit, randomUserSplit, timeSplit, validationSplit } from './seed-protocol';
import { randomHoldoutMask } from './split';

// 3 users, 4 items; rows in time order t = 0..9.
const log = {
  nUsers: 3,
  nItems: 4,
  user: [0, 0, 1, 1, 2, 0, 1, 0, 2, 1],
  item: [0, 1, 0, 2, 1, 2, 1, 3, 2, 3],
  time: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  value: [5, 4, 3, 5, 4, 5, 2, 5, 4, 4],
};

describe('seed evaluation protocol', () => {
  it('splits the last 20% by time, drops cold items and low ratings, re-densifies ids', () => {
    const s = timeSplit(log, 0.2, { minUserInteractions: 1, minTestValue: 4 });
    // Test rows: t=8 (user 2, item 2, rating 4) and t=9 (user 1, item 3, rating 4).
    expect(s.counts).toMatchObject({ trainInteractions: 8, testInteractions: 2, coldTestDropped: 0, lowValueTestDropped: 0 });
    expect(Array.from(s.userIds)).toEqual([0, 1, 2]);
    expect(Array.from(s.itemIds)).toEqual([0, 1, 2, 3]);
    expect(Array.from(s.testUsers)).toEqual([1, 2]);
    expect(s.relevant.map((r) => [...r])).toEqual([[3], [2]]);
    expect(s.train.nRows).toBe(3);
    expect(s.train.indices.length).toBe(8);
  });

  it('drops users under the minimum and low-rated test rows', () => {
    const isTest = Uint8Array.from(log.time, (t) => (t >= 5 ? 1 : 0));
    const s = protocolSplit(log, isTest, { minUserInteractions: 3, minTestValue: 4 });
    // User 2 has 2 interactions: dropped. Test rows: t=5 relevant; t=6 rating 2 (low); t=7 and t=9 item 3 (cold: first seen in the test period).
    expect(s.counts.usersDropped).toBe(1);
    expect(Array.from(s.testUsers)).toEqual([0]);
    expect(s.counts).toMatchObject({ testInteractions: 1, lowValueTestDropped: 1, coldTestDropped: 2 });
  });

  it('names the option when a side ends up empty', () => {
    expect(() => timeSplit(log, 0.2, { minUserInteractions: 99, minTestValue: 4 })).toThrow(/invalid minUserInteractions: 99/);
    expect(() => timeSplit(log, 0.2, { minUserInteractions: 1, minTestValue: 6 })).toThrow(/invalid minTestValue: 6/);
    expect(() => timeSplit(log, 1.5, { minUserInteractions: 1, minTestValue: 4 })).toThrow(/invalid testFraction: 1.5/);
  });

  it('cutoffSplit uses [from, until) as the test period and drops later rows', () => {
    const s = cutoffSplit(log, 5, 8, { minUserInteractions: 1, minTestValue: -Infinity });
    expect(s.counts.interactions).toBe(8);
    expect(s.counts.trainInteractions).toBe(5);
  });

  it('validationSplit carves the last share of the training part, never touching the test period', () => {
    const outer = timeSplit(log, 0.2, { minUserInteractions: 1, minTestValue: -Infinity });
    const inner = validationSplit(outer, 0.25, { minUserInteractions: 1, minTestValue: -Infinity });
    // 8 training rows: the last 2 (t = 6, 7) are the validation period.
    expect(inner.counts.interactions).toBe(8);
    expect(inner.counts.trainInteractions).toBe(6);
    expect(inner.counts.testInteractions + inner.counts.coldTestDropped).toBe(2);
  });

  it('randomUserSplit holds out a seeded share of each user, keeping at least one row to train on', () => {
    const a = randomUserSplit(log, 0.5, { minUserInteractions: 1, minTestValue: -Infinity, seed: 7 });
    const b = randomUserSplit(log, 0.5, { minUserInteractions: 1, minTestValue: -Infinity, seed: 7 });
    expect(a.relevant.map((r) => [...r])).toEqual(b.relevant.map((r) => [...r]));
    // Users 0 (4 rows) and 1 (4 rows) hold out 2 each, user 2 (2 rows) 1: 5 test rows, 5 training rows.
    const mask = randomHoldoutMask(log.user, log.nUsers, 0.5, 7);
    expect(mask.reduce((s, x) => s + x, 0)).toBe(5);
    for (let u = 0; u < 3; u++) expect(log.user.some((x, r) => x === u && mask[r] === 0)).toBe(true);
    expect(a.counts.trainInteractions).toBe(5);
    // A user under the minimum keeps all its rows (and is dropped by the protocol).
    const m = randomHoldoutMask(log.user, log.nUsers, 0.5, 7, 3);
    expect(log.user.filter((u, r) => u === 2 && m[r] === 1)).toEqual([]);
  });
});
