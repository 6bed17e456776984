/**
 * What a strategy may know at a cutoff: the purchases before it, the
 * articles on sale before it (sold in the last `candidateWeeks` weeks), the
 * catalogue and the customers' ages, and the popularity fallback. Strategies
 * are fitted on this view only; the backtest rejects any list holding an
 * article outside the view's pool (e.g. one first sold in the test week).
 */
import type { InteractionLog, ItemCatalog } from '../../data/dataset';
import { historyBefore } from '../history';
import { RecsInputError, type History } from '../types';
import { dateSplit } from './split';

/** Catalogue columns strategies use (dense item ids). */
export type CatalogView = Pick<ItemCatalog, 'department' | 'index'>;

/** The data as of one cutoff. */
export interface AsOfView {
  /** First test day. */
  cutoff: number;
  /** Rows with day < cutoff (the log's id space, nUsers/nItems/keys unchanged). */
  log: InteractionLog;
  /** Distinct purchases per customer before the cutoff, most recent first. */
  history: History;
  /** 1 for articles sold in `[cutoff − 7·candidateWeeks, cutoff)`: the only articles a list may hold. */
  pool: Uint8Array;
  /** The pool's article ids (ascending). */
  poolItems: number[];
  candidateWeeks: number;
  catalog: CatalogView | null;
  /** Age per dense user id (NaN unknown), or null. */
  ages: Float32Array | null;
  /** Product code per article (H&M: the first 7 digits of article_id), for "other colours". */
  product: Int32Array;
  /** Pool articles by rows in the last 7 days before the cutoff (ties: more rows over the pool window, then smaller id). */
  fallback: number[];
}

/** Product code per article: the first 7 characters of an H&M article id, else the article itself. */
export function productCodes(itemKeys: readonly string[]): Int32Array {
  const ids = new Map<string, number>();
  return Int32Array.from(itemKeys, (k) => {
    const code = /^\d{10}$/.test(k) ? k.slice(0, 7) : k;
    let id = ids.get(code);
    if (id === undefined) ids.set(code, (id = ids.size));
    return id;
  });
}

/** Builds the view of `log` as of `cutoff` (first test day). */
export function asOfView(
  full: InteractionLog,
  cutoff: number,
  o: { candidateWeeks?: number; catalog?: CatalogView | null; ages?: Float32Array | null; product?: Int32Array } = {},
): AsOfView {
  const weeks = o.candidateWeeks ?? 12;
  if (!(Number.isInteger(weeks) && weeks >= 1)) throw new RecsInputError(`invalid candidateWeeks: ${weeks}; expected a whole number ≥ 1`);
  const log = dateSplit(full, cutoff).train;
  const pool = new Uint8Array(log.nItems);
  const recent = new Float64Array(log.nItems);
  const inPool = new Float64Array(log.nItems);
  const from = cutoff - 7 * weeks;
  for (let r = 0; r < log.day.length; r++) {
    const d = log.day[r];
    if (d < from) continue;
    const i = log.item[r];
    pool[i] = 1;
    inPool[i]++;
    if (d >= cutoff - 7) recent[i]++;
  }
  const poolItems: number[] = [];
  for (let i = 0; i < log.nItems; i++) if (pool[i]) poolItems.push(i);
  const fallback = [...poolItems].sort((a, b) => recent[b] - recent[a] || inPool[b] - inPool[a] || a - b);
  return {
    cutoff,
    log,
    history: historyBefore(log, cutoff),
    pool,
    poolItems,
    candidateWeeks: weeks,
    catalog: o.catalog ?? null,
    ages: o.ages ?? null,
    product: o.product ?? productCodes(full.itemKeys),
    fallback,
  };
}

/** Items of `list` outside the view's pool (an as-of violation), in list order. */
export function outOfPool(view: AsOfView, list: ArrayLike<number>): number[] {
  const bad: number[] = [];
  for (let j = 0; j < list.length; j++) if (!(list[j] >= 0 && list[j] < view.pool.length && view.pool[list[j]])) bad.push(list[j]);
  return bad;
}

/**
 * Completes a list to k distinct pool articles: the list's own pool items in
 * order, then `fill` (default the view's fallback). Items outside the pool are
 * dropped here; strategies call it so every customer gets k items.
 */
export function completeList(view: AsOfView, list: ArrayLike<number>, k: number, fill: readonly number[] = view.fallback, exclude?: ReadonlySet<number>): number[] {
  const out: number[] = [];
  const used = new Set<number>();
  const take = (i: number) => {
    if (out.length >= k || used.has(i) || !view.pool[i] || exclude?.has(i)) return;
    used.add(i);
    out.push(i);
  };
  for (let j = 0; j < list.length && out.length < k; j++) take(list[j]);
  for (let j = 0; j < fill.length && out.length < k; j++) take(fill[j]);
  // Exclusions may leave a list short: the fallback then repeats nothing but ignores the exclusions.
  for (let j = 0; j < view.fallback.length && out.length < k; j++) if (!used.has(view.fallback[j])) (used.add(view.fallback[j]), out.push(view.fallback[j]));
  return out;
}
