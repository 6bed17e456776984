/**
 * Per-article and per-pair signals computed from an as-of view, shared by the
 * baselines and the two-stage features: time-decayed trending scores (as
 * Kaggle's "trending products" notebooks), rows per recent week, and
 * bought-together counts (items bought by the same customer within a few days).
 */
import { RecsInputError } from '../types';
import type { AsOfView } from './asof';

/** Kaggle's decay of a purchase x days before the cutoff (x ≥ 1): a/√x + b·e^(−cx) − d, clipped at 0. */
export function kaggleDecay(x: number): number {
  const a = 2.5e4;
  const b = 1.5e5;
  const c = 2e-1;
  const d = 1e3;
  return Math.max(0, a / Math.sqrt(x) + b * Math.exp(-c * x) - d);
}

/** Rows per article in each of the `weeks` weeks before the cutoff: `counts[w * nItems + i]`, w = 0 the last week. */
export function weeklyCounts(view: AsOfView, weeks: number): Float64Array {
  const n = view.log.nItems;
  const out = new Float64Array(weeks * n);
  const { day, item } = view.log;
  for (let r = 0; r < day.length; r++) {
    const w = Math.floor((view.cutoff - 1 - day[r]) / 7);
    if (w >= 0 && w < weeks) out[w * n + item[r]]++;
  }
  return out;
}

/**
 * The trend-weighted value of each purchase row in the last `weeks` weeks (0 for older rows):
 * decay(days before the cutoff) × (article's rows in the last week / its rows in the row's week),
 * the "value" of Kaggle's trending notebook.
 */
export function trendValues(view: AsOfView, weeks = 4): Float64Array {
  if (!(Number.isInteger(weeks) && weeks >= 1)) throw new RecsInputError(`invalid weeks: ${weeks}; expected a whole number ≥ 1`);
  const n = view.log.nItems;
  const counts = weeklyCounts(view, weeks);
  const { day, item } = view.log;
  const v = new Float64Array(day.length);
  for (let r = 0; r < day.length; r++) {
    const x = view.cutoff - day[r];
    const w = Math.floor((x - 1) / 7);
    if (w < 0 || w >= weeks) continue;
    const i = item[r];
    v[r] = (kaggleDecay(x) * counts[i]) / counts[w * n + i];
  }
  return v;
}

/** Trending score per article: the sum of its rows' trend values. */
export function trendingScores(view: AsOfView, weeks = 4): Float64Array {
  const v = trendValues(view, weeks);
  const s = new Float64Array(view.log.nItems);
  for (let r = 0; r < v.length; r++) s[view.log.item[r]] += v[r];
  return s;
}

/** Pool articles ordered by a score (best first; ties: the view's fallback order). */
export function rankPool(view: AsOfView, score: ArrayLike<number>): number[] {
  const pos = new Int32Array(view.log.nItems);
  view.fallback.forEach((i, j) => (pos[i] = j));
  return [...view.poolItems].sort((a, b) => score[b] - score[a] || pos[a] - pos[b]);
}

/** Sparse symmetric counts: `get(a)` maps each partner b to the number of customers who bought a and b within the window. */
export type PairCounts = Map<number, Map<number, number>>;

/**
 * Bought-together counts over the last `weeks` weeks before the cutoff: for each customer,
 * every pair of distinct articles they bought at most `windowDays` apart counts once.
 */
export function boughtTogetherCounts(view: AsOfView, weeks = 12, windowDays = 7): PairCounts {
  const { day, item, user } = view.log;
  const from = view.cutoff - 7 * weeks;
  const rows = new Map<number, number[]>();
  for (let r = 0; r < day.length; r++) if (day[r] >= from) (rows.get(user[r]) ?? rows.set(user[r], []).get(user[r])!).push(r);
  const counts: PairCounts = new Map();
  const bump = (a: number, b: number) => {
    let m = counts.get(a);
    if (!m) counts.set(a, (m = new Map()));
    m.set(b, (m.get(b) ?? 0) + 1);
  };
  for (const rs of rows.values()) {
    const seen = new Set<number>();
    for (let x = 0; x < rs.length; x++) {
      for (let y = x + 1; y < rs.length; y++) {
        const a = item[rs[x]];
        const b = item[rs[y]];
        if (a === b || Math.abs(day[rs[x]] - day[rs[y]]) > windowDays) continue;
        const key = a < b ? a * 1e7 + b : b * 1e7 + a;
        if (seen.has(key)) continue;
        seen.add(key);
        bump(a, b);
        bump(b, a);
      }
    }
  }
  return counts;
}

/** Scores of the bought-together neighbours of `recent` (summed counts), excluding nothing. */
export function boughtTogetherScores(counts: PairCounts, recent: ArrayLike<number>): Map<number, number> {
  const out = new Map<number, number>();
  for (let j = 0; j < recent.length; j++) for (const [b, c] of counts.get(recent[j]) ?? []) out.set(b, (out.get(b) ?? 0) + c);
  return out;
}
