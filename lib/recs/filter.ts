/**
 * The seeds' candidate filter as a pure function over the catalogue: keep a
 * candidate when its department AND its index are among those the customer
 * bought from. Same contract as lib/graph/candidates.ts (order kept,
 * duplicates dropped, items with an unknown department or index dropped), so
 * it stands in when Neo4j is not loaded.
 */
import type { ItemCatalog } from '../data/dataset';

/** Department and index per dense item id (null when unknown). */
export type Places = Pick<ItemCatalog, 'department' | 'index'>;

/** Keeps the candidates whose department and index the customer (`bought`) has bought from. */
export function filterByPlace(candidates: ArrayLike<number>, bought: ArrayLike<number>, places: Places): number[] {
  const depts = new Set<string>();
  const idxs = new Set<string>();
  for (let b = 0; b < bought.length; b++) {
    const d = places.department[bought[b]];
    const x = places.index[bought[b]];
    if (d != null) depts.add(d);
    if (x != null) idxs.add(x);
  }
  const seen = new Set<number>();
  const kept: number[] = [];
  for (let c = 0; c < candidates.length; c++) {
    const i = candidates[c];
    if (seen.has(i)) continue;
    seen.add(i);
    const d = places.department[i];
    const x = places.index[i];
    if (d != null && x != null && depts.has(d) && idxs.has(x)) kept.push(i);
  }
  return kept;
}
