import { describe, expect, it } from 'vitest';
import { asOfView } from '../backtest/asof';
import { backtest } from '../backtest/backtest';
import { repurchaseStrategy } from '../backtest/baselines';
import { syntheticShop } from '../backtest/fixture';
import { alsFits } from '../backtest/models';
import { dateSplit, weeklyCutoffs } from '../backtest/split';
import { testTruth } from '../strategies';
import { CANDIDATE_SOURCES, candidateGroups, candidateRecall, generateCandidates, labelCandidates, recallOf } from './candidates';
import { twoStageContext } from './context';
import { buildFeatures, FEATURE_NAMES } from './features';
import { labelledBlock, labelledWeek, rankerData, trainingRows, twoStageStrategy, type RankerFit } from './pipeline';

const log = syntheticShop({ customers: 120, lastDay: 90 });
const cutoff = 77;

describe('two-stage candidates and features', () => {
  const view = asOfView(log, cutoff, { candidateWeeks: 8 });
  const truth = testTruth(dateSplit(log, cutoff).test);
  const ctx = twoStageContext(view);
  const cands = generateCandidates(ctx, truth.users, { trending: 6 });

  it('groups candidates by customer, only on-sale articles, with a rank per proposing source', () => {
    expect(cands.offsets).toHaveLength(truth.users.length + 1);
    const S = CANDIDATE_SOURCES.length;
    for (let r = 0; r < cands.items.length; r++) {
      expect(view.pool[cands.items[r]]).toBe(1);
      let proposed = 0;
      for (let s = 0; s < S; s++) if (!Number.isNaN(cands.rank[r * S + s])) proposed++;
      expect(proposed).toBeGreaterThan(0);
    }
    // Every customer has at least the 6 trending candidates, each once.
    for (let g = 0; g < truth.users.length; g++) {
      const items = Array.from(cands.items.subarray(cands.offsets[g], cands.offsets[g + 1]));
      expect(items.length).toBeGreaterThanOrEqual(6);
      expect(new Set(items).size).toBe(items.length);
    }
    expect(candidateGroups(cands).reduce((a, b) => a + b, 0)).toBe(cands.items.length);
  });

  it('reports candidate recall per source and in total, consistent with the labels', () => {
    const rec = candidateRecall(cands, truth.relevant);
    const y = labelCandidates(cands, truth.relevant);
    expect(rec.total).toBeCloseTo(y.reduce((a, b) => a + b, 0) / rec.pairs, 12);
    // The fixture plants repeat purchases: repurchase recalls some of them; no single source exceeds the total.
    expect(rec.bySource.repurchase).toBeGreaterThan(0);
    for (const s of CANDIDATE_SOURCES) expect(rec.bySource[s]).toBeLessThanOrEqual(rec.total + 1e-12);
  });

  it('builds one row of named features per candidate', () => {
    const f = buildFeatures(ctx, cands);
    expect(f.nFeatures).toBe(FEATURE_NAMES.length);
    expect(f.X.length).toBe(cands.items.length * f.nFeatures);
    const col = (name: string) => FEATURE_NAMES.indexOf(name);
    for (let r = 0; r < cands.items.length; r++) {
      const row = f.X.subarray(r * f.nFeatures, (r + 1) * f.nFeatures);
      expect(row[col('n_sources')]).toBeGreaterThan(0);
      // A repurchase candidate was bought before: days since bought is known and within the history.
      if (!Number.isNaN(row[col('rank_repurchase')])) expect(row[col('days_since_bought_item')]).toBeGreaterThan(0);
      expect(row[col('customer_days_since_last')]).toSatisfy((x: number) => Number.isNaN(x) || x > 0);
    }
  });
});

