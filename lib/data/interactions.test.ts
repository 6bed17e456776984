import { describe, expect, it } from 'vitest';
import { buildIdMap, compactIds, encodeIds } from './idmap';
import { InteractionLogBuilder, buildInteractionLog, filterMinCounts, interactionMatrix, rowWeights, subsetRows } from './interactions';
import { leaveLastOut, splitLastDays, splitLastFraction } from './split';
import { buildDataset, customerTableFor } from './build';
import { generateDemo, generateDemoTables } from './demo';
import { Fingerprint, fingerprintTable } from './fingerprint';

// u1 buys a twice (days 10, 12) and b once; u2 buys b and c; u3 buys c once.
const rows = {
  user: ['u2', 'u1', 'u1', 'u3', 'u1', 'u2'],
  item: ['b', 'a', 'b', 'c', 'a', 'c'],
  day: [11, 10, 12, 13, 12, 14],
  value: [1, 2, 3, 4, 5, 6],
};
const log = buildInteractionLog(rows);

describe('id maps', () => {
  it('maps distinct keys to dense sorted ids and back', () => {
    const m = buildIdMap(['0108775015', '0000000001', null, '0108775015']);
    expect(m.keys).toEqual(['0000000001', '0108775015']);
    expect(encodeIds(m, ['0108775015', 'zz', null])).toEqual({ ids: Int32Array.from([1, -1, -1]), missing: 2 });
    expect(buildIdMap(['b', 'a', 'b'], 'first-seen').keys).toEqual(['b', 'a']);
    expect(compactIds(Uint8Array.from([0, 1, 0, 1]))).toEqual({ remap: Int32Array.from([-1, 0, -1, 1]), kept: Int32Array.from([1, 3]) });
  });
});

