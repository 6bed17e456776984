import { describe, expect, it } from 'vitest';
import { filterOne } from '../graph/server/candidates';
import { coPurchaseReference } from '../graph/server/copurchase';
import { purchaseRows } from '../graph/rows';
import { evaluateRanking } from '../metrics';
import { CancelledError } from '../util/cancel';
import { fixtureCatalog, fixtureLog, fixtureModel, fixtureNeighbours } from './fixture';
import {
  blend, boughtBy, buyersOf, coPurchaseFor, coPurchaseScorer, countDailyPurchases, filterByPlace, historyBefore, hybridRecommend, leakedPairs, memoryPorts,
  neighboursByItem, popularBefore, popularityLists, sampleTruth, similarCandidates, similarLists, sourceCounts, testTruth, type CandidateRanker,
} from './index';

const log = fixtureLog();
const catalog = fixtureCatalog();
const nb = fixtureNeighbours();
const model = fixtureModel();
const history = historyBefore(log, 10);
const ranker: CandidateRanker = (u, c) => (model.hasUser(u) ? Array.from(model.rankItems(u, c).items) : null);

describe('histories', () => {
  it('lists distinct purchases before the day, most recent first', () => {
    expect([0, 1, 2, 3].map((u) => Array.from(boughtBy(history, u)))).toEqual([[3, 0], [5, 1, 0], [0, 4], []]);
    expect(Array.from(boughtBy(historyBefore(log), 0))).toEqual([5, 3, 0]);
    // The PURCHASED relationships the graph load makes: one per (customer, article, day).
    const twice = { ...log, user: Int32Array.from([...log.user, 0]), item: Int32Array.from([...log.item, 5]), day: Int32Array.from([...log.day, 10]), value: new Float32Array(log.user.length + 1).fill(1) };
    expect(countDailyPurchases(twice)).toBe(purchaseRows(twice).length);
    expect(countDailyPurchases(log)).toBe(9);
    // With sales channels, the same article bought on one day in two channels is two relationships.
    const channel = Uint8Array.from(twice.user, (_, i) => (i === twice.user.length - 1 ? 2 : 1));
    const withChannel = { ...twice, channel };
    expect(countDailyPurchases(withChannel)).toBe(purchaseRows(withChannel).length);
    expect(countDailyPurchases(withChannel)).toBe(countDailyPurchases(twice) + 1);
    const b = buyersOf(history);
    expect(Array.from(b.users.subarray(b.indptr[0], b.indptr[1]))).toEqual([0, 1, 2]);
  });
});

describe('image-similar candidates', () => {
  it('re-indexes a KNN over embedded rows by item id', () => {
    // Rows 0..2 are items 5, 2, 7; row 0's neighbours are rows 2 then 1.
    const byItem = neighboursByItem(8, [5, 2, 7], { n: 3, k: 2, indices: Int32Array.from([2, 1, 0, 2, 0, 1]), scores: Float32Array.from([0.9, 0.5, 0.8, 0.3, 0.9, 0.2]) }, 1);
    expect(Array.from(byItem.items)).toEqual([-1, -1, 5, -1, -1, 7, -1, 5]);
    expect(byItem.scores[5]).toBeCloseTo(0.9);
  });
  it('collects the neighbours of past purchases by best cosine, minus what was bought', () => {
    const c = similarCandidates(nb, [3, 0], new Set([3, 0]));
    expect(c.items).toEqual([7, 1, 5, 4]);
    expect(c.scores.map((s) => Number(s.toFixed(2)))).toEqual([0.95, 0.9, 0.8, 0.6]);
  });
});

describe('department and index filter', () => {
  it('keeps candidates whose department and index the customer bought from', () => {
    expect(filterByPlace([7, 1, 5, 4], [3, 0], catalog)).toEqual([7, 1, 5]);
    expect(filterByPlace([6, 2], [5, 1, 0], catalog)).toEqual([]);
    expect(filterByPlace([1, 2, 1, 5, 3], [0, 4], catalog)).toEqual([1, 2, 5, 3]);
  });
  it('agrees with the graph engineer’s reference filter (lib/graph/candidates filterOne)', () => {
    const places = new Map(catalog.keys.map((k, i) => [k, { depts: catalog.department[i] ? [catalog.department[i]!] : [], idxs: catalog.index[i] ? [catalog.index[i]!] : [] }]));
    for (let u = 0; u < 4; u++) {
      const bought = Array.from(boughtBy(history, u));
      const cands = similarCandidates(nb, bought).items;
      const ours = filterByPlace(cands, bought, catalog).map((i) => catalog.keys[i]);
      expect(ours).toEqual(filterOne(cands.map((i) => catalog.keys[i]), bought.map((i) => catalog.keys[i]), places));
    }
  });
});

