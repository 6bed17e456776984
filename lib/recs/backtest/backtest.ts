/**
 * Rolling weekly backtest: for each cutoff, every strategy is fitted on the
 * as-of view (fits cached per cutoff and settings), recommends k articles to
 * every customer who bought in the test week, and is scored per customer
 * (Kaggle's apk@12, NDCG@10, hit@10). Pooled over the weeks with bootstrap
 * intervals over customers, and the paired difference of each strategy to a
 * baseline with a verdict.
 */
import type { InteractionLog } from '../../data/dataset';
import { averagePrecisionAtK, ndcgOne } from '../../metrics/ranking';
import { bootstrapMean, pairedDifference, type Interval, type PairedDifference } from '../../metrics/bootstrap';
import { CancelledError } from '../../util/cancel';
import { testTruth } from '../strategies';
import { RecsInputError } from '../types';
import { asOfView, outOfPool, type AsOfView, type CatalogView } from './asof';
import { dateSplit } from './split';

/** Lists for the given customers (k each, best first), as of the view it was fitted on. */
export type Recommender = (users: readonly number[], k: number) => number[][] | Promise<number[][]>;

/** A strategy: fitted on the as-of view only. */
export interface Strategy {
  name: string;
  /** Settings that key the fit cache (with the cutoff). */
  params?: Record<string, unknown>;
  /** True for a baseline (the default reference is the best baseline). */
  baseline?: boolean;
  fit(view: AsOfView): Recommender | Promise<Recommender>;
}

/** Raised when a list holds an article that was not on sale before the cutoff. */
export class AsOfViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AsOfViolation';
  }
}

/** Fitted recommenders by strategy, cutoff and settings. */
export class FitCache {
  private readonly fits = new Map<string, { cutoff: number; fit: Promise<Recommender> }>();
  key(s: Strategy, cutoff: number, candidateWeeks: number): string {
    return `${s.name}|${cutoff}|${candidateWeeks}|${JSON.stringify(s.params ?? {})}`;
  }
  get(s: Strategy, view: AsOfView): Promise<Recommender> {
    const key = this.key(s, view.cutoff, view.candidateWeeks);
    let f = this.fits.get(key);
    if (!f) this.fits.set(key, (f = { cutoff: view.cutoff, fit: Promise.resolve(s.fit(view)) }));
    return f.fit;
  }
  /** Drops every fit of `cutoff` (and what its recommenders hold: views, models, contexts). */
  release(cutoff: number): void {
    for (const [key, f] of this.fits) if (f.cutoff === cutoff) this.fits.delete(key);
  }
  get size(): number {
    return this.fits.size;
  }
}

/** One strategy's scores on one test week (per buyer, in `users` order). */
export interface WeekScores {
  cutoff: number;
  users: number[];
  /** The lists scored (empty when the backtest ran with `keepLists: false`). */
  lists: number[][];
  ap: Float64Array;
  ndcg: Float64Array;
  hit: Float64Array;
  /** Distinct articles in the buyers' top 10 / articles on sale before the cutoff. */
  coverage: number;
  map: number;
}

/** Pooled results of one strategy. */
export interface StrategyResult {
  name: string;
  baseline: boolean;
  weeks: WeekScores[];
  /** MAP@12 over buyer-weeks, with its interval. */
  map: Interval;
  /** MAP@12 over every customer of every week (non-buyers score 0). */
  mapAllCustomers: number;
  ndcg: Interval;
  hitRate: Interval;
  /** Mean of the weekly Coverage@10. */
  coverage: number;
  /** Paired difference to the reference (null for the reference itself). */
  vsReference: PairedDifference | null;
}

export interface BacktestOptions {
  log: InteractionLog;
  cutoffs: readonly number[];
  strategies: readonly Strategy[];
  testDays?: number;
  /** Weeks before the cutoff whose articles may be recommended; default 12. */
  candidateWeeks?: number;
  k?: number;
  catalog?: CatalogView | null;
  ages?: Float32Array | null;
  /** Product code per article; default from the item keys (productCodes). */
  product?: Int32Array;
  /** Customers counted by MAP over all customers; default log.nUsers. */
  nCustomers?: number;
  /** Name of the reference strategy; default the best baseline on pooled MAP@12. */
  reference?: string;
  cache?: FitCache;
  /**
   * Keep every cutoff's fits in the cache (default true); false drops a cutoff's fits once its week is scored, so
   * only one cutoff's recommenders (and the views, models and contexts they hold) are alive at a time.
   */
  keepFits?: boolean;
  /** Keep the scored lists in the results (default true); false keeps the per-customer scores only. */
  keepLists?: boolean;
  /** Runs after a cutoff's week is scored (and its fits dropped when `keepFits` is false), before the next cutoff. */
  afterCutoff?: (view: AsOfView, index: number) => Promise<void>;
  bootstrap?: { samples?: number; seed?: number };
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, what: string) => void;
}

export interface BacktestResult {
  cutoffs: number[];
  reference: string;
  strategies: StrategyResult[];
  /** Buyers per week. */
  buyers: number[];
  /** Seconds per strategy (fits and lists over every cutoff), and of pooling (bootstrap intervals and paired differences). */
  seconds: { strategies: Record<string, number>; pooling: number };
}

