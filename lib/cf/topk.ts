/**
 * Top-n selection over a score vector with a size-n min-heap: O(m log n),
 * no full sort. Ties go to the lower id, so results are deterministic.
 */

/** Ids of the n best scores (best first); `skip(i)` true drops candidate i. */
export function topN(
  scores: ArrayLike<number>,
  n: number,
  skip?: (i: number) => boolean,
  ids?: ArrayLike<number>,
): { items: Int32Array; scores: Float32Array } {
  const m = ids ? ids.length : scores.length;
  const heapIds = new Int32Array(Math.max(0, n));
  const heapScores = new Float64Array(Math.max(0, n));
  let size = 0;
  // "a is worse than b": lower score, or equal score and higher id.
  const worse = (sa: number, ia: number, sb: number, ib: number) => sa < sb || (sa === sb && ia > ib);
  const siftDown = (at: number) => {
    for (;;) {
      const l = 2 * at + 1;
      const r = l + 1;
      let w = at;
      if (l < size && worse(heapScores[l], heapIds[l], heapScores[w], heapIds[w])) w = l;
      if (r < size && worse(heapScores[r], heapIds[r], heapScores[w], heapIds[w])) w = r;
      if (w === at) return;
      swap(at, w);
      at = w;
    }
  };
  const swap = (a: number, b: number) => {
    const ti = heapIds[a];
    heapIds[a] = heapIds[b];
    heapIds[b] = ti;
    const ts = heapScores[a];
    heapScores[a] = heapScores[b];
    heapScores[b] = ts;
  };
  for (let j = 0; j < m; j++) {
    const id = ids ? ids[j] : j;
    if (skip && skip(id)) continue;
    const s = ids ? scores[j] : scores[id];
    if (Number.isNaN(s)) continue;
    if (size < n) {
      heapIds[size] = id;
      heapScores[size] = s;
      let at = size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!worse(heapScores[at], heapIds[at], heapScores[parent], heapIds[parent])) break;
        swap(at, parent);
        at = parent;
      }
    } else if (n > 0 && worse(heapScores[0], heapIds[0], s, id)) {
      heapIds[0] = id;
      heapScores[0] = s;
      siftDown(0);
    }
  }
  const items = new Int32Array(size);
  const out = new Float32Array(size);
  for (let k = size - 1; k >= 0; k--) {
    items[k] = heapIds[0];
    out[k] = heapScores[0];
    heapIds[0] = heapIds[size - 1];
    heapScores[0] = heapScores[size - 1];
    size--;
    siftDown(0);
  }
  return { items, scores: out };
}
