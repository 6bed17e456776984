/**
 * Shared shapes of the hybrid recommender: per-customer purchase histories,
 * image-similar neighbours by dense item id, and recommendation lists that
 * remember which source filled each slot.
 */

/** Where a recommended item came from. */
export type RecSource = 'similar' | 'copurchase' | 'popular';

/** Every source, in fill order. */
export const REC_SOURCES: readonly RecSource[] = ['similar', 'copurchase', 'popular'];

/**
 * Distinct items each user bought, most recent first (ties: later row first).
 * Row u spans `items[indptr[u] .. indptr[u+1])`.
 */
export interface History {
  nUsers: number;
  nItems: number;
  indptr: Int32Array;
  items: Int32Array;
}

/**
 * The k image-similar neighbours of every item, by dense item id: item i's
 * neighbours are `items[i*k .. i*k+k)`, best first, padded with -1 (items
 * without a photo have none); `scores` are cosines at the same positions.
 */
export interface ItemNeighbours {
  nItems: number;
  k: number;
  items: Int32Array;
  scores: Float32Array;
}

/** A ranked list of items with a score per item (best first). */
export interface ScoredItems {
  items: number[];
  scores: number[];
}

/** One customer's recommendations: `items[j]` was filled by `sources[j]`. */
export interface RecList {
  items: number[];
  sources: RecSource[];
}

/** Orders a user's candidates best first (e.g. `AlsModel.rankItems`); null when the user cannot be scored. */
export type CandidateRanker = (user: number, candidates: readonly number[]) => number[] | null;

/** Raised for bad inputs, naming the field and value. */
export class RecsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecsInputError';
  }
}
