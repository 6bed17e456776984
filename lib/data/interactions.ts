/**
 * Builders of the InteractionLog that every model cell reads, plus the
 * pure transformations on it: subsets, min-count filters, weights and the
 * user × item matrix.
 */
import { csrFromCoo, type Csr } from './csr';
import type { InteractionLog } from './dataset';
import { buildIdMap, compactIds, encodeIds } from './idmap';

/**
 * Accumulates interactions chunk by chunk against known key lists, then
 * compacts to the users and items that occur and sorts rows by day (stable).
 * Used for hm-scale streams as well as for small in-memory tables.
 */
export class InteractionLogBuilder {
  private users: Int32Array[] = [];
  private items: Int32Array[] = [];
  private days: Int32Array[] = [];
  private values: Float32Array[] = [];
  private channels: Uint8Array[] = [];
  private n = 0;
  /** Whether the chunks carry a sales channel (null before the first chunk). */
  private hasChannel: boolean | null = null;
  /** After finish(): per user and item of the log, its index in the key lists given to the constructor. */
  kept: { users: Int32Array; items: Int32Array } | null = null;
  /** The columns at their final size, when the row count was given. */
  private full: { user: Int32Array; item: Int32Array; day: Int32Array; value: Float32Array; channel?: Uint8Array } | null = null;

  /**
   * `rows`, when known (the hm-scale demo's generator knows it), allocates the log's columns once at that
   * size: chunks are copied in as they come, and finish() neither keeps the chunks nor concatenates them
   * (at H&M scale 127 MB less at the peak; exactly `rows` rows must then be added).
   */
  constructor(
    readonly userKeys: readonly string[],
    readonly itemKeys: readonly string[],
    private readonly rows?: number,
  ) {
    if (rows !== undefined && !(Number.isInteger(rows) && rows >= 0)) throw new Error(`invalid row count: ${rows}; expected a whole number ≥ 0`);
  }

  /**
   * Adds rows given as indices into the key lists, with their sales channel when the source has one
   * (every chunk or none: the log's `channel` is all or nothing).
   */
  add(user: Int32Array, item: Int32Array, day: Int32Array, value: ArrayLike<number>, channel?: ArrayLike<number> | null): void {
    const m = user.length;
    if (item.length !== m || day.length !== m || value.length !== m) {
      throw new Error(`invalid chunk: user ${m}, item ${item.length}, day ${day.length}, value ${value.length}; expected equal lengths`);
    }
    if (channel && channel.length !== m) throw new Error(`invalid chunk: channel ${channel.length}; expected ${m} (user)`);
    if (this.hasChannel !== null && Boolean(channel) !== this.hasChannel) {
      throw new Error(`invalid chunk at row ${this.n}: ${channel ? 'has' : 'lacks'} a sales channel; expected every chunk to have one or none`);
    }
    if (this.rows !== undefined && this.n + m > this.rows) throw new Error(`invalid chunk at row ${this.n}: ${m} rows; expected at most ${this.rows - this.n} more (${this.rows} in all)`);
    if (channel) {
      for (let i = 0; i < m; i++) {
        const c = channel[i];
        if (!(Number.isInteger(c) && c >= 0 && c <= 255)) throw new Error(`invalid sales_channel_id at row ${this.n + i}: ${c}; expected an integer in 0..255`);
      }
    }
    for (let i = 0; i < m; i++) {
      if (!(user[i] >= 0 && user[i] < this.userKeys.length)) throw new Error(`invalid user index at row ${this.n + i}: ${user[i]}; expected 0..${this.userKeys.length - 1}`);
      if (!(item[i] >= 0 && item[i] < this.itemKeys.length)) throw new Error(`invalid item index at row ${this.n + i}: ${item[i]}; expected 0..${this.itemKeys.length - 1}`);
    }
    this.hasChannel = Boolean(channel);
    if (this.rows !== undefined) {
      const n = this.rows;
      this.full ??= { user: new Int32Array(n), item: new Int32Array(n), day: new Int32Array(n), value: new Float32Array(n), ...(channel ? { channel: new Uint8Array(n) } : {}) };
      const f = this.full;
      f.user.set(user, this.n);
      f.item.set(item, this.n);
      f.day.set(day, this.n);
      for (let i = 0; i < m; i++) f.value[this.n + i] = value[i];
      if (channel) for (let i = 0; i < m; i++) f.channel![this.n + i] = channel[i];
    } else {
      this.users.push(user);
      this.items.push(item);
      this.days.push(day);
      this.values.push(Float32Array.from(value));
      if (channel) this.channels.push(Uint8Array.from(channel));
    }
    this.n += m;
  }