describe('interaction log', () => {
  it('densifies ids, keeps keys, and sorts rows by day (stable)', () => {
    expect(log.userKeys).toEqual(['u1', 'u2', 'u3']);
    expect(log.itemKeys).toEqual(['a', 'b', 'c']);
    expect(Array.from(log.day)).toEqual([10, 11, 12, 12, 13, 14]);
    expect(Array.from(log.user)).toEqual([0, 1, 0, 0, 2, 1]);
    expect(Array.from(log.item)).toEqual([0, 1, 1, 0, 2, 2]);
    expect(Array.from(log.value)).toEqual([2, 1, 3, 5, 4, 6]);
  });

  it('builder drops unused keys and rejects out-of-range indices', () => {
    const b = new InteractionLogBuilder(['x', 'y', 'z'], ['p', 'q']);
    b.add(Int32Array.from([2, 0]), Int32Array.from([1, 1]), Int32Array.from([5, 4]), [1, 1]);
    const l = b.finish();
    expect(l.userKeys).toEqual(['x', 'z']);
    expect(l.itemKeys).toEqual(['q']);
    expect(Array.from(l.user)).toEqual([0, 1]);
    expect(() => b.add(Int32Array.from([3]), Int32Array.from([0]), Int32Array.from([0]), [1])).toThrow('invalid user index at row 2: 3; expected 0..2');
  });

  it('builder with the row count given: the same log as from kept chunks, and exactly that many rows', () => {
    const chunks: [Int32Array, Int32Array, Int32Array, number[], number[]][] = [
      [Int32Array.from([2, 0, 2]), Int32Array.from([1, 1, 0]), Int32Array.from([5, 4, 4]), [1.5, 1, 2], [1, 2, 2]],
      [Int32Array.from([0]), Int32Array.from([1]), Int32Array.from([3]), [7], [1]],
      [Int32Array.from([2, 2]), Int32Array.from([0, 0]), Int32Array.from([6, 1]), [3, 4], [2, 1]],
    ];
    const kept = new InteractionLogBuilder(['x', 'y', 'z'], ['p', 'q']);
    const sized = new InteractionLogBuilder(['x', 'y', 'z'], ['p', 'q'], 6);
    for (const c of chunks) kept.add(...c), sized.add(...c);
    expect(sized.finish()).toEqual(kept.finish());
    const over = new InteractionLogBuilder(['x'], ['p'], 1);
    expect(() => over.add(Int32Array.from([0, 0]), Int32Array.from([0, 0]), Int32Array.from([1, 1]), [1, 1])).toThrow('invalid chunk at row 0: 2 rows; expected at most 1 more (1 in all)');
    const under = new InteractionLogBuilder(['x'], ['p'], 3);
    under.add(Int32Array.from([0]), Int32Array.from([0]), Int32Array.from([1]), [1]);
    expect(() => under.finish()).toThrow('invalid log: 1 rows added; expected 3');
  });

  it('builder tells each kept key\'s index, and customerTableFor takes those rows instead of a map of ids', () => {
    const demo = generateDemo({ articles: 50, customers: 80, transactions: 2_000 }, 9);
    const ids = demo.customers.columns.customer_id.values as string[];
    const b = new InteractionLogBuilder(ids, demo.articles.columns.article_id.values as string[], 2_000);
    for (const chunk of demo.transactions(500)) {
      const c = chunk.table.columns;
      b.add(chunk.customer, chunk.article, c.t_dat.values as Int32Array, c.price.values as Float64Array);
    }
    const log = b.finish();
    expect(Array.from(b.kept!.users, (r) => ids[r])).toEqual(log.userKeys);
    expect(log.userKeys.length).toBeLessThan(ids.length);
    expect(customerTableFor(demo.customers, log.userKeys, b.kept!.users)).toEqual(customerTableFor(demo.customers, log.userKeys));
    const wrong = Int32Array.from(b.kept!.users, (r) => r + 1);
    expect(() => customerTableFor(demo.customers, log.userKeys, wrong)).toThrow(`invalid key row for ${log.userKeys[0]}: row ${wrong[0]} holds ${ids[wrong[0]]}; expected the same customer_id`);
  });

  it('carries the sales channel through the builder, the day sort, subsets and min-count filters', () => {
    const c = buildInteractionLog({ ...rows, channel: [2, 1, 1, 2, 2, 1] });
    // Same order as the sorted rows above (u1 a 10, u2 b 11, u1 b 12, u1 a 12, u3 c 13, u2 c 14).
    expect(Array.from(c.channel!)).toEqual([1, 2, 1, 2, 2, 1]);
    expect(log.channel).toBeUndefined();
    const f = filterMinCounts(c, { minUser: 2, minItem: 1 });
    expect(Array.from(f.channel!)).toEqual([1, 2, 1, 2, 1]);
    expect(Array.from(splitLastDays(c, 2).test.channel!)).toEqual([2, 1]);
    const b = new InteractionLogBuilder(['x'], ['p']);
    b.add(Int32Array.from([0]), Int32Array.from([0]), Int32Array.from([1]), [1], [2]);
    expect(() => b.add(Int32Array.from([0]), Int32Array.from([0]), Int32Array.from([1]), [1])).toThrow('invalid chunk at row 1: lacks a sales channel; expected every chunk to have one or none');
    expect(() => b.add(Int32Array.from([0]), Int32Array.from([0]), Int32Array.from([1]), [1], [300])).toThrow('invalid sales_channel_id at row 1: 300; expected an integer in 0..255');
  });

  it('weights: count, value, recency half-life; the matrix sums repeats', () => {
    expect(Array.from(rowWeights(log, { kind: 'count' }))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(rowWeights(log, { kind: 'value' }))).toEqual([2, 1, 3, 5, 4, 6]);
    const r = rowWeights(log, { kind: 'recency', halfLifeDays: 2 });
    expect(r[5]).toBeCloseTo(1); // day 14 is the reference
    expect(r[0]).toBeCloseTo(0.25); // 4 days = 2 half-lives
    const m = interactionMatrix(log);
    expect(Array.from(m.indptr)).toEqual([0, 2, 4, 5]);
    expect(Array.from(m.data)).toEqual([2, 1, 1, 1, 1]); // u1 bought a twice
    expect(() => rowWeights(log, { kind: 'recency', halfLifeDays: 0 })).toThrow('invalid halfLifeDays: 0; expected a number > 0');
  });

  it('min-count filters iterate to a k-core and re-densify', () => {
    const f = filterMinCounts(log, { minUser: 2, minItem: 2 });
    // u3 (1 row) goes, so c has 1 row and goes, so u2 has 1 row and goes; u1 keeps a (2) but b has 1 row then.
    expect(f.userKeys).toEqual(['u1']);
    expect(f.itemKeys).toEqual(['a']);
    expect(f.user.length).toBe(2);
    const once = filterMinCounts(log, { minUser: 2, minItem: 1, iterate: false });
    expect(once.userKeys).toEqual(['u1', 'u2']);
    expect(() => filterMinCounts(log, { minUser: -1, minItem: 0 })).toThrow('invalid minUser: -1');
  });
});

