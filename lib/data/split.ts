/**
 * Train/test splits of an InteractionLog. Both halves keep the full id space
 * (nUsers, nItems, keys), so a model trained on `train` scores ids of `test`.
 */
import type { InteractionLog } from './dataset';
import { mulberry32 } from '../util/random';
import { subsetRows } from './interactions';

/** A split into two logs over the same ids. */
export interface Split {
  train: InteractionLog;
  test: InteractionLog;
  /** First test day (time splits) or null (leave-last-out). */
  cutoffDay: number | null;
}

function lastDay(log: InteractionLog): number {
  let m = -Infinity;
  for (let i = 0; i < log.day.length; i++) m = Math.max(m, log.day[i]);
  return m;
}

function byCutoff(log: InteractionLog, cutoff: number): Split {
  const n = log.day.length;
  const test = new Uint8Array(n);
  const train = new Uint8Array(n);
  for (let i = 0; i < n; i++) (log.day[i] >= cutoff ? test : train)[i] = 1;
  return { train: subsetRows(log, train), test: subsetRows(log, test), cutoffDay: cutoff };
}

/** The last `days` days (counted back from the last day in the log) are the test set; H&M uses 7. */
export function splitLastDays(log: InteractionLog, days: number): Split {
  if (!(Number.isInteger(days) && days >= 1)) throw new Error(`invalid days: ${days}; expected a whole number ≥ 1`);
  if (log.day.length === 0) throw new Error('invalid log: no interactions; expected at least one to split');
  return byCutoff(log, lastDay(log) - days + 1);
}

/** The last `fraction` of the time span is the test set (time-based, not row-based). */
export function splitLastFraction(log: InteractionLog, fraction: number): Split {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`invalid fraction: ${fraction}; expected a number in (0, 1)`);
  if (log.day.length === 0) throw new Error('invalid log: no interactions; expected at least one to split');
  let first = Infinity;
  for (let i = 0; i < log.day.length; i++) first = Math.min(first, log.day[i]);
  const last = lastDay(log);
  return byCutoff(log, Math.ceil(last - fraction * (last - first + 1) + 1));
}

/** Each user's last interaction (latest day; the later row on ties) is held out; users with one row stay in train. */
export function leaveLastOut(log: InteractionLog): Split {
  const n = log.user.length;
  const lastRow = new Int32Array(log.nUsers).fill(-1);
  const count = new Int32Array(log.nUsers);
  for (let i = 0; i < n; i++) {
    const u = log.user[i];
    count[u]++;
    const j = lastRow[u];
    if (j < 0 || log.day[i] >= log.day[j]) lastRow[u] = i;
  }
  const test = new Uint8Array(n);
  for (let u = 0; u < log.nUsers; u++) if (lastRow[u] >= 0 && count[u] >= 2) test[lastRow[u]] = 1;
  const train = new Uint8Array(n);
  for (let i = 0; i < n; i++) train[i] = test[i] ? 0 : 1;
  return { train: subsetRows(log, train), test: subsetRows(log, test), cutoffDay: null };
}

/** True when the log's rows span more than one day (ASOS, for one, has no dates: every row is day 0). */
export function hasDates(log: InteractionLog): boolean {
  for (let i = 1; i < log.day.length; i++) if (log.day[i] !== log.day[0]) return true;
  return false;
}

/**
 * Test flags for a seeded random holdout per user: a user with n ≥ minRows
 * (and ≥ 2) rows holds out round(share·n) of them (at least 1, at most n - 1);
 * other users stay in train.
 */
export function randomHoldoutMask(user: ArrayLike<number>, nUsers: number, share: number, seed: number, minRows = 2): Uint8Array {
  if (!(share > 0 && share < 1)) throw new Error(`invalid share: ${share}; expected a number in (0, 1)`);
  const rows: number[][] = Array.from({ length: nUsers }, () => []);
  for (let i = 0; i < user.length; i++) rows[user[i]].push(i);
  const rand = mulberry32(seed);
  const test = new Uint8Array(user.length);
  for (const rs of rows) {
    if (rs.length < Math.max(2, minRows)) continue;
    for (let k = rs.length - 1; k > 0; k--) {
      const j = Math.floor(rand() * (k + 1));
      [rs[k], rs[j]] = [rs[j], rs[k]];
    }
    const nTest = Math.min(rs.length - 1, Math.max(1, Math.round(rs.length * share)));
    for (let k = 0; k < nTest; k++) test[rs[k]] = 1;
  }
  return test;
}

/** For logs without dates: a seeded random holdout per user (randomHoldoutMask); users with one row stay in train. */
export function randomHoldoutPerUser(log: InteractionLog, share: number, seed: number): Split {
  if (log.user.length === 0) throw new Error('invalid log: no interactions; expected at least one to split');
  const test = randomHoldoutMask(log.user, log.nUsers, share, seed);
  return { train: subsetRows(log, test.map((t) => 1 - t)), test: subsetRows(log, test), cutoffDay: null };
}