  /** The log over the users and items that occur, rows sorted by day. Call once: the builder gives its chunks up. */
  finish(): InteractionLog {
    const cat = <T extends Int32Array | Float32Array | Uint8Array>(parts: T[], make: (n: number) => T): T => {
      const out = make(this.n);
      let at = 0;
      for (const p of parts) out.set(p, at), (at += p.length);
      // Drop the chunks as soon as they are copied: at H&M scale each column is 127 MB, and holding every chunk until
      // the end would double the log's memory.
      parts.length = 0;
      return out;
    };
    if (this.rows !== undefined && this.n !== this.rows) throw new Error(`invalid log: ${this.n} rows added; expected ${this.rows}`);
    const f = this.full;
    this.full = null;
    const user = f ? f.user : cat(this.users, (n) => new Int32Array(n));
    const item = f ? f.item : cat(this.items, (n) => new Int32Array(n));
    const day = f ? f.day : cat(this.days, (n) => new Int32Array(n));
    const value = f ? f.value : cat(this.values, (n) => new Float32Array(n));
    const channel = f ? f.channel : this.channels.length ? cat(this.channels, (n) => new Uint8Array(n)) : undefined;
    const usedU = new Uint8Array(this.userKeys.length);
    const usedI = new Uint8Array(this.itemKeys.length);
    for (let i = 0; i < this.n; i++) (usedU[user[i]] = 1), (usedI[item[i]] = 1);
    const u = compactIds(usedU);
    const it = compactIds(usedI);
    for (let i = 0; i < this.n; i++) (user[i] = u.remap[user[i]]), (item[i] = it.remap[item[i]]);
    this.kept = { users: u.kept, items: it.kept };
    const log: InteractionLog = {
      nUsers: u.kept.length,
      nItems: it.kept.length,
      user, item, day, value,
      ...(channel ? { channel } : {}),
      userKeys: Array.from(u.kept, (k) => this.userKeys[k]),
      itemKeys: Array.from(it.kept, (k) => this.itemKeys[k]),
    };
    return sortByDay(log);
  }
}

/** Builds a log from key columns; rows with a null key are rejected with their row number. */
export function buildInteractionLog(rows: { user: ArrayLike<string | null>; item: ArrayLike<string | null>; day: ArrayLike<number>; value?: ArrayLike<number>; channel?: ArrayLike<number> | null }): InteractionLog {
  const n = rows.user.length;
  const users = buildIdMap(Array.from(rows.user));
  const items = buildIdMap(Array.from(rows.item));
  const u = encodeIds(users, rows.user);
  const it = encodeIds(items, rows.item);
  for (let i = 0; i < n; i++) {
    if (u.ids[i] < 0) throw new Error(`invalid user key at row ${i + 1}: ${rows.user[i]}; expected a non-empty id`);
    if (it.ids[i] < 0) throw new Error(`invalid item key at row ${i + 1}: ${rows.item[i]}; expected a non-empty id`);
  }
  const b = new InteractionLogBuilder(users.keys, items.keys);
  b.add(u.ids, it.ids, Int32Array.from(rows.day), rows.value ?? new Float32Array(n).fill(1), rows.channel);
  return b.finish();
}

/** Stable sort of the rows by day (no-op when already sorted). */
export function sortByDay(log: InteractionLog): InteractionLog {
  let sorted = true;
  for (let i = 1; i < log.day.length && sorted; i++) if (log.day[i] < log.day[i - 1]) sorted = false;
  if (sorted) return log;
  const order = Array.from({ length: log.day.length }, (_, i) => i).sort((a, b) => log.day[a] - log.day[b] || a - b);
  return permute(log, Int32Array.from(order));
}

function permute(log: InteractionLog, order: Int32Array): InteractionLog {
  const m = order.length;
  const user = new Int32Array(m);
  const item = new Int32Array(m);
  const day = new Int32Array(m);
  const value = new Float32Array(m);
  const channel = log.channel ? new Uint8Array(m) : undefined;
  for (let k = 0; k < m; k++) {
    const i = order[k];
    user[k] = log.user[i];
    item[k] = log.item[i];
    day[k] = log.day[i];
    value[k] = log.value[i];
    if (channel) channel[k] = log.channel![i];
  }
  return { ...log, user, item, day, value, ...(channel ? { channel } : {}) };
}

