/**
 * The per-customer explainer of the two-stage recommender at one cutoff:
 * the customer's 12 recommendations with the candidate sources that proposed
 * each (or the popularity fill), each source's score, the ranker's score,
 * the feature row, and what the customer bought in the test week.
 */
import type { AlsModel } from '../../cf';
import type { InteractionLog } from '../../data/dataset';
import { asOfView, type AsOfView, type CatalogView } from '../backtest/asof';
import { dateSplit } from '../backtest/split';
import { CANDIDATE_SOURCES, generateCandidates } from '../twostage/candidates';
import { buildFeatures, FEATURE_NAMES } from '../twostage/features';
import { contextOf, rankedLists } from '../twostage/pipeline';
import { testTruth } from '../strategies';
import type { ItemNeighbours } from '../types';

/** Bit of the popularity fill in `Explanation.sources` (the candidate sources use bits 0 .. CANDIDATE_SOURCES.length − 1). */
export const FILL_BIT = CANDIDATE_SOURCES.length;

/** One customer's recommendations, explained. */
export interface Explanation {
  cutoff: number;
  user: number;
  items: Int32Array;
  /** Bit s set: CANDIDATE_SOURCES[s] proposed the item; FILL_BIT: completed from popularity. */
  sources: Int32Array;
  /** Ranker score per item (NaN for fill). */
  scores: Float64Array;
  /** Each source's score per item: `sourceScores[j * S + s]` (NaN: not proposed). */
  sourceScores: Float32Array;
  /** Feature row per item (`features[j * F + f]`, FEATURE_NAMES order; NaN for fill). */
  features: Float32Array;
  /** Distinct articles the customer bought in the test week. */
  bought: Int32Array;
  /** Candidates the customer had. */
  candidates: number;
}

export interface ExplainInput {
  log: InteractionLog;
  catalog: CatalogView | null;
  ages: Float32Array | null;
  product: Int32Array;
  image: ItemNeighbours | null;
  als: (view: AsOfView) => Promise<AlsModel | null>;
  candidateWeeks: number;
  cutoff: number;
  /** Dense user id; −1: the week's buyer with the most distinct purchases (ties: smaller id). */
  user: number;
  ranker: (X: Float32Array, nFeatures: number) => Float64Array;
  /** The as-of view at `cutoff` when the caller holds it (else it is built from `log`). */
  view?: AsOfView;
}

/** Explains one customer's two-stage list at `cutoff` (null when the week has no buyer to pick). */
export async function explainCustomer(e: ExplainInput): Promise<Explanation | null> {
  const truth = testTruth(dateSplit(e.log, e.cutoff).test);
  let user = e.user;
  if (!(user >= 0 && user < e.log.nUsers)) {
    if (!truth.users.length) return null;
    let best = 0;
    truth.users.forEach((_, j) => (truth.relevant[j].size > truth.relevant[best].size ? (best = j) : 0));
    user = truth.users[best];
  }
  const view = e.view?.cutoff === e.cutoff ? e.view : asOfView(e.log, e.cutoff, { candidateWeeks: e.candidateWeeks, catalog: e.catalog, ages: e.ages, product: e.product });
  const ctx = await contextOf(view, { als: e.als, image: e.image });
  const cands = generateCandidates(ctx, [user]);
  const f = buildFeatures(ctx, cands);
  const score = e.ranker(f.X, f.nFeatures);
  const list = rankedLists(view, cands, score, 12)[0];
  const rowOf = new Map<number, number>();
  for (let r = 0; r < cands.items.length; r++) rowOf.set(cands.items[r], r);
  const S = CANDIDATE_SOURCES.length;
  const F = FEATURE_NAMES.length;
  const n = list.length;
  const out: Explanation = {
    cutoff: e.cutoff, user, items: Int32Array.from(list), sources: new Int32Array(n), scores: new Float64Array(n).fill(NaN),
    sourceScores: new Float32Array(n * S).fill(NaN), features: new Float32Array(n * F).fill(NaN),
    bought: Int32Array.from(truth.relevant[truth.users.indexOf(user)] ?? []), candidates: cands.items.length,
  };
  list.forEach((i, j) => {
    const r = rowOf.get(i);
    if (r === undefined) {
      out.sources[j] = 1 << FILL_BIT;
      return;
    }
    for (let s = 0; s < S; s++) {
      if (Number.isNaN(cands.rank[r * S + s])) continue;
      out.sources[j] |= 1 << s;
      out.sourceScores[j * S + s] = cands.score[r * S + s];
    }
    out.scores[j] = score[r];
    out.features.set(f.X.subarray(r * F, (r + 1) * F), j * F);
  });
  return out;
}
