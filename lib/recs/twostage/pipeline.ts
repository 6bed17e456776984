/**
 * The two-stage recommender as a backtest strategy: at a cutoff it builds
 * training weeks from the view alone (candidates and features as of each of
 * the `trainWeeks` earlier weekly cutoffs, labels from the week after each,
 * all before the cutoff), fits a ranker (gradient-boosted trees: lib/gbdt's
 * `trainGbdt` or a peer), and ranks each customer's candidates by its score.
 *
 * Memory: a week's candidates never exist all at once. They are generated for
 * `chunk` buyers at a time; a labelled week is kept only as its training
 * block (the rows of customers with a bought candidate: positives and the
 * sampled negatives, features as float32) with its recall counts, and the
 * test week is ranked chunk by chunk.
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
import {
  addRecallCounts, CANDIDATE_SOURCES, generateCandidates, labelCandidates, recallCounts, recallOf, type CandidateLimits, type CandidateSet, type CandidateSource, type RecallCounts, type SourceRecall,
} from './candidates';
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
  /**
   * Shared training blocks by `blockKey(week, negativeRate)` (training weeks overlap between cutoffs); share it only
   * between strategies with the same candidates (limits, sources). The owner may delete blocks no later cutoff needs.
   */
  blocks?: Map<string, Promise<TrainingBlock>>;
  /** Buyers whose candidates are generated together; default CANDIDATE_CHUNK. Lists, rows and recall do not depend on it. */
  chunk?: number;
  /** Sees every candidate set made (e.g. a test counting their sizes). */
  onCandidates?: (c: CandidateSet) => void;
  /** Name in the tables; default 'two-stage'. */
  name?: string;
  /** Settings that key the fit cache. */
  params?: Record<string, unknown>;
  /**
   * Share of the negative rows (candidates not bought) kept for training, drawn by a seeded hash of
   * (week, customer, article); positives are always kept. Default 1 (all). Scoring always sees every candidate.
   */
  negativeRate?: number;
  /**
   * Most training rows of a cutoff (its `trainWeeks` weeks together; default no cap). A week with more than its share
   * (maxTrainRows / trainWeeks) keeps its positives and the negatives with the smallest sampling hashes (the hash of
   * `negativeRate`, so the cap samples within that sample), the same on every run.
   */
  maxTrainRows?: number;
}

/** The signals of a view (ALS and image neighbours restricted to its pool). */
export async function contextOf(view: AsOfView, o: Pick<TwoStageOptions, 'als' | 'image' | 'towers'>): Promise<TwoStageContext> {
  const als = o.als ? await o.als(view) : null;
  const towers = o.towers ? await o.towers(view) : null;
  return twoStageContext(view, { als, towers, image: o.image ? poolNeighbours(o.image, view.pool) : null });
}

/** Candidates, features and labels of the buyers of the week from `cutoff` (needs `log` to hold that week), all at once (the explainer, the study scripts). */
export async function labelledWeek(log: InteractionLog, cutoff: number, base: AsOfView, o: TwoStageOptions): Promise<WeekData> {
  const view = asOfView(log, cutoff, { candidateWeeks: base.candidateWeeks, catalog: base.catalog, ages: base.ages, product: base.product });
  const truth = testTruth(dateSplit(log, cutoff).test);
  const ctx = await contextOf(view, o);
  const cands = generateCandidates(ctx, truth.users, o.limits);
  o.onCandidates?.(cands);
  return { cutoff, cands, features: buildFeatures(ctx, cands), labels: labelCandidates(cands, truth.relevant) };
}

/** Buyers whose candidates are generated together (default of `TwoStageOptions.chunk`). */
export const CANDIDATE_CHUNK = 1024;

/** The ranker's training rows of one labelled week or part of one (the rows `rankerData` takes from it). */
export interface TrainingRows {
  X: Float32Array;
  nFeatures: number;
  y: Float32Array;
  groups: Int32Array;
  featureNames: readonly string[];
}

