/**
 * From an interaction log to the weight matrix ALS trains on: min-count
 * filters (the filtered users and items are kept in lists, for the
 * fallbacks), then one weighting scheme per (user, item) pair:
 *
 * - `count`: number of interactions (repeated purchases add up);
 * - `recency`: Σ 0.5^((referenceDay − day) / halfLifeDays), so a purchase on
 *   the reference day weighs 1 and one half-life earlier weighs 0.5;
 * - `bm25`: `implicit.nearest_neighbours.bm25_weight` over the count matrix
 *   (K1, B), idf clamped at 0 so confidences stay ≥ 1;
 * - `tfidf`: `implicit.nearest_neighbours.tfidf_weight` (√count · idf), idf clamped at 0.
 *
 * Ids keep the log's dense id space: filtered users and items simply have no
 * entries, so artifacts of other cells index the same way.
 */
import { csrFromCoo, type Csr } from '../data/csr';
import type { InteractionLog } from '../data/dataset';
import { assertNever } from '../util/assert';
import { CfInputError } from './types';

export type Weighting = 'count' | 'recency' | 'bm25' | 'tfidf';

export interface WeightOptions {
  weighting: Weighting;
  /** For `recency`: days for a weight to halve. Default 30. */
  halfLifeDays?: number;
  /** For `recency`: the day weighing 1; default the last day used. */
  referenceDay?: number;
  /** Users with fewer interactions (rows, after the day cut) are filtered out. Default 1. */
  minUserCount?: number;
  /** Items with fewer interactions are filtered out. Default 1. */
  minItemCount?: number;
  /**
   * Only rows with day < endDay are used (a training cut-off). The one day
   * convention of the project: the cutoff day itself is the first test day, as
   * in `historyBefore`, `popularBefore` and `asOfSplit`.
   */
  endDay?: number;
  /** BM25 parameters; defaults K1 = 100, B = 0.8 as in `implicit`. */
  bm25K1?: number;
  bm25B?: number;
}

export interface PreparedInteractions {
  /** users × items, weights w ≥ 0 (not yet confidences). */
  weights: Csr;
  /** Users with at least one interaction before the cut but fewer than minUserCount. */
  filteredUsers: Int32Array;
  /** Items with at least one interaction before the cut but fewer than minItemCount. */
  filteredItems: Int32Array;
  /** Interactions per user and per item before filtering (after the day cut). */
  userCounts: Int32Array;
  itemCounts: Int32Array;
  /** The reference day used by `recency` (null for other schemes). */
  referenceDay: number | null;
}

/** The columns of an InteractionLog that weighting needs. */
export type LogColumns = Pick<InteractionLog, 'nUsers' | 'nItems' | 'user' | 'item' | 'day'>;

export function prepareInteractions(log: LogColumns, opts: WeightOptions): PreparedInteractions {
  const { nUsers, nItems, user, item, day } = log;
  const n = user.length;
  if (item.length !== n || day.length !== n) {
    throw new CfInputError(`invalid interaction log: ${n} users, ${item.length} items, ${day.length} days; expected equal lengths`);
  }
  const minUser = opts.minUserCount ?? 1;
  const minItem = opts.minItemCount ?? 1;
  if (!Number.isInteger(minUser) || minUser < 1) throw new CfInputError(`invalid minUserCount: ${minUser}; expected a whole number ≥ 1`);
  if (!Number.isInteger(minItem) || minItem < 1) throw new CfInputError(`invalid minItemCount: ${minItem}; expected a whole number ≥ 1`);
  const endDay = opts.endDay ?? Infinity;
  if (Number.isNaN(endDay)) throw new CfInputError(`invalid endDay: ${endDay}; expected a day number or Infinity`);

  const userCounts = new Int32Array(nUsers);
  const itemCounts = new Int32Array(nItems);
  let lastDay = -Infinity;
  for (let i = 0; i < n; i++) {
    const d = day[i];
    if (!(d < endDay)) continue;
    const u = user[i];
    const it = item[i];
    if (!(u >= 0 && u < nUsers)) throw new CfInputError(`invalid user id at row ${i}: ${u}; expected 0..${nUsers - 1}`);
    if (!(it >= 0 && it < nItems)) throw new CfInputError(`invalid item id at row ${i}: ${it}; expected 0..${nItems - 1}`);
    userCounts[u]++;
    itemCounts[it]++;
    if (d > lastDay) lastDay = d;
  }
  const keepUser = (u: number) => userCounts[u] >= minUser;
  const keepItem = (i: number) => itemCounts[i] >= minItem;
  const filteredUsers = idsWhere(nUsers, (u) => userCounts[u] > 0 && !keepUser(u));
  const filteredItems = idsWhere(nItems, (i) => itemCounts[i] > 0 && !keepItem(i));

  let referenceDay: number | null = null;
  let decay = 0;
  if (opts.weighting === 'recency') {
    const half = opts.halfLifeDays ?? 30;
    if (!(Number.isFinite(half) && half > 0)) throw new CfInputError(`invalid halfLifeDays: ${half}; expected a number > 0`);
    referenceDay = opts.referenceDay ?? (Number.isFinite(lastDay) ? lastDay : 0);
    decay = Math.LN2 / half;
  }

  let kept = 0;
  for (let i = 0; i < n; i++) if (day[i] < endDay && keepUser(user[i]) && keepItem(item[i])) kept++;
  const rows = new Int32Array(kept);
  const cols = new Int32Array(kept);
  const vals = new Float32Array(kept);
  let w = 0;
  for (let i = 0; i < n; i++) {
    const d = day[i];
    if (!(d < endDay)) continue;
    if (!keepUser(user[i]) || !keepItem(item[i])) continue;
    rows[w] = user[i];
    cols[w] = item[i];
    if (referenceDay !== null) {
      if (!Number.isFinite(d)) throw new CfInputError(`invalid day at row ${i}: ${d}; expected a finite day number`);
      // Future purchases (after the reference day) weigh at most 1.
      vals[w] = Math.exp(-decay * Math.max(0, referenceDay - d));
    } else vals[w] = 1;
    w++;
  }
  const counts = csrFromCoo(nUsers, nItems, rows, cols, vals, false);
  const weights = applyScheme(counts, opts);
  return { weights, filteredUsers, filteredItems, userCounts, itemCounts, referenceDay };
}