/** Runs every strategy on every cutoff and pools the scores. */
export async function backtest(o: BacktestOptions): Promise<BacktestResult> {
  const k = o.k ?? 12;
  const testDays = o.testDays ?? 7;
  if (!o.cutoffs.length) throw new RecsInputError('invalid cutoffs: none; expected at least one cutoff day');
  if (!o.strategies.length) throw new RecsInputError('invalid strategies: none; expected at least one');
  const names = new Set(o.strategies.map((s) => s.name));
  if (names.size !== o.strategies.length) throw new RecsInputError(`invalid strategies: duplicate names in ${o.strategies.map((s) => s.name).join(', ')}`);
  const cache = o.cache ?? new FitCache();
  const weeks = new Map<string, WeekScores[]>(o.strategies.map((s) => [s.name, []]));
  const buyers: number[] = [];
  const total = o.cutoffs.length * o.strategies.length;
  let done = 0;
  const spent: Record<string, number> = {};
  for (const [index, cutoff] of o.cutoffs.entries()) {
    const view = asOfView(o.log, cutoff, { candidateWeeks: o.candidateWeeks, catalog: o.catalog, ages: o.ages, product: o.product });
    const truth = testTruth(dateSplit(o.log, cutoff, testDays).test);
    buyers.push(truth.users.length);
    for (const s of o.strategies) {
      if (o.signal?.aborted) throw new CancelledError('backtest cancelled');
      const t0 = performance.now();
      const rec = await cache.get(s, view);
      const lists = truth.users.length ? await rec(truth.users, k) : [];
      spent[s.name] = (spent[s.name] ?? 0) + (performance.now() - t0) / 1000;
      const scored = scoreWeek(s.name, view, truth, lists, k);
      weeks.get(s.name)!.push(o.keepLists === false ? { ...scored, lists: [] } : scored);
      o.onProgress?.(++done, total, s.name);
    }
    if (o.keepFits === false) cache.release(cutoff);
    await o.afterCutoff?.(view, index);
  }
  const tPool = performance.now();
  const nCustomers = o.nCustomers ?? o.log.nUsers;
  const pooled = o.strategies.map((s) => pool(s, weeks.get(s.name)!, nCustomers, o.bootstrap));
  const baselines = pooled.filter((r) => r.baseline);
  const reference = o.reference ?? (baselines.length ? baselines : pooled).reduce((a, b) => (b.map.mean > a.map.mean ? b : a)).name;
  const ref = pooled.find((r) => r.name === reference);
  if (!ref) throw new RecsInputError(`invalid reference: ${reference}; expected one of ${[...names].join(', ')}`);
  const refAp = concat(ref.weeks.map((w) => w.ap));
  const clusters = concat(ref.weeks.map((w) => Float64Array.from(w.users)));
  for (const r of pooled) {
    if (r === ref) continue;
    r.vsReference = pairedDifference(concat(r.weeks.map((w) => w.ap)), refAp, { ...o.bootstrap, clusters });
  }
  return { cutoffs: [...o.cutoffs], reference, strategies: pooled, buyers, seconds: { strategies: spent, pooling: (performance.now() - tPool) / 1000 } };
}

function scoreWeek(name: string, view: AsOfView, truth: { users: number[]; relevant: Set<number>[] }, lists: number[][], k: number): WeekScores {
  const n = truth.users.length;
  if (lists.length !== n) throw new RecsInputError(`invalid lists from ${name}: ${lists.length} for ${n} customers; expected one per customer`);
  const ap = new Float64Array(n);
  const ndcg = new Float64Array(n);
  const hit = new Float64Array(n);
  const seen = new Set<number>();
  for (let j = 0; j < n; j++) {
    const list = lists[j];
    const bad = outOfPool(view, list);
    if (bad.length) {
      throw new AsOfViolation(
        `${name} recommended ${bad.length} article(s) not sold in the ${view.candidateWeeks} weeks before the cutoff (day ${view.cutoff}) to customer ${truth.users[j]}, e.g. ${view.log.itemKeys[bad[0]] ?? bad[0]}: a strategy may only use what was known before the cutoff`,
      );
    }
    if (new Set(list).size !== list.length || list.length !== Math.min(k, view.poolItems.length)) {
      throw new RecsInputError(`invalid list from ${name} for customer ${truth.users[j]}: ${list.length} items (${new Set(list).size} distinct); expected ${k} distinct articles`);
    }
    ap[j] = averagePrecisionAtK(list, truth.relevant[j], k);
    ndcg[j] = ndcgOne(list, truth.relevant[j], 10);
    hit[j] = list.slice(0, 10).some((i) => truth.relevant[j].has(i)) ? 1 : 0;
    for (const i of list.slice(0, 10)) seen.add(i);
  }
  const map = n ? ap.reduce((a, b) => a + b, 0) / n : 0;
  return { cutoff: view.cutoff, users: truth.users, lists, ap, ndcg, hit, coverage: view.poolItems.length ? seen.size / view.poolItems.length : 0, map };
}

function pool(s: Strategy, weeks: WeekScores[], nCustomers: number, b: BacktestOptions['bootstrap']): StrategyResult {
  const clusters = concat(weeks.map((w) => Float64Array.from(w.users)));
  const ap = concat(weeks.map((w) => w.ap));
  const o = { ...b, clusters };
  const empty = { mean: 0, low: 0, high: 0 };
  return {
    name: s.name,
    baseline: s.baseline ?? false,
    weeks,
    map: ap.length ? bootstrapMean(ap, o) : empty,
    mapAllCustomers: ap.reduce((a, x) => a + x, 0) / (nCustomers * weeks.length),
    ndcg: ap.length ? bootstrapMean(concat(weeks.map((w) => w.ndcg)), o) : empty,
    hitRate: ap.length ? bootstrapMean(concat(weeks.map((w) => w.hit)), o) : empty,
    coverage: weeks.reduce((a, w) => a + w.coverage, 0) / weeks.length,
    vsReference: null,
  };
}

function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.length);
  return out;
}