/** One labelled week as the backtest keeps it: its training rows and its candidate recall counts (the candidates themselves are gone). */
export interface TrainingBlock extends TrainingRows {
  cutoff: number;
  /** Share of negatives sampled into the rows. */
  negativeRate: number;
  sources: readonly CandidateSource[];
  recall: RecallCounts;
}

/**
 * The training block of the week from `view.cutoff` (`log` must hold that week; `view` is `log` as of the
 * week's cutoff): candidates, features and labels made for `o.chunk` buyers at a time, each chunk reduced to
 * its training rows and recall counts before the next is made. Same rows, in the same order, as
 * `rankerData([labelledWeek(...)], negativeRate)`.
 */
export async function labelledBlock(
  log: InteractionLog,
  view: AsOfView,
  o: TwoStageOptions,
  signal?: AbortSignal,
  onBuyers?: (done: number, total: number) => void,
): Promise<TrainingBlock> {
  const chunk = o.chunk ?? CANDIDATE_CHUNK;
  if (!(Number.isInteger(chunk) && chunk >= 1)) throw new RecsInputError(`invalid chunk: ${chunk}; expected a whole number ≥ 1`);
  const rate = checkRate(o.negativeRate ?? 1);
  const cap = weekCap(o);
  const truth = testTruth(dateSplit(log, view.cutoff).test);
  const ctx = await contextOf(view, o);
  const parts: (TrainingRows & { hash: Float64Array })[] = [];
  let recall: RecallCounts | null = null;
  let sources: readonly CandidateSource[] = CANDIDATE_SOURCES;
  for (let a = 0; a === 0 || a < truth.users.length; a += chunk) {
    throwIfAborted(signal);
    const relevant = truth.relevant.slice(a, a + chunk);
    const cands = generateCandidates(ctx, truth.users.slice(a, a + chunk), o.limits);
    o.onCandidates?.(cands);
    sources = cands.sources;
    const counts = recallCounts(cands, relevant);
    recall = recall ? addRecallCounts(recall, counts) : counts;
    parts.push(trainingRows({ cutoff: view.cutoff, cands, features: buildFeatures(ctx, cands), labels: labelCandidates(cands, relevant) }, rate, true));
    onBuyers?.(Math.min(a + chunk, truth.users.length), truth.users.length);
  }
  let rows: TrainingRows = joinRows(parts);
  if (rows.y.length > cap) {
    const hash = new Float64Array(rows.y.length);
    let at = 0;
    for (const p of parts) hash.set(p.hash, at), (at += p.hash.length);
    rows = capRows(rows, hash, cap);
  }
  return { ...rows, cutoff: view.cutoff, negativeRate: rate, sources, recall: recall! };
}

/** A week's share of `maxTrainRows` (Infinity: no cap). */
function weekCap(o: TwoStageOptions): number {
  const cap = o.maxTrainRows ?? Infinity;
  if (!(cap >= 1)) throw new RecsInputError(`invalid maxTrainRows: ${cap}; expected a number ≥ 1 (or none)`);
  return Math.max(1, Math.floor(cap / (o.trainWeeks ?? 12)));
}

/**
 * At most `cap` rows: every positive, and the negatives with the smallest `hash` (ties in row order) up to the cap;
 * groups keep their order (each still holds its positives).
 */