/**
 * The rows flagged in `keep`, in the same id space (nUsers, nItems and keys unchanged); new arrays, never views of
 * the log's. Kept rows that form one run (a date split of a day-ordered log, as the Data cell makes) are copied as
 * that range; others through an index of the kept rows, typed and sized by a first count (no growing JS array: at
 * H&M scale that list of ~31M numbers was several hundred MB on top of the copy).
 */
export function subsetRows(log: InteractionLog, keep: Uint8Array): InteractionLog {
  if (keep.length !== log.user.length) throw new Error(`invalid mask length: ${keep.length}; expected ${log.user.length}`);
  let m = 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
    m++;
    if (first < 0) first = i;
    last = i;
  }
  if (m > 0 && last - first + 1 === m) {
    const [a, b] = [first, last + 1];
    return { ...log, user: log.user.slice(a, b), item: log.item.slice(a, b), day: log.day.slice(a, b), value: new Float32Array(log.value.subarray(a, b)), ...(log.channel ? { channel: log.channel.slice(a, b) } : {}) };
  }
  const order = new Int32Array(m);
  for (let i = 0, k = 0; i < keep.length; i++) if (keep[i]) order[k++] = i;
  return permute(log, order);
}

/** Renumbers users and items to those that occur (keys follow). */
export function compactLog(log: InteractionLog): InteractionLog {
  const b = new InteractionLogBuilder(log.userKeys, log.itemKeys);
  b.add(log.user, log.item, log.day, log.value, log.channel);
  return b.finish();
}

/** Min-count filter options: users and items with fewer rows are dropped. */
export interface MinCounts {
  minUser: number;
  minItem: number;
  /** Repeat until both hold at once (a k-core); default true. */
  iterate?: boolean;
}

/** Drops users and items with too few interactions (repeated rows count) and re-densifies ids. */
export function filterMinCounts(log: InteractionLog, o: MinCounts): InteractionLog {
  for (const [k, v] of Object.entries({ minUser: o.minUser, minItem: o.minItem })) {
    if (!(Number.isInteger(v) && v >= 0)) throw new Error(`invalid ${k}: ${v}; expected a whole number ≥ 0`);
  }
  let cur = log;
  for (;;) {
    const uc = new Int32Array(cur.nUsers);
    const ic = new Int32Array(cur.nItems);
    for (let i = 0; i < cur.user.length; i++) uc[cur.user[i]]++, ic[cur.item[i]]++;
    const keep = new Uint8Array(cur.user.length);
    let dropped = 0;
    for (let i = 0; i < keep.length; i++) {
      keep[i] = uc[cur.user[i]] >= o.minUser && ic[cur.item[i]] >= o.minItem ? 1 : 0;
      if (!keep[i]) dropped++;
    }
    cur = compactLog(subsetRows(cur, keep));
    if (dropped === 0 || o.iterate === false || cur.user.length === 0) return cur;
  }
}

/** How rows become matrix weights. */
export type WeightScheme =
  | { kind: 'count' }
  /** 0.5^((refDay - day) / halfLifeDays); refDay defaults to the last day in the log. */
  | { kind: 'recency'; halfLifeDays: number; refDay?: number }
  /** The row's value (a rating, or a price). */
  | { kind: 'value' };

/** Per-row weights under a scheme. */
export function rowWeights(log: InteractionLog, scheme: WeightScheme): Float32Array {
  const n = log.user.length;
  const w = new Float32Array(n);
  switch (scheme.kind) {
    case 'count':
      w.fill(1);
      return w;
    case 'value':
      w.set(log.value);
      return w;
    case 'recency': {
      if (!(scheme.halfLifeDays > 0)) throw new Error(`invalid halfLifeDays: ${scheme.halfLifeDays}; expected a number > 0`);
      let ref = scheme.refDay ?? -Infinity;
      if (scheme.refDay === undefined) for (let i = 0; i < n; i++) ref = Math.max(ref, log.day[i]);
      for (let i = 0; i < n; i++) w[i] = Math.pow(0.5, Math.max(0, ref - log.day[i]) / scheme.halfLifeDays);
      return w;
    }
  }
}

/** The users × items matrix with weights summed over repeated rows. */
export function interactionMatrix(log: InteractionLog, scheme: WeightScheme = { kind: 'count' }): Csr {
  return csrFromCoo(log.nUsers, log.nItems, log.user, log.item, rowWeights(log, scheme));
}
