/**
 * Purchase histories as of a date: the distinct items each user bought
 * before `endDay` (exclusive), most recent first, and the inverse lists
 * (the users who bought each item), which co-purchase counting walks.
 */
import type { InteractionLog } from '../data/dataset';
import { RecsInputError, type History } from './types';

/**
 * Distinct items per user from the log's rows with `day < endDay` (all rows
 * when endDay is Infinity), most recent first; ties on the day keep the later
 * row first (the log is sorted by day, so that is the later-entered row).
 */
export function historyBefore(log: InteractionLog, endDay = Infinity): History {
  if (Number.isNaN(endDay)) throw new RecsInputError(`invalid endDay: ${endDay}; expected a day number or Infinity`);
  const { nUsers, nItems, user, item, day } = log;
  // Typed throughout (no array or Set per customer): the rows before endDay bucketed by user, latest row
  // first, then each bucket deduplicated in place with an item stamp, keeping the first (latest) occurrence.
  const indptr = new Int32Array(nUsers + 1);
  for (let r = 0; r < user.length; r++) if (day[r] < endDay) indptr[user[r] + 1]++;
  for (let u = 0; u < nUsers; u++) indptr[u + 1] += indptr[u];
  const rows = new Int32Array(indptr[nUsers]);
  const at = indptr.slice(0, nUsers);
  for (let r = user.length - 1; r >= 0; r--) if (day[r] < endDay) rows[at[user[r]]++] = item[r];
  const stamp = new Int32Array(nItems).fill(-1);
  let w = 0;
  for (let u = 0; u < nUsers; u++) {
    const from = indptr[u];
    const to = indptr[u + 1];
    indptr[u] = w;
    for (let e = from; e < to; e++) {
      const i = rows[e];
      if (stamp[i] === u) continue;
      stamp[i] = u;
      rows[w++] = i;
    }
  }
  indptr[nUsers] = w;
  return { nUsers, nItems, indptr, items: rows.slice(0, w) };
}

/** User u's distinct purchases, most recent first. */
export function boughtBy(h: History, u: number): Int32Array {
  if (!(Number.isInteger(u) && u >= 0 && u < h.nUsers)) throw new RecsInputError(`invalid user: ${u}; expected 0..${h.nUsers - 1}`);
  return h.items.subarray(h.indptr[u], h.indptr[u + 1]);
}

/** The users who bought each item (ascending user ids); item i spans `users[indptr[i] .. indptr[i+1])`. */
export interface Buyers {
  indptr: Int32Array;
  users: Int32Array;
}

/** Inverts a history: buyers of every item. */
export function buyersOf(h: History): Buyers {
  const indptr = new Int32Array(h.nItems + 1);
  for (let e = 0; e < h.items.length; e++) indptr[h.items[e] + 1]++;
  for (let i = 0; i < h.nItems; i++) indptr[i + 1] += indptr[i];
  const users = new Int32Array(h.items.length);
  const at = indptr.slice(0, h.nItems);
  for (let u = 0; u < h.nUsers; u++) for (let e = h.indptr[u]; e < h.indptr[u + 1]; e++) users[at[h.items[e]]++] = u;
  return { indptr, users };
}

/**
 * Number of distinct (user, item, day, channel) tuples: the PURCHASED relationships the graph load
 * makes from the log (lib/graph/rows.ts purchaseRows; channel 0 when the log has none), counted
 * without building the rows (hm-scale logs have millions).
 */
export function countDailyPurchases(log: InteractionLog): number {
  let total = 0;
  let day = Number.NaN;
  let seen = new Set<number>();
  const ch = log.channel;
  // Rows are sorted by day, so one set per day suffices; (user, item) < 2^45 here, times 256 channels < 2^53.
  for (let r = 0; r < log.user.length; r++) {
    if (log.day[r] !== day) {
      total += seen.size;
      seen = new Set<number>();
      day = log.day[r];
    }
    const pair = log.user[r] * log.nItems + log.item[r];
    seen.add(ch ? pair * 256 + ch[r] : pair);
  }
  return total + seen.size;
}