export function capRows(d: TrainingRows, hash: Float64Array, cap: number): TrainingRows {
  let positives = 0;
  for (let r = 0; r < d.y.length; r++) if (d.y[r] > 0) positives++;
  const want = Math.max(0, cap - positives);
  const neg = new Float64Array(d.y.length - positives);
  let j = 0;
  for (let r = 0; r < d.y.length; r++) if (!(d.y[r] > 0)) neg[j++] = hash[r];
  neg.sort();
  const limit = want > 0 ? neg[want - 1] : -Infinity;
  let ties = 0;
  for (let q = 0; q < want; q++) if (neg[q] === limit) ties++;
  const keep = new Uint8Array(d.y.length);
  let n = 0;
  for (let r = 0; r < d.y.length; r++) {
    const k = d.y[r] > 0 || hash[r] < limit || (hash[r] === limit && ties-- > 0);
    if (k) (keep[r] = 1), n++;
  }
  const F = d.nFeatures;
  const X = new Float32Array(n * F);
  const y = new Float32Array(n);
  const groups = new Int32Array(d.groups.length);
  let at = 0;
  let r = 0;
  d.groups.forEach((size, g) => {
    const start = at;
    for (let e = r + size; r < e; r++) {
      if (!keep[r]) continue;
      X.set(d.X.subarray(r * F, (r + 1) * F), at * F);
      y[at++] = d.y[r];
    }
    groups[g] = at - start;
  });
  return { X, nFeatures: F, y, groups, featureNames: d.featureNames };
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

/** Pools the recall counts of test weeks (each week weighted by its test purchases; candidates per buyer averaged over the weeks). */
export function poolRecall(weeks: readonly Pick<TrainingBlock, 'recall' | 'sources'>[]): PooledRecall {
  const by: Partial<Record<CandidateSource, number>> = Object.fromEntries(CANDIDATE_SOURCES.map((s) => [s, 0]));
  const out: PooledRecall = { total: 0, sources: CANDIDATE_SOURCES, bySource: by as SourceRecall, perCustomer: 0, pairs: 0 };
  for (const w of weeks) {
    const cr = recallOf(w.recall, w.sources);
    out.sources = w.sources;
    out.pairs += cr.pairs;
    out.total += cr.total * cr.pairs;
    for (const s of w.sources) by[s] = (by[s] ?? 0) + cr.bySource[s]! * cr.pairs;
    out.perCustomer += cr.perCustomer / weeks.length;
  }
  if (out.pairs) {
    out.total /= out.pairs;
    for (const s of out.sources) by[s]! /= out.pairs;
  }
  return out;
}

/** The key of a week's block in `TwoStageOptions.blocks` (its sampling settings with it). */
export const blockKey = (cutoff: number, o: Pick<TwoStageOptions, 'negativeRate' | 'maxTrainRows' | 'trainWeeks'>): string => `${cutoff}|${o.negativeRate ?? 1}|${weekCap(o)}`;

/**
 * Candidate recall on the weeks from `cutoffs` (reporting only: these labels never train anything);
 * blocks already in `o.blocks` are reused, new ones are added to it.
 */
export async function pooledRecall(log: InteractionLog, cutoffs: readonly number[], base: NonNullable<Parameters<typeof asOfView>[2]>, o: TwoStageOptions, signal?: AbortSignal): Promise<PooledRecall> {
  const cache = o.blocks ?? new Map<string, Promise<TrainingBlock>>();
  const weeks: TrainingBlock[] = [];
  for (const c of cutoffs) {
    throwIfAborted(signal);
    const key = blockKey(c, o);
    let w = cache.get(key);
    if (!w) cache.set(key, (w = labelledBlock(log, asOfView(log, c, base), o, signal)));
    weeks.push(await w);
  }
  return poolRecall(weeks);
}

function checkRate(negativeRate: number): number {
  if (!(negativeRate > 0 && negativeRate <= 1)) throw new RecsInputError(`invalid negativeRate: ${negativeRate}; expected a number in (0, 1]`);
  return negativeRate;
}

/**
 * The training rows of one labelled week (groups with no positive row are dropped: they teach a ranker nothing); with
 * `hashes`, also each row's sampling hash (what `capRows` reads).
 */
export function trainingRows(w: WeekData, negativeRate: number, hashes: true): TrainingRows & { hash: Float64Array };
export function trainingRows(w: WeekData, negativeRate?: number): TrainingRows;
export function trainingRows(w: WeekData, negativeRate = 1, hashes = false): TrainingRows & { hash?: Float64Array } {
  checkRate(negativeRate);
  if (!w.labels) throw new RecsInputError(`invalid week ${w.cutoff}: no labels; expected a labelled training week`);
  const labels = w.labels;
  const F = w.features.nFeatures;
  const keep: number[] = [];
  for (let g = 0; g < w.cands.users.length; g++) {
    let pos = 0;
    for (let r = w.cands.offsets[g]; r < w.cands.offsets[g + 1]; r++) pos += labels[r];
    if (pos > 0) keep.push(g);
  }
  const take = (g: number, r: number) => labels[r] > 0 || negativeRate >= 1 || keepHash(w.cutoff, w.cands.users[g], w.cands.items[r]) < negativeRate;
  let rows = 0;
  for (const g of keep) for (let r = w.cands.offsets[g]; r < w.cands.offsets[g + 1]; r++) if (take(g, r)) rows++;
  const X = new Float32Array(rows * F);
  const y = new Float32Array(rows);
  const hash = hashes ? new Float64Array(rows) : undefined;
  const groups = new Int32Array(keep.length);
  let at = 0;
  keep.forEach((g, j) => {
    const start = at;
    for (let r = w.cands.offsets[g]; r < w.cands.offsets[g + 1]; r++) {
      if (!take(g, r)) continue;
      X.set(w.features.X.subarray(r * F, (r + 1) * F), at * F);
      if (hash) hash[at] = keepHash(w.cutoff, w.cands.users[g], w.cands.items[r]);
      y[at++] = labels[r];
    }
    groups[j] = at - start;
  });
  return { X, nFeatures: F, y, groups, featureNames: w.features.featureNames, ...(hash ? { hash } : {}) };
}

/** Concatenates training rows in order (weeks, or the chunks of one week). */
export function joinRows(parts: readonly TrainingRows[]): RankerData {
  const F = parts[0]?.nFeatures ?? 0;
  const X = new Float32Array(parts.reduce((n, p) => n + p.X.length, 0));
  const y = new Float32Array(parts.reduce((n, p) => n + p.y.length, 0));
  const groups = new Int32Array(parts.reduce((n, p) => n + p.groups.length, 0));
  let x = 0;
  let r = 0;
  let g = 0;
  for (const p of parts) {
    if (p.nFeatures !== F) throw new RecsInputError(`invalid training rows: ${p.nFeatures} features; expected ${F} as the first part`);
    X.set(p.X, x), (x += p.X.length);
    y.set(p.y, r), (r += p.y.length);
    groups.set(p.groups, g), (g += p.groups.length);
  }
  return { X, nFeatures: F, y, groups, featureNames: [...(parts[0]?.featureNames ?? [])] };
}

/** Concatenates weeks into one training set (groups with no positive row are dropped: they teach a ranker nothing). */
export function rankerData(weeks: readonly WeekData[], negativeRate = 1): RankerData {
  checkRate(negativeRate);
  return joinRows(weeks.map((w) => trainingRows(w, negativeRate)));
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
  const cache = o.blocks ?? new Map<string, Promise<TrainingBlock>>();
  const rate = checkRate(o.negativeRate ?? 1);
  const chunk = o.chunk ?? CANDIDATE_CHUNK;
  return {
    name: o.name ?? 'two-stage',
    params: { trainWeeks, limits: o.limits ?? {}, negativeRate: rate, ...(o.maxTrainRows ? { maxTrainRows: o.maxTrainRows } : {}), ...(o.towers ? { twoTowerSource: true } : {}), ...o.params },
    fit: async (view) => {
      const blocks: TrainingBlock[] = [];
      for (let w = trainWeeks; w >= 1; w--) {
        const t = view.cutoff - 7 * w;
        // Week t's labels are the 7 days from t, all before the view's cutoff: the view holds them.
        const key = blockKey(t, o);
        let p = cache.get(key);
        if (!p) {
          const at = asOfView(view.log, t, { candidateWeeks: view.candidateWeeks, catalog: view.catalog, ages: view.ages, product: view.product });
          cache.set(key, (p = labelledBlock(view.log, at, o)));
        }
        blocks.push(await p);
      }
      const ranker = await fitRanker(joinRows(blocks));
      const ctx = await contextOf(view, o);
      return (users, k) => {
        const lists: number[][] = [];
        for (let a = 0; a < users.length; a += chunk) {
          const cands = generateCandidates(ctx, users.slice(a, a + chunk), o.limits);
          o.onCandidates?.(cands);
          const f = buildFeatures(ctx, cands);
          for (const l of rankedLists(view, cands, ranker.predict(f.X, f.nFeatures), k)) lists.push(l);
        }
        return lists;
      };
    },
  };
}
