/**
 * Dense id maps: original keys (64-hex customer ids, zero-padded article ids,
 * MovieLens integers as text) to 0-based integers and back.
 */

/** A bijection between keys and 0..n-1. */
export interface IdMap {
  /** Key of each dense id. */
  keys: string[];
  index: Map<string, number>;
}

/** Builds a map over the distinct non-null keys, in sorted order (default) or first-seen order. */
export function buildIdMap(keys: Iterable<string | null>, order: 'sorted' | 'first-seen' = 'sorted'): IdMap {
  const seen = new Set<string>();
  for (const k of keys) if (k !== null) seen.add(k);
  const list = [...seen];
  if (order === 'sorted') list.sort();
  const index = new Map<string, number>();
  list.forEach((k, i) => index.set(k, i));
  return { keys: list, index };
}

/** Dense ids for keys; unknown or null keys get -1 and are counted. */
export function encodeIds(map: IdMap, keys: ArrayLike<string | null>): { ids: Int32Array; missing: number } {
  const ids = new Int32Array(keys.length);
  let missing = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const id = k === null ? undefined : map.index.get(k);
    if (id === undefined) {
      ids[i] = -1;
      missing++;
    } else ids[i] = id;
  }
  return { ids, missing };
}

/** Renumbers the ids flagged in `used` to 0..k-1 (keeping order); returns old→new (-1 when unused) and the kept old ids. */
export function compactIds(used: Uint8Array): { remap: Int32Array; kept: Int32Array } {
  const remap = new Int32Array(used.length).fill(-1);
  let k = 0;
  for (let i = 0; i < used.length; i++) if (used[i]) remap[i] = k++;
  const kept = new Int32Array(k);
  for (let i = 0; i < used.length; i++) if (used[i]) kept[remap[i]] = i;
  return { remap, kept };
}
