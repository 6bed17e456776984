/**
 * The two-stage recommender as a backtest strategy: at a cutoff it builds
 * training weeks from the view alone (candidates and features as of each of
 * the `trainWeeks` earlier weekly cutoffs, labels from the week after each,
 * all before the cutoff), fits a ranker (gradient-boosted trees: lib/gbdt's
 * `trainGbdt` or a peer), and ranks each customer's candidates by its score.
 */
import type { AlsModel } from '../../cf';
import type { InteractionLog } from '../../data/dataset';
import { asOfView, completeList, type AsOfView } from '../backtest/asof';
import type { Strategy } from '../backtest/backtest';
import { poolNeighbours } from '../backtest/models';
import { dateSplit } from '../backtest/split';
import { testTruth } from '../strategies';
import { RecsInputError, type ItemNeighbours } from '../types';
import { throwIfAborted } from '../../util/cancel';
import type { TowerScorer } from '../backtest/towers';
import { CANDIDATE_SOURCES, candidateRecall, generateCandidates, labelCandidates, type CandidateLimits, type CandidateSet, type CandidateSource, type SourceRecall } from './candidates';
import { twoStageContext, type TwoStageContext } from './context';
import { buildFeatures, type FeatureMatrix } from './features';

/** Training data in the layout of lib/gbdt's `trainGbdt`. */
export interface RankerData {
  X: Float32Array;
  nFeatures: number;
  y: Float32Array;
  /** Query sizes: one group per customer-week. */
  groups: Int32Array;
  featureNames: string[];
}

/** Fits a ranker (e.g. `(d) => trainGbdt(d, params)`); its predictions order the candidates, higher first. */
export type RankerFit = (data: RankerData) => Promise<{ predict(X: Float32Array, nFeatures: number): Float64Array }>;

/** One week's candidates and features (labels when the week after the cutoff is known). */
export interface WeekData {
  cutoff: number;
  cands: CandidateSet;
  features: FeatureMatrix;
  labels: Float32Array | null;
}

export interface TwoStageOptions {
  /** Weekly cutoffs before the test cutoff whose labelled weeks train the ranker; default 12. */
  trainWeeks?: number;
  limits?: Partial<CandidateLimits>;
  /** ALS per view (e.g. `alsFits()`); null leaves the ALS source and feature out. */
  als?: ((view: AsOfView) => Promise<AlsModel | null>) | null;
  /** Image neighbours by dense item id, or null. */
  image?: ItemNeighbours | null;
  /**
   * Two-tower per view, fitted on the view alone (e.g. lib/recs/backtest/towers' `towerFits()`); null or absent
   * leaves the two-tower source and feature out, and then candidates, features and lists are those without it.
   */
  towers?: ((view: AsOfView) => Promise<TowerScorer | null>) | null;
  /** Shared week cache (training weeks overlap between cutoffs). */
  weeks?: Map<number, Promise<WeekData>>;
  /** Name in the tables; default 'two-stage'. */
  name?: string;
  /** Settings that key the fit cache. */
  params?: Record<string, unknown>;
  /**
   * Share of the negative rows (candidates not bought) kept for training, drawn by a seeded hash of
   * (week, customer, article); positives are always kept. Default 1 (all). Scoring always sees every candidate.
   */
  negativeRate?: number;
}

/** The signals of a view (ALS and image neighbours restricted to its pool). */
export async function contextOf(view: AsOfView, o: Pick<TwoStageOptions, 'als' | 'image' | 'towers'>): Promise<TwoStageContext> {
  const als = o.als ? await o.als(view) : null;
  const towers = o.towers ? await o.towers(view) : null;
  return twoStageContext(view, { als, towers, image: o.image ? poolNeighbours(o.image, view.pool) : null });
}

/** Candidates, features and labels of the buyers of the week from `cutoff` (needs `log` to hold that week). */
export async function labelledWeek(log: InteractionLog, cutoff: number, base: AsOfView, o: TwoStageOptions): Promise<WeekData> {
  const view = asOfView(log, cutoff, { candidateWeeks: base.candidateWeeks, catalog: base.catalog, ages: base.ages, product: base.product });
  const truth = testTruth(dateSplit(log, cutoff).test);
  const ctx = await contextOf(view, o);
  const cands = generateCandidates(ctx, truth.users, o.limits);
  return { cutoff, cands, features: buildFeatures(ctx, cands), labels: labelCandidates(cands, truth.relevant) };
}

/** Candidate recall pooled over test weeks: total and per source (shares of the test purchases), mean candidates per buyer. */
export interface PooledRecall {
  total: number;
  /** The sources of the candidates, in column order. */
  sources: readonly CandidateSource[];
  bySource: SourceRecall;
  perCustomer: number;
  pairs: number;
}

/**
 * Candidate recall on the weeks from `cutoffs` (reporting only: these labels never train anything);
 * weeks already in `o.weeks` are reused, new ones are added to it.
 */