describe('splits', () => {
  it('last N days and last fraction of time keep the id space', () => {
    const s = splitLastDays(log, 2);
    expect(s.cutoffDay).toBe(13);
    expect(Array.from(s.test.day)).toEqual([13, 14]);
    expect(s.train.user.length).toBe(4);
    expect(s.test.nUsers).toBe(3);
    expect(s.test.userKeys).toBe(log.userKeys);
    const f = splitLastFraction(log, 0.4); // span 10..14 (5 days): the last 2 days
    expect(f.cutoffDay).toBe(13);
    expect(() => splitLastFraction(log, 1)).toThrow('invalid fraction: 1; expected a number in (0, 1)');
  });

  it('subsetRows copies the flagged rows, one run or scattered, into arrays of their own', () => {
    const withChannel = { ...log, channel: Uint8Array.from([1, 2, 1, 2, 1, 2]) };
    const rowsOf = (l: typeof withChannel) => Array.from(l.user, (u, r) => [u, l.item[r], l.day[r], l.value[r], l.channel?.[r]]);
    const all = rowsOf(withChannel);
    for (const keep of [[0, 1, 1, 1, 0, 0], [1, 0, 1, 0, 0, 1], [0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 1]]) {
      const sub = subsetRows(withChannel, Uint8Array.from(keep));
      expect(rowsOf(sub as typeof withChannel), keep.join('')).toEqual(all.filter((_, r) => keep[r]));
      for (const k of ['user', 'item', 'day', 'value', 'channel'] as const) expect(sub[k]!.buffer, `${keep.join('')} ${k}`).not.toBe(withChannel[k].buffer);
      expect(sub.value).toBeInstanceOf(Float32Array);
      expect(sub.userKeys).toBe(log.userKeys);
    }
    expect(() => subsetRows(log, new Uint8Array(5))).toThrow('invalid mask length: 5; expected 6');
  });

  it('leave-last-out holds out each user’s latest row, not single-row users', () => {
    const s = leaveLastOut(log);
    expect(Array.from(s.test.user)).toEqual([0, 1]);
    expect(Array.from(s.test.day)).toEqual([12, 14]);
    expect(Array.from(s.test.item)).toEqual([0, 2]); // on a tie (day 12) the later row wins
    expect(s.train.user.length).toBe(4);
  });
});

describe('buildDataset on the demo', () => {
  it('produces the contract: catalog and customers aligned with the log keys', () => {
    const t = generateDemoTables('tiny', 5);
    const built = buildDataset(t, { kind: 'demo', name: 'tiny', fingerprint: 'abc', imageUrl: (id) => `img:${id}` });
    const { interactions: l, catalog, customers, info } = built;
    expect(l.user.length).toBe(3000);
    expect(catalog.keys).toBe(l.itemKeys);
    expect(customers.keys).toBe(l.userKeys);
    expect(catalog.name.every((n) => typeof n === 'string')).toBe(true);
    expect(catalog.imageUrl[0]).toBe(`img:${l.itemKeys[0]}`);
    expect(customers.age.length).toBe(l.nUsers);
    expect(info.counts).toEqual({ articles: 150, customers: 100, transactions: 3000 });
    // The demo's prices arrive as values, its sales_channel_id as the channel.
    expect(l.value.every((v) => v > 0 && v < 1)).toBe(true);
    expect(l.channel?.length).toBe(3000);
    expect(new Set(l.channel)).toEqual(new Set([1, 2]));
    // The whole catalogue hierarchy, section and garment group included.
    expect(catalog.section?.every((x) => typeof x === 'string' && x.length > 0)).toBe(true);
    expect(catalog.garmentGroup?.every((x) => typeof x === 'string' && x.length > 0)).toBe(true);
  });

  it('fingerprints are deterministic and content-sensitive', () => {
    const a = generateDemoTables('tiny', 5);
    const fp = (s: number) => fingerprintTable(new Fingerprint(), generateDemo('tiny', s).articles).hex();
    expect(fingerprintTable(new Fingerprint(), a.articles).hex()).toBe(fp(5));
    expect(fp(5)).not.toBe(fp(6));
    expect(fp(5)).toMatch(/^[0-9a-f]{16}$/);
  });
});
