/**
 * Train/test splits of an InteractionLog. Both halves keep the full id space
 * (nUsers, nItems, keys), so a model trained on `train` scores ids of `test`.
 */
import type { InteractionLog } from './dataset';
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