export async function pooledRecall(log: InteractionLog, cutoffs: readonly number[], base: NonNullable<Parameters<typeof asOfView>[2]>, o: TwoStageOptions, signal?: AbortSignal): Promise<PooledRecall> {
  const cache = o.weeks ?? new Map<number, Promise<WeekData>>();
  const by: Partial<Record<CandidateSource, number>> = Object.fromEntries(CANDIDATE_SOURCES.map((s) => [s, 0]));
  const out: PooledRecall = { total: 0, sources: CANDIDATE_SOURCES, bySource: by as SourceRecall, perCustomer: 0, pairs: 0 };
  for (const c of cutoffs) {
    throwIfAborted(signal);
    let w = cache.get(c);
    if (!w) cache.set(c, (w = labelledWeek(log, c, asOfView(log, c, base), o)));
    const cands = (await w).cands;
    const cr = candidateRecall(cands, testTruth(dateSplit(log, c).test).relevant);
    out.sources = cands.sources;
    out.pairs += cr.pairs;
    out.total += cr.total * cr.pairs;
    for (const s of cands.sources) by[s] = (by[s] ?? 0) + cr.bySource[s]! * cr.pairs;
    out.perCustomer += cr.perCustomer / cutoffs.length;
  }
  if (out.pairs) {
    out.total /= out.pairs;
    for (const s of out.sources) by[s]! /= out.pairs;
  }
  return out;
}

/** Concatenates weeks into one training set (groups with no positive row are dropped: they teach a ranker nothing). */
export function rankerData(weeks: readonly WeekData[], negativeRate = 1): RankerData {
  if (!(negativeRate > 0 && negativeRate <= 1)) throw new RecsInputError(`invalid negativeRate: ${negativeRate}; expected a number in (0, 1]`);
  const F = weeks[0]?.features.nFeatures ?? 0;
  const keep: { w: WeekData; g: number }[] = [];
  for (const w of weeks) {
    if (!w.labels) throw new RecsInputError(`invalid week ${w.cutoff}: no labels; expected a labelled training week`);
    for (let g = 0; g < w.cands.users.length; g++) {
      let pos = 0;
      for (let r = w.cands.offsets[g]; r < w.cands.offsets[g + 1]; r++) pos += w.labels[r];
      if (pos > 0) keep.push({ w, g });
    }
  }
  const take = (w: WeekData, g: number, r: number) => w.labels![r] > 0 || negativeRate >= 1 || keepHash(w.cutoff, w.cands.users[g], w.cands.items[r]) < negativeRate;
  let rows = 0;
  for (const { w, g } of keep) for (let r = w.cands.offsets[g]; r < w.cands.offsets[g + 1]; r++) if (take(w, g, r)) rows++;
  const X = new Float32Array(rows * F);
  const y = new Float32Array(rows);
  const groups = new Int32Array(keep.length);
  let at = 0;
  keep.forEach(({ w, g }, j) => {
    const start = at;
    for (let r = w.cands.offsets[g]; r < w.cands.offsets[g + 1]; r++) {
      if (!take(w, g, r)) continue;
      X.set(w.features.X.subarray(r * F, (r + 1) * F), at * F);
      y[at++] = w.labels![r];
    }
    groups[j] = at - start;
  });
  return { X, nFeatures: F, y, groups, featureNames: [...(weeks[0]?.features.featureNames ?? [])] };
}

/** A uniform number in [0, 1) from (week, customer, article), the same on every run. */
function keepHash(week: number, user: number, item: number): number {
  let h = Math.imul(week ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(user + 0x632be5ab, 0xc2b2ae35) ^ Math.imul(item + 0x27d4eb2f, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
  return ((h ^ (h >>> 15)) >>> 0) / 4294967296;
}

/** Each customer's candidates ordered by score (higher first), completed to k with the fallback. */
export function rankedLists(view: AsOfView, c: CandidateSet, scores: ArrayLike<number>, k: number): number[][] {
  return c.users.map((_, g) => {
    const rows = Array.from({ length: c.offsets[g + 1] - c.offsets[g] }, (_, j) => c.offsets[g] + j);
    rows.sort((a, b) => scores[b] - scores[a] || a - b);
    return completeList(view, rows.map((r) => c.items[r]), k);
  });
}

/** The two-stage recommender with a given ranker fit. */
export function twoStageStrategy(fitRanker: RankerFit, o: TwoStageOptions = {}): Strategy {
  const trainWeeks = o.trainWeeks ?? 12;
  if (!(Number.isInteger(trainWeeks) && trainWeeks >= 1)) throw new RecsInputError(`invalid trainWeeks: ${trainWeeks}; expected a whole number ≥ 1`);
  const cache = o.weeks ?? new Map<number, Promise<WeekData>>();
  return {
    name: o.name ?? 'two-stage',
    params: { trainWeeks, limits: o.limits ?? {}, negativeRate: o.negativeRate ?? 1, ...(o.towers ? { twoTowerSource: true } : {}), ...o.params },
    fit: async (view) => {
      const weeks: WeekData[] = [];
      for (let w = trainWeeks; w >= 1; w--) {
        const t = view.cutoff - 7 * w;
        // Week t's labels are the 7 days from t, all before the view's cutoff: the view holds them.
        let p = cache.get(t);
        if (!p) cache.set(t, (p = labelledWeek(view.log, t, view, o)));
        weeks.push(await p);
      }
      const ranker = await fitRanker(rankerData(weeks, o.negativeRate));
      const ctx = await contextOf(view, o);
      return (users, k) => {
        const cands = generateCandidates(ctx, users, o.limits);
        const f = buildFeatures(ctx, cands);
        return rankedLists(view, cands, ranker.predict(f.X, f.nFeatures), k);
      };
    },
  };
}
