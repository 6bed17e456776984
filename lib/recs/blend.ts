/**
 * Fills a list of k slots from sources in order (hybrid first, then the
 * fallbacks), skipping duplicates and excluded items, and records which
 * source filled each slot.
 */
import { RecsInputError, type RecList, type RecSource } from './types';

/** One source's ranked items. */
export interface SourceList {
  source: RecSource;
  items: ArrayLike<number>;
}

/** Takes items from each source in turn until k slots are filled. */
export function blend(k: number, sources: readonly SourceList[], exclude: ReadonlySet<number> = new Set()): RecList {
  if (!(Number.isInteger(k) && k >= 1)) throw new RecsInputError(`invalid k: ${k}; expected a whole number ≥ 1`);
  const out: RecList = { items: [], sources: [] };
  const used = new Set<number>();
  for (const s of sources) {
    for (let j = 0; j < s.items.length && out.items.length < k; j++) {
      const i = s.items[j];
      if (used.has(i) || exclude.has(i)) continue;
      used.add(i);
      out.items.push(i);
      out.sources.push(s.source);
    }
    if (out.items.length >= k) break;
  }
  return out;
}

/** Slots filled per source over many lists. */
export function sourceCounts(lists: readonly RecList[]): Record<RecSource, number> {
  const c: Record<RecSource, number> = { similar: 0, copurchase: 0, popular: 0 };
  for (const l of lists) for (const s of l.sources) c[s]++;
  return c;
}
