/**
 * Stage one: candidates per customer from every source, each with its rank
 * (0 = best) and score in that source, and the candidate recall (share of
 * test purchases that are among the candidates) per source and in total.
 */
import { ageBand } from '../backtest/baselines';
import { boughtBy } from '../history';
import { boughtTogetherScores, rankPool } from '../backtest/signals';
import { alsTop } from '../backtest/models';
import { filterByPlace } from '../filter';
import { similarCandidates } from '../neighbours';
import { RecsInputError } from '../types';
import type { TwoStageContext } from './context';

/** Candidate sources, in column order of the features (always present, even when a source proposes nothing). */
export const CANDIDATE_SOURCES = ['repurchase', 'colours', 'trending', 'bought-together', 'image', 'als', 'hybrid', 'age-band'] as const;
export type BaseSource = (typeof CANDIDATE_SOURCES)[number];
/** The two-tower's top-N: an optional source, present (as the last column) only when the context holds a two-tower fit. */
export const TWO_TOWER_SOURCE = 'two-tower';
export type CandidateSource = BaseSource | typeof TWO_TOWER_SOURCE;

/** Sources of a context, in column order: without a two-tower fit exactly CANDIDATE_SOURCES. */
export function candidateSources(ctx: Pick<TwoStageContext, 'towers'>): readonly CandidateSource[] {
  return ctx.towers ? [...CANDIDATE_SOURCES, TWO_TOWER_SOURCE] : CANDIDATE_SOURCES;
}

/** Most candidates taken from each source per customer. */
export type CandidateLimits = Record<CandidateSource, number>;
/**
 * Chosen on the July 2020 validation cutoffs of the H&M sample (bench/node/recs-study.ts, LightGBM ranker), never on
 * the test weeks: twice the earlier 24 per source raised candidate recall from 8.1% to 10.2% (~175 candidates per buyer).
 * The optional two-tower source's 48 was set equal to ALS's a priori, not chosen on any cutoff.
 */
export const DEFAULT_LIMITS: CandidateLimits = { repurchase: 48, colours: 48, trending: 48, 'bought-together': 48, image: 24, als: 48, hybrid: 12, 'age-band': 48, 'two-tower': 48 };

/**
 * Candidates of many customers, grouped by customer (rows `offsets[g] .. offsets[g+1]` belong to
 * `users[g]`). `rank[row * S + s]` and `score[row * S + s]` are NaN when source s did not propose the row.
 */
export interface CandidateSet {
  cutoff: number;
  /** The sources, in column order (S = sources.length). */
  sources: readonly CandidateSource[];
  users: number[];
  offsets: Int32Array;
  items: Int32Array;
  rank: Float32Array;
  score: Float32Array;
}

/** Generates the candidates of `users` from every source (articles on sale before the cutoff only). */
export function generateCandidates(ctx: TwoStageContext, users: readonly number[], limits: Partial<CandidateLimits> = {}): CandidateSet {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  for (const s of [...CANDIDATE_SOURCES, TWO_TOWER_SOURCE] as const) if (!(Number.isInteger(lim[s]) && lim[s] >= 0)) throw new RecsInputError(`invalid limit for ${s}: ${lim[s]}; expected a whole number ≥ 0`);
  const v = ctx.view;
  const sources = candidateSources(ctx);
  const S = sources.length;
  const trending = rankPool(v, ctx.trending).slice(0, lim.trending);
  const items: number[] = [];
  const rank: number[] = [];
  const score: number[] = [];
  const offsets = [0];
  for (const u of users) {
    const at = new Map<number, number>();
    const add = (s: number, list: readonly number[], scores: (j: number) => number) => {
      for (let j = 0; j < list.length; j++) {
        const i = list[j];
        if (!v.pool[i]) continue;
        let row = at.get(i);
        if (row === undefined) {
          at.set(i, (row = items.length));
          items.push(i);
          for (let c = 0; c < S; c++) rank.push(NaN), score.push(NaN);
        }
        if (Number.isNaN(rank[row * S + s])) (rank[row * S + s] = j), (score[row * S + s] = scores(j));
      }
    };
    const bought = boughtBy(v.history, u);
    const own = Array.from(bought).filter((i) => v.pool[i]).slice(0, lim.repurchase);
    add(0, own, (j) => ctx.lastItemDay.get(u * v.log.nItems + own[j]) ?? NaN);
    const colours: number[] = [];
    const seenProduct = new Set<number>();
    for (const i of bought) {
      if (colours.length >= lim.colours) break;
      if (seenProduct.has(v.product[i])) continue;
      seenProduct.add(v.product[i]);
      for (const o of ctx.productItems.get(v.product[i]) ?? []) if (o !== i && colours.length < lim.colours) colours.push(o);
    }
    add(1, colours, (j) => ctx.sales4w[colours[j]]);
    add(2, trending, (j) => ctx.trending[trending[j]]);
    const bt = [...boughtTogetherScores(ctx.pairs, bought.subarray(0, 5))].filter((e) => v.pool[e[0]]).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, lim['bought-together']);
    add(3, bt.map((e) => e[0]), (j) => bt[j][1]);
    let sim: { items: number[]; scores: number[] } = { items: [], scores: [] };
    if (ctx.image && lim.image > 0) {
      const s = similarCandidates(ctx.image, bought);
      sim = { items: s.items.slice(0, lim.image), scores: s.scores.slice(0, lim.image) };
      add(4, sim.items, (j) => sim.scores[j]);
    }
    const als = lim.als > 0 ? alsTop(v, ctx.als, u, lim.als, false) : { items: [], scores: [] };
    add(5, als.items, (j) => als.scores[j]);
    if (ctx.image && v.catalog && lim.hybrid > 0) {
      // The seeds' hybrid: similar → department AND index filter → ALS order.
      const kept = filterByPlace(similarCandidates(ctx.image, bought, new Set(bought)).items, bought, v.catalog);
      const ranked = kept.length && ctx.als?.hasUser(u) ? Array.from(ctx.als.rankItems(u, kept).items) : kept;
      const top = ranked.slice(0, lim.hybrid);
      add(6, top, (j) => 1 / (j + 1));
    }
    // Best sellers of the last weeks among customers of the same age band.
    const seg = v.ages ? ctx.segmentTop[ageBand(v.ages[u])] : undefined;
    if (seg && lim['age-band'] > 0) {
      const top = seg.items.slice(0, lim['age-band']);
      add(7, top, (j) => seg.rows[j]);
    }
    if (ctx.towers) {
      const tt = ctx.towers.top(u, lim['two-tower']);
      add(8, tt.items, (j) => tt.scores[j]);
    }
    offsets.push(items.length);
  }
  return { cutoff: v.cutoff, sources, users: [...users], offsets: Int32Array.from(offsets), items: Int32Array.from(items), rank: Float32Array.from(rank), score: Float32Array.from(score) };
}