describe('co-purchase', () => {
  const buyers = buyersOf(history);
  it('counts distinct co-purchasers, ties by article id', () => {
    expect(coPurchaseFor(history, buyers, 0, 12, log.itemKeys)).toEqual({ items: [1, 4, 5], scores: [1, 1, 1] });
    expect(coPurchaseFor(history, buyers, 1, 12, log.itemKeys).items).toEqual([3, 4]);
    expect(coPurchaseFor(history, buyers, 3, 12, log.itemKeys).items).toEqual([]);
    expect(coPurchaseFor(history, buyers, 0, 2, log.itemKeys).items).toEqual([1, 4]);
  });
  it('agrees with the graph engineer’s reference (lib/graph/copurchase coPurchaseReference)', () => {
    const rows = [];
    for (let u = 0; u < 4; u++) for (const i of boughtBy(history, u)) rows.push({ customer: log.userKeys[u], product: log.itemKeys[i], t_dat: '2020-01-01', channel: 1, quantity: 1, price: 1 });
    const ref = coPurchaseReference(rows, log.userKeys, 3);
    // One scorer reused over every user, twice round: its scratch arrays must not leak between calls.
    const scorer = coPurchaseScorer(history, buyers, log.itemKeys);
    for (const u of [0, 1, 2, 3, 3, 2, 1, 0]) {
      const ours = scorer(u, 3);
      expect(ours.items.map((i) => log.itemKeys[i])).toEqual(ref[u].items.map((r) => r.code));
      expect(ours.scores).toEqual(ref[u].items.map((r) => r.score));
    }
  });
  it('takes its three exact counts (walk, cached popular item, complement) and each agrees with the reference', () => {
    // 300 customers over 40 articles: article 0 bought by most (cached), a few tails, so all three paths run.
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const user: number[] = [];
    const item: number[] = [];
    for (let u = 0; u < 300; u++) {
      const n = u % 50 === 0 ? 30 : 1 + Math.floor(rand() * 5);
      for (let j = 0; j < n; j++) {
        user.push(u);
        item.push(u % 3 === 0 && j === 0 ? 0 : u % 7 === 0 ? 30 + Math.floor(rand() * 10) : Math.floor(rand() * rand() * 40));
      }
    }
    const big = {
      nUsers: 300, nItems: 40, user: Int32Array.from(user), item: Int32Array.from(item), day: Int32Array.from(user, (_, r) => r), value: new Float32Array(user.length),
      userKeys: Array.from({ length: 300 }, (_, u) => `c${u}`), itemKeys: Array.from({ length: 40 }, (_, i) => `a${String(39 - i).padStart(2, '0')}`),
    };
    const h = historyBefore(big);
    const paths = { walk: 0, cached: 0, complement: 0 };
    const scorer = coPurchaseScorer(h, buyersOf(h), big.itemKeys, paths);
    const rows = [];
    for (let u = 0; u < 300; u++) for (const i of boughtBy(h, u)) rows.push({ customer: big.userKeys[u], product: big.itemKeys[i], t_dat: '2020-01-01', channel: 1, quantity: 1, price: 1 });
    const ref = coPurchaseReference(rows, big.userKeys, 5);
    for (let u = 0; u < 300; u++) {
      const ours = scorer(u, 5);
      expect(ours.items.map((i) => big.itemKeys[i])).toEqual(ref[u].items.map((r) => r.code));
      expect(ours.scores).toEqual(ref[u].items.map((r) => r.score));
    }
    expect(paths.walk).toBeGreaterThan(0);
    expect(paths.cached).toBeGreaterThan(0);
    expect(paths.complement).toBeGreaterThan(0);
  });
});

describe('popularity', () => {
  it('ranks the last N days before the date, then fills from all history', () => {
    expect(popularBefore(log, 10, 7, 12)).toEqual([0, 1, 4, 5, 3]);
    expect(popularBefore(log, 10, 7, 2)).toEqual([0, 1]);
    expect(popularBefore(log, 3, 1, 12)).toEqual([0, 3]);
    expect(popularBefore(log, 5, 1, 12)).toEqual([5, 0, 1, 3, 4]);
    expect(popularBefore(log, Infinity, 1, 3)).toEqual([5, 7, 0]);
    expect(() => popularBefore(log, 10, 0, 12)).toThrow(/invalid days: 0/);
  });
});

