import { describe, expect, it } from 'vitest';
import { prepareInteractions } from '../../cf';
import { buildInteractionLog } from '../../data/interactions';
import { historyBefore } from '../history';
import { popularBefore } from '../popularity';
import { asOfView, completeList, productCodes } from './asof';
import { AsOfViolation, backtest, FitCache, type Strategy } from './backtest';
import { ageBand, agePopularityStrategy, boughtTogetherStrategy, popularityStrategy, randomStrategy, repurchaseStrategy, trendingStrategy } from './baselines';
import { syntheticShop } from './fixture';
import { dateSplit, weeklyCutoffs } from './split';

describe('one date split', () => {
  const log = syntheticShop();
  const cutoff = 49;
  const s = dateSplit(log, cutoff);

  it('trains on the days before the cutoff and tests the 7 days from it (cutoff included)', () => {
    expect(Math.max(...s.train.day)).toBe(cutoff - 1);
    expect(Math.min(...s.test.day)).toBe(cutoff);
    expect(Math.max(...s.test.day)).toBe(cutoff + 6);
    expect(s.train.day.length + s.test.day.length).toBe(log.day.filter((d) => d < cutoff + 7).length);
  });

  it('historyBefore, popularBefore and prepareInteractions see exactly the train rows', () => {
    const h = historyBefore(log, cutoff);
    const p = prepareInteractions(log, { weighting: 'count', endDay: cutoff });
    const counts = new Int32Array(log.nUsers);
    for (const u of s.train.user) counts[u]++;
    expect(Array.from(p.userCounts)).toEqual(Array.from(counts));
    const hTrain = historyBefore(s.train);
    expect(Array.from(h.items)).toEqual(Array.from(hTrain.items));
    expect(popularBefore(log, cutoff, 7, 10)).toEqual(popularBefore(s.train, Infinity, 7, 10));
  });

  it('makes consecutive weekly cutoffs from a date', () => {
    expect(weeklyCutoffs('2020-08-05', 6)).toEqual([18479, 18486, 18493, 18500, 18507, 18514]);
  });
});

describe('as of the cutoff', () => {
  const log = syntheticShop();
  const cutoff = 63;
  const arrival = log.itemKeys.indexOf('0100000000');

  it('keeps only articles on sale before the cutoff in the pool and the lists', () => {
    const v = asOfView(log, cutoff, { candidateWeeks: 4 });
    expect(Math.max(...v.log.day)).toBeLessThan(cutoff);
    expect(v.pool[arrival]).toBe(0);
    expect(completeList(v, [arrival, v.poolItems[0]], 12)).not.toContain(arrival);
    expect(completeList(v, [], 12)).toHaveLength(12);
  });

  it('catches a strategy that peeks at the test week', async () => {
    // Recommends what sells best in the test week: it closes over the full log, not the view.
    const peeking: Strategy = {
      name: 'peeking',
      fit: (v) => {
        const c = new Map<number, number>();
        for (let r = 0; r < log.day.length; r++) if (log.day[r] >= v.cutoff && log.day[r] < v.cutoff + 7) c.set(log.item[r], (c.get(log.item[r]) ?? 0) + 1);
        const top = [...c].sort((a, b) => b[1] - a[1]).map((e) => e[0]);
        return (users, k) => users.map(() => top.concat(v.fallback.filter((i) => !top.includes(i))).slice(0, k));
      },
    };
    await expect(backtest({ log, cutoffs: [cutoff], strategies: [peeking] })).rejects.toThrow(AsOfViolation);
    await expect(backtest({ log, cutoffs: [cutoff], strategies: [popularityStrategy()] })).resolves.toBeTruthy();
  });
});

describe('baselines on a hand-made log', () => {
  // Days 0..13; cutoff 14. Customer a bought 10, 11, then 12; b bought 11 and 13 together; c is 30 years old.
  const rows: [number, string, string][] = [
    [0, 'a', '0100001001'], [3, 'a', '0100002001'], [10, 'a', '0100003001'],
    [8, 'b', '0100002001'], [8, 'b', '0100004001'], [12, 'c', '0100004001'], [13, 'c', '0100004001'], [13, 'd', '0100003001'],
  ];
  const log = buildInteractionLog({ day: rows.map((r) => r[0]), user: rows.map((r) => r[1]), item: rows.map((r) => r[2]) });
  const id = (k: string) => log.itemKeys.indexOf(k);
  const u = (k: string) => log.userKeys.indexOf(k);
  const ages = Float32Array.from(log.userKeys, (k) => (k === 'c' ? 30 : k === 'a' ? 31 : NaN));
  const v = asOfView(log, 14, { candidateWeeks: 2, ages });
  const run = async (s: Strategy, users: string[]) => (await s.fit(v))(users.map(u), 4);

  it('popularity: last week first, then the pool window', () => {
    expect(v.fallback).toEqual([id('0100004001'), id('0100003001'), id('0100002001'), id('0100001001')]);
  });
  it('repurchase: own purchases, most recent first, filled with popularity', async () => {
    expect(await run(repurchaseStrategy(), ['a'])).toEqual([[id('0100003001'), id('0100002001'), id('0100001001'), id('0100004001')]]);
  });
  it('bought-together: neighbours of recent purchases first', async () => {
    // d bought 3001; a bought 2001 seven days before 3001 (within the window) and 1001 ten days before (outside).
    const [l] = await run(boughtTogetherStrategy(), ['d']);
    expect(l).toEqual([id('0100002001'), id('0100004001'), id('0100003001'), id('0100001001')]);
  });
  it('trending: recent, rising articles first', async () => {
    const [l] = await run(trendingStrategy({ weeks: 2 }), ['a']);
    expect(l[0]).toBe(id('0100004001'));
  });
  it('age band popularity: what the same band bought', async () => {
    expect(ageBand(30)).toBe(1);
    const [l] = await run(agePopularityStrategy({ weeks: 2 }), ['a']);
    expect(l[0]).toBe(id('0100004001'));
  });
  it('product codes group the colours of a product', () => {
    const p = productCodes(['0108775015', '0108775044', '0110065001', 'x']);
    expect(p[0]).toBe(p[1]);
    expect(p[2]).not.toBe(p[0]);
  });
});

describe('rolling backtest', () => {
  const log = syntheticShop({ customers: 150, lastDay: 90 });
  const cutoffs = weeklyCutoffs(56, 4);

  it('scores every week, caches fits, and ranks planted repurchases above random', async () => {
    const cache = new FitCache();
    let fits = 0;
    const counted: Strategy = { ...repurchaseStrategy(), name: 'repurchase', fit: (v) => (fits++, repurchaseStrategy().fit(v)) };
    const strategies = [counted, popularityStrategy(), randomStrategy(1)];
    const r = await backtest({ log, cutoffs, strategies, cache, bootstrap: { samples: 500, seed: 1 } });
    expect(r.buyers).toHaveLength(4);
    expect(r.reference).toBe('repurchase');
    const by = Object.fromEntries(r.strategies.map((s) => [s.name, s]));
    for (const s of r.strategies) for (const w of s.weeks) for (const l of w.lists) expect(l).toHaveLength(12);
    expect(by.repurchase.map.mean).toBeGreaterThan(by.random.map.mean);
    expect(by.random.vsReference!.verdict).toBe('worse');
    expect(by.repurchase.map.low).toBeLessThanOrEqual(by.repurchase.map.mean);
    expect(by.repurchase.mapAllCustomers).toBeLessThan(by.repurchase.map.mean);
    await backtest({ log, cutoffs, strategies, cache });
    expect(fits).toBe(4);
  });
});