function applyScheme(m: Csr, opts: WeightOptions): Csr {
  switch (opts.weighting) {
    case 'count':
    case 'recency':
      return m;
    case 'bm25': {
      const k1 = opts.bm25K1 ?? 100;
      const b = opts.bm25B ?? 0.8;
      if (!(k1 >= 0)) throw new CfInputError(`invalid bm25K1: ${k1}; expected a number ≥ 0`);
      if (!(b >= 0 && b <= 1)) throw new CfInputError(`invalid bm25B: ${b}; expected a number in 0..1`);
      const idf = inverseDocumentFrequency(m);
      const rowSums = new Float64Array(m.nRows);
      let total = 0;
      for (let r = 0; r < m.nRows; r++) {
        for (let e = m.indptr[r]; e < m.indptr[r + 1]; e++) rowSums[r] += m.data[e];
        total += rowSums[r];
      }
      const avg = total / Math.max(1, m.nRows);
      const data = new Float32Array(m.data.length);
      for (let r = 0; r < m.nRows; r++) {
        const norm = 1 - b + (b * rowSums[r]) / avg;
        for (let e = m.indptr[r]; e < m.indptr[r + 1]; e++) {
          const x = m.data[e];
          data[e] = ((x * (k1 + 1)) / (k1 * norm + x)) * idf[m.indices[e]];
        }
      }
      return { ...m, data };
    }
    case 'tfidf': {
      const idf = inverseDocumentFrequency(m);
      const data = new Float32Array(m.data.length);
      for (let e = 0; e < data.length; e++) data[e] = Math.sqrt(m.data[e]) * idf[m.indices[e]];
      return { ...m, data };
    }
    default:
      return assertNever(opts.weighting, 'weighting');
  }
}

/** log(N) − log1p(users per item), clamped at 0 (N = users). */
function inverseDocumentFrequency(m: Csr): Float64Array {
  const df = new Int32Array(m.nCols);
  for (let e = 0; e < m.indices.length; e++) df[m.indices[e]]++;
  const logN = Math.log(Math.max(1, m.nRows));
  const idf = new Float64Array(m.nCols);
  for (let i = 0; i < m.nCols; i++) idf[i] = Math.max(0, logN - Math.log1p(df[i]));
  return idf;
}

/**
 * Confidence matrix c = 1 + alpha·w. Checks every weight once (finite, ≥ 0) and
 * throws naming the first bad (user, item) pair. With `out`, the values go
 * there (e.g. a view of the kernel's memory); indptr and indices are w's.
 */
export function confidenceFromWeights(w: Csr, alpha: number, out?: Float32Array): Csr {
  if (out && out.length !== w.data.length) throw new Error(`confidenceFromWeights: output of ${out.length} values; expected ${w.data.length}`);
  const data = out ?? new Float32Array(w.data.length);
  for (let r = 0; r < w.nRows; r++) {
    for (let e = w.indptr[r]; e < w.indptr[r + 1]; e++) {
      const v = w.data[e];
      if (!(Number.isFinite(v) && v >= 0)) {
        throw new CfInputError(`invalid weight for (user ${r}, item ${w.indices[e]}): ${v}; expected a finite number ≥ 0`);
      }
      data[e] = 1 + alpha * v;
      if (!Number.isFinite(data[e])) {
        throw new CfInputError(`invalid alpha: ${alpha}; confidence 1 + alpha × ${v} overflows float32 for (user ${r}, item ${w.indices[e]})`);
      }
    }
  }
  return { ...w, data };
}

function idsWhere(n: number, f: (i: number) => boolean): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (f(i)) out.push(i);
  return Int32Array.from(out);
}