describe('blend', () => {
  it('fills slots source by source, skipping duplicates and excluded items', () => {
    const r = blend(4, [{ source: 'similar', items: [5, 1] }, { source: 'copurchase', items: [1, 2] }, { source: 'popular', items: [0, 3, 4] }], new Set([0]));
    expect(r).toEqual({ items: [5, 1, 2, 3], sources: ['similar', 'similar', 'copurchase', 'popular'] });
    expect(sourceCounts([r])).toEqual({ similar: 2, copurchase: 1, popular: 1 });
  });
});

describe('hybrid', () => {
  const popular = popularBefore(log, 10, 7, 12);
  const run = (signal?: AbortSignal) =>
    hybridRecommend({ users: [0, 1, 2, 3], history, neighbours: nb, ranker, popular, ports: memoryPorts(history, catalog, log.itemKeys), k: 4, batchSize: 3, signal });

  it('filters, ranks by ALS, then fills with co-purchase and popularity (lists worked out by hand)', async () => {
    const { lists, stats } = await run();
    expect(lists).toEqual([
      // c0: candidates 7 1 5 4 → kept 7 1 5 → ALS 5 (3) 1 (2), 7 has no factors → last; co-purchase adds 4.
      { items: [5, 1, 7, 4], sources: ['similar', 'similar', 'similar', 'copurchase'] },
      // c1: candidates 6 (no department) and 2 (index B) are dropped; co-purchase 3 4; popularity has nothing new.
      { items: [3, 4], sources: ['copurchase', 'copurchase'] },
      // c2: x = -1 reverses ALS: 3 (-0.2) 1 (-2) 5 (-3), then 2 (no factors).
      { items: [3, 1, 5, 2], sources: ['similar', 'similar', 'similar', 'similar'] },
      // c3: no history: popularity.
      { items: [0, 1, 4, 5], sources: ['popular', 'popular', 'popular', 'popular'] },
    ]);
    expect(stats).toEqual({ users: 4, withCandidates: 3, candidates: 10, keptCandidates: 7, ranked: 2 });
  });

  it('scores with Kaggle MAP@12 on the test day: c0 hits at rank 1, c1 misses', async () => {
    const { lists } = await run();
    const truth = testTruth({ ...log, ...sliceFrom(log, 7) });
    expect(truth).toEqual({ users: [0, 1], relevant: [new Set([5]), new Set([7])] });
    const m = evaluateRanking(truth.users.map((u) => lists[u].items), truth.relevant, 8);
    expect(m.map_at_12).toBeCloseTo(0.5);
    expect(m.hit_rate_at_10).toBeCloseTo(0.5);
  });

  it('stops at a batch boundary when cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(run(ac.signal)).rejects.toBeInstanceOf(CancelledError);
  });

  it('reports progress per batch', async () => {
    const seen: [number, number][] = [];
    await hybridRecommend({ users: [0, 1, 2, 3], history, neighbours: nb, ranker: null, popular, ports: memoryPorts(history, catalog, log.itemKeys), k: 4, batchSize: 3, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen).toEqual([[3, 4], [4, 4]]);
  });
});

describe('evaluation strategies', () => {
  it('builds popularity and image-similar lists, and detects a model trained on the test window', () => {
    expect(popularityLists([0, 1, 4, 5, 3], history, [0, 3], 3, true)).toEqual([[1, 4, 5], [0, 1, 4]]);
    expect(similarLists(nb, history, [0, 1], 2, true)).toEqual([[7, 1], [6, 2]]);
    const truth = { users: [0, 1], relevant: [new Set([5]), new Set([7])] };
    expect(leakedPairs(history, truth.users, truth.relevant, (u) => boughtBy(history, u))).toBe(0);
    const full = historyBefore(log);
    expect(leakedPairs(history, truth.users, truth.relevant, (u) => boughtBy(full, u))).toBe(2);
    expect(sampleTruth(truth, 5, 1)).toBe(truth);
    const one = sampleTruth(truth, 1, 7);
    expect(one.users).toHaveLength(1);
    expect(one.relevant[0]).toBe(truth.relevant[truth.users.indexOf(one.users[0])]);
    expect(sampleTruth(truth, 1, 7)).toEqual(one);
  });
});

/** Rows from index `from` on, as a log over the same ids. */
function sliceFrom(l: typeof log, from: number) {
  return { user: l.user.slice(from), item: l.item.slice(from), day: l.day.slice(from), value: l.value.slice(from) };
}
