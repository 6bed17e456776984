/**
 * A tiny hand-made shop for the unit tests: 8 articles in two departments
 * and two indexes, 4 customers, purchases on days 1–5 (history) and day 10
 * (the test window), image neighbours (k = 2) and one-factor ALS factors.
 * The expected lists in recs.test.ts are worked out by hand from these.
 */
import type { InteractionLog, ItemCatalog } from '../data/dataset';
import { AlsModel } from '../cf/model';
import { DEFAULT_ALS_PARAMS } from '../cf/types';
import type { ItemNeighbours } from './types';

const KEYS = Array.from({ length: 8 }, (_, i) => `01000000${String(i + 1).padStart(2, '0')}`);

/** (day, user, item) rows, sorted by day. */
const ROWS: [number, number, number][] = [
  [1, 0, 0],
  [2, 0, 3],
  [2, 1, 0],
  [3, 1, 1],
  [3, 2, 4],
  [4, 1, 5],
  [5, 2, 0],
  [10, 0, 5],
  [10, 1, 7],
];

export function fixtureLog(): InteractionLog {
  return {
    nUsers: 4,
    nItems: 8,
    day: Int32Array.from(ROWS, (r) => r[0]),
    user: Int32Array.from(ROWS, (r) => r[1]),
    item: Int32Array.from(ROWS, (r) => r[2]),
    value: new Float32Array(ROWS.length).fill(1),
    userKeys: ['c0', 'c1', 'c2', 'c3'],
    itemKeys: KEYS,
  };
}

export function fixtureCatalog(): ItemCatalog {
  const none = KEYS.map(() => null);
  return {
    keys: KEYS,
    name: KEYS.map((k) => `article ${k}`),
    productType: none,
    productGroup: none,
    department: ['D1', 'D1', 'D1', 'D2', 'D2', 'D1', null, 'D2'],
    index: ['A', 'A', 'B', 'A', 'B', 'A', 'A', 'A'],
    indexGroup: none,
    colourGroup: none,
    graphicalAppearance: none,
    imageUrl: none,
  };
}

/** Neighbours by item (k = 2), best first. */
export function fixtureNeighbours(): ItemNeighbours {
  const nb: [number, number][][] = [
    [[1, 0.9], [5, 0.8]],
    [[0, 0.9], [2, 0.7]],
    [[1, 0.7], [4, 0.6]],
    [[7, 0.95], [4, 0.6]],
    [[2, 0.85], [3, 0.5]],
    [[0, 0.8], [6, 0.75]],
    [[5, 0.75], [0, 0.5]],
    [[3, 0.95], [4, 0.4]],
  ];
  return {
    nItems: 8,
    k: 2,
    items: Int32Array.from(nb.flat().map((e) => e[0])),
    scores: Float32Array.from(nb.flat().map((e) => e[1])),
  };
}

/**
 * One-factor ALS over the history before day 10: x = (1, 0, -1, 0) for users
 * c0..c3 (c3 has no purchases, so no factors), y = item factors below.
 */
export function fixtureModel(): AlsModel {
  const seen = [[0, 3], [0, 1, 5], [0, 4], []];
  const indptr = new Int32Array(5);
  seen.forEach((s, u) => (indptr[u + 1] = indptr[u] + s.length));
  return new AlsModel({
    params: { ...DEFAULT_ALS_PARAMS, factors: 1 },
    userFactors: Float32Array.from([1, 0, -1, 0]),
    itemFactors: Float32Array.from([0.5, 2, 0.1, 0.2, 1.5, 3, 0.3, 9]),
    seenIndptr: indptr,
    seenIndices: Int32Array.from(seen.flat()),
    filteredUsers: new Int32Array(0),
    filteredItems: new Int32Array(0),
    loss: new Float64Array(0),
  });
}