describe('two-stage additions', () => {
  const ages = Float32Array.from({ length: log.nUsers }, (_, u) => 18 + ((u * 7) % 50));
  const view = asOfView(log, cutoff, { candidateWeeks: 8, ages });
  const truth = testTruth(dateSplit(log, cutoff).test);
  const ctx = twoStageContext(view);
  const cands = generateCandidates(ctx, truth.users);

  it('proposes the best sellers of the customer’s age band', () => {
    const S = CANDIDATE_SOURCES.length;
    const s = CANDIDATE_SOURCES.indexOf('age-band');
    let proposed = 0;
    for (let r = 0; r < cands.items.length; r++) if (!Number.isNaN(cands.rank[r * S + s])) proposed++;
    expect(proposed).toBeGreaterThan(0);
  });

  it('computes purchase counts, department share and sale days consistently', () => {
    const f = buildFeatures(ctx, cands);
    const col = (name: string) => FEATURE_NAMES.indexOf(name);
    for (let r = 0; r < cands.items.length; r++) {
      const row = f.X.subarray(r * f.nFeatures, (r + 1) * f.nFeatures);
      // A product's purchases include those of each of its articles; an article last sold before the cutoff, after its first sale.
      expect(row[col('times_bought_product')]).toBeGreaterThanOrEqual(row[col('times_bought_item')]);
      expect(row[col('days_since_last_sold')]).toBeGreaterThanOrEqual(1);
      expect(row[col('days_since_first_sold')]).toBeGreaterThanOrEqual(row[col('days_since_last_sold')]);
      expect(row[col('sales_2w')]).toBeGreaterThanOrEqual(row[col('sales_1w')]);
      expect(row[col('item_repeat_rate')]).toSatisfy((x: number) => x >= 0 && x <= 1);
    }
  });

  it('keeps every positive and about the asked share of negatives, the same on every run', async () => {
    const week = await labelledWeek(view.log, cutoff - 7, view, {});
    const all = rankerData([week]);
    const some = rankerData([week], 0.3);
    const pos = (y: Float32Array) => y.reduce((a, b) => a + b, 0);
    expect(pos(some.y)).toBe(pos(all.y));
    expect(some.groups).toHaveLength(all.groups.length);
    expect(some.groups.reduce((a, b) => a + b, 0)).toBe(some.y.length);
    const share = (some.y.length - pos(some.y)) / (all.y.length - pos(all.y));
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.4);
    expect(rankerData([week], 0.3).X).toEqual(some.X);
    expect(() => rankerData([week], 0)).toThrow(/negativeRate/);
  });

  it('streamed week (chunks of buyers) gives the same training rows and recall as the whole week', async () => {
    const at = asOfView(view.log, cutoff - 7, { candidateWeeks: view.candidateWeeks, catalog: view.catalog, ages: view.ages, product: view.product });
    const week = await labelledWeek(view.log, cutoff - 7, view, {});
    const truth = testTruth(dateSplit(view.log, cutoff - 7).test);
    for (const [chunk, rate] of [[1, 1], [5, 0.3], [1000, 0.3]]) {
      const sizes: number[] = [];
      const block = await labelledBlock(view.log, at, { chunk, negativeRate: rate, onCandidates: (c) => sizes.push(c.users.length) });
      const whole = rankerData([week], rate);
      // Bit for bit (NaN included).
      const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      expect(bytes(block.X).equals(bytes(whole.X))).toBe(true);
      expect(bytes(block.y).equals(bytes(whole.y))).toBe(true);
      expect(Array.from(block.groups)).toEqual(Array.from(whole.groups));
      expect(recallOf(block.recall, block.sources)).toEqual(candidateRecall(week.cands, truth.relevant));
      expect(Math.max(...sizes)).toBe(Math.min(chunk, truth.users.length));
    }
  });

  it('caps a week\'s training rows: every positive, the negatives of smallest hash, the same on every run; a cap above the rows changes nothing', async () => {
    const at = asOfView(view.log, cutoff - 7, { candidateWeeks: view.candidateWeeks, catalog: view.catalog, ages: view.ages, product: view.product });
    const week = await labelledWeek(view.log, cutoff - 7, view, {});
    const full = trainingRows(week, 0.5, true);
    const pos = full.y.reduce((a, b) => a + b, 0);
    const cap = Math.floor((full.y.length + pos) / 2);
    const capped = await labelledBlock(view.log, at, { negativeRate: 0.5, trainWeeks: 2, maxTrainRows: 2 * cap, chunk: 9 });
    expect(capped.y.length).toBe(cap);
    expect(capped.y.reduce((a, b) => a + b, 0)).toBe(pos);
    expect(Array.from(capped.groups)).toHaveLength(full.groups.length);
    // The kept negatives are those of smallest hash within the 50% sample.
    const negHashes = Array.from(full.hash).filter((_, r) => full.y[r] === 0).sort((a, b) => a - b);
    const limit = negHashes[cap - pos - 1];
    const F = full.nFeatures;
    const kept = Array.from({ length: full.y.length }, (_, r) => r).filter((r) => full.y[r] > 0 || full.hash[r] <= limit);
    expect(kept).toHaveLength(cap);
    const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    const X = new Float32Array(cap * F);
    kept.forEach((r, j) => X.set(full.X.subarray(r * F, (r + 1) * F), j * F));
    expect(bytes(capped.X).equals(bytes(X))).toBe(true);
    const again = await labelledBlock(view.log, at, { negativeRate: 0.5, trainWeeks: 2, maxTrainRows: 2 * cap });
    expect(bytes(again.X).equals(bytes(capped.X))).toBe(true);
    const above = await labelledBlock(view.log, at, { negativeRate: 0.5, trainWeeks: 2, maxTrainRows: 2 * full.y.length });
    expect(bytes(above.X).equals(bytes(full.X))).toBe(true);
  });
});

describe('two-stage strategy', () => {
  it('trains on labelled weeks before the cutoff only, and its lists pass the as-of check', async () => {
    const base = asOfView(log, cutoff);
    const week = await labelledWeek(base.log, cutoff - 7, base, {});
    expect(week.labels!.some((y) => y === 1)).toBe(true);
    const d = rankerData([week]);
    expect(d.groups.reduce((a, b) => a + b, 0)).toBe(d.y.length);
    expect(d.X.length).toBe(d.y.length * d.nFeatures);

    let seen = -1;
    // A stand-in ranker (the trees come from lib/gbdt or LightGBM): most sources first, then recency of own purchase.
    const fit: RankerFit = async (data) => {
      seen = data.groups.length;
      const ns = FEATURE_NAMES.indexOf('n_sources');
      const days = FEATURE_NAMES.indexOf('days_since_bought_item');
      return { predict: (X, F) => Float64Array.from({ length: X.length / F }, (_, r) => X[r * F + ns] * 1000 - (Number.isNaN(X[r * F + days]) ? 999 : X[r * F + days])) };
    };
    const r = await backtest({ log, cutoffs: weeklyCutoffs(70, 2), strategies: [twoStageStrategy(fit, { trainWeeks: 3, als: alsFits() }), repurchaseStrategy()], bootstrap: { samples: 200 } });
    expect(seen).toBeGreaterThan(0);
    const ts = r.strategies.find((s) => s.name === 'two-stage')!;
    for (const w of ts.weeks) for (const l of w.lists) expect(l).toHaveLength(12);
    expect(ts.map.mean).toBeGreaterThan(0);
  });
});
