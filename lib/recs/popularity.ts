/**
 * The popularity fallback: the items bought most (units, repeated rows
 * counting) in the last N days before a date, as the H&M Kaggle baselines did.
 */
import type { InteractionLog } from '../data/dataset';
import { RecsInputError } from './types';

/**
 * The `k` items with the most rows in `[endDay - days, endDay)`, best first;
 * ties go to the smaller item key. When the window holds fewer than k items,
 * the rest come from all rows before endDay by the same order.
 */
export function popularBefore(log: InteractionLog, endDay: number, days: number, k: number): number[] {
  if (!(Number.isInteger(days) && days >= 1)) throw new RecsInputError(`invalid days: ${days}; expected a whole number ≥ 1`);
  if (!(Number.isInteger(k) && k >= 1)) throw new RecsInputError(`invalid k: ${k}; expected a whole number ≥ 1`);
  if (Number.isNaN(endDay)) throw new RecsInputError(`invalid endDay: ${endDay}; expected a day number or Infinity`);
  const recent = new Float64Array(log.nItems);
  const all = new Float64Array(log.nItems);
  let last = -Infinity;
  for (let r = 0; r < log.day.length; r++) if (log.day[r] < endDay) last = Math.max(last, log.day[r]);
  // With endDay = Infinity the window ends after the last day bought.
  const end = Number.isFinite(endDay) ? endDay : last + 1;
  for (let r = 0; r < log.day.length; r++) {
    const d = log.day[r];
    if (!(d < end)) continue;
    all[log.item[r]]++;
    if (d >= end - days) recent[log.item[r]]++;
  }
  const keys = log.itemKeys;
  const order = (c: Float64Array) =>
    Array.from({ length: log.nItems }, (_, i) => i)
      .filter((i) => c[i] > 0)
      .sort((a, b) => c[b] - c[a] || (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  const out = order(recent).slice(0, k);
  if (out.length < k) {
    const have = new Set(out);
    for (const i of order(all)) {
      if (out.length >= k) break;
      if (!have.has(i)) out.push(i);
    }
  }
  return out;
}