/** 1 for candidate rows the customer bought in the test window, else 0. */
export function labelCandidates(c: CandidateSet, relevant: readonly ReadonlySet<number>[]): Float32Array {
  if (relevant.length !== c.users.length) throw new RecsInputError(`invalid relevant: ${relevant.length} sets for ${c.users.length} customers`);
  const y = new Float32Array(c.items.length);
  for (let g = 0; g < c.users.length; g++) for (let r = c.offsets[g]; r < c.offsets[g + 1]; r++) y[r] = relevant[g].has(c.items[r]) ? 1 : 0;
  return y;
}

/** Query sizes (one group per customer), as lambdarank wants them. */
export function candidateGroups(c: CandidateSet): Int32Array {
  return Int32Array.from({ length: c.users.length }, (_, g) => c.offsets[g + 1] - c.offsets[g]);
}

/** Recall per source: every base source, and the two-tower when it was on. */
export type SourceRecall = Record<BaseSource, number> & Partial<Record<typeof TWO_TOWER_SOURCE, number>>;

/** Raw counts behind the candidate recall (integers, so the counts of parts of a week add up to the week's exactly). */
export interface RecallCounts {
  /** Test purchases (distinct customer-article pairs) and those among the candidates, in total and per source (column order). */
  pairs: number;
  found: number;
  bySource: number[];
  /** Candidate rows and customers. */
  rows: number;
  customers: number;
}

/** Counts of `candidateRecall` (add those of several parts of a week with `addRecallCounts`). */
export function recallCounts(c: CandidateSet, relevant: readonly ReadonlySet<number>[]): RecallCounts {
  const S = c.sources.length;
  const out: RecallCounts = { pairs: 0, found: 0, bySource: new Array<number>(S).fill(0), rows: c.items.length, customers: c.users.length };
  for (let g = 0; g < c.users.length; g++) {
    out.pairs += relevant[g].size;
    for (let r = c.offsets[g]; r < c.offsets[g + 1]; r++) {
      if (!relevant[g].has(c.items[r])) continue;
      out.found++;
      for (let s = 0; s < S; s++) if (!Number.isNaN(c.rank[r * S + s])) out.bySource[s]++;
    }
  }
  return out;
}

/** Adds `b` into `a` (same sources). */
export function addRecallCounts(a: RecallCounts, b: RecallCounts): RecallCounts {
  a.pairs += b.pairs;
  a.found += b.found;
  b.bySource.forEach((x, s) => (a.bySource[s] = (a.bySource[s] ?? 0) + x));
  a.rows += b.rows;
  a.customers += b.customers;
  return a;
}

/** The recall of counts (shares of the test purchases; mean candidates per customer). */
export function recallOf(n: RecallCounts, sources: readonly CandidateSource[]): { total: number; bySource: SourceRecall; perCustomer: number; pairs: number } {
  const share = (x: number) => (n.pairs ? x / n.pairs : 0);
  return {
    total: share(n.found),
    bySource: Object.fromEntries(sources.map((s, j) => [s, share(n.bySource[j] ?? 0)])) as SourceRecall,
    perCustomer: n.customers ? n.rows / n.customers : 0,
    pairs: n.pairs,
  };
}

/** Share of test purchases (distinct customer-article pairs) among the candidates: per source and in total; mean candidates per customer. */
export function candidateRecall(c: CandidateSet, relevant: readonly ReadonlySet<number>[]): { total: number; bySource: SourceRecall; perCustomer: number; pairs: number } {
  return recallOf(recallCounts(c, relevant), c.sources);
}
