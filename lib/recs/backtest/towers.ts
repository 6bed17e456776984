/**
 * The two-tower model (lib/towers) as a backtest strategy: fitted as of each
 * cutoff on the purchases of the last `weeks` weeks before it (distinct
 * customer–article pairs), with a learned item bias and the logQ correction
 * of in-batch softmax negatives; a customer's list is the pool articles by
 * dot product (bias included), filled with popularity. Needs a TF.js backend
 * (the ML worker's, or WASM in Node).
 */
import { DEFAULT_TWO_TOWER, topK, trainTwoTower, type TowerEmbeddings, type TwoTowerConfig } from '../../towers';
import { completeList, type AsOfView } from './asof';
import type { Strategy } from './backtest';

/** Settings of the backtest's two-tower (fixed a priori, not tuned on the test weeks). */
export const BACKTEST_TWO_TOWER: TwoTowerConfig = {
  ...DEFAULT_TWO_TOWER,
  dim: 32, epochs: 8, batchSize: 512, loss: 'softmax', negativeSource: 'in-batch', learningRate: 0.005, l2: 0.001, itemBias: true, logQ: true, seed: 42,
};

/** Two-tower embeddings fitted as of a view (distinct pairs of the last `weeks` weeks), or null with too few pairs. */
export async function fitTowersAsOf(view: AsOfView, cfg: TwoTowerConfig, weeks: number): Promise<TowerEmbeddings | null> {
  const { log } = view;
  const from = view.cutoff - 7 * weeks;
  const seen = new Set<number>();
  const users: number[] = [];
  const items: number[] = [];
  for (let r = 0; r < log.day.length; r++) {
    if (log.day[r] < from) continue;
    const key = log.user[r] * log.nItems + log.item[r];
    if (seen.has(key)) continue;
    seen.add(key);
    users.push(log.user[r]);
    items.push(log.item[r]);
  }
  if (users.length < 2 * cfg.batchSize) return null;
  const { model } = await trainTwoTower({ nUsers: log.nUsers, nItems: log.nItems, users: Int32Array.from(users), items: Int32Array.from(items) }, cfg);
  try {
    return await model.embeddings();
  } finally {
    model.dispose();
  }
}

/** A two-tower fit read as of a view: pool articles by dot product for the customers it was trained on. */
export interface TowerScorer {
  /** True when u had pairs in the fit's window (other customers' vectors are untrained). */
  has(u: number): boolean;
  /** Dot product of u and article i (NaN when u was not trained). */
  score(u: number, i: number): number;
  /** The n pool articles with the highest dot product for u (none when u was not trained). */
  top(u: number, n: number): { items: number[]; scores: number[] };
}

/** Reads embeddings fitted on the last `weeks` weeks before the view's cutoff, over the view's pool. */
export function towerScorer(v: AsOfView, emb: TowerEmbeddings | null, weeks: number): TowerScorer {
  const trained = new Uint8Array(v.log.nUsers);
  const from = v.cutoff - 7 * weeks;
  for (let r = 0; r < v.log.day.length; r++) if (v.log.day[r] >= from) trained[v.log.user[r]] = 1;
  const pool = Int32Array.from(v.poolItems);
  const d = emb?.dim ?? 0;
  const scores = new Float32Array(pool.length);
  const has = (u: number) => emb !== null && trained[u] === 1;
  const score = (u: number, i: number) => {
    if (!has(u)) return NaN;
    let s = 0;
    for (let c = 0; c < d; c++) s += emb!.users[u * d + c] * emb!.items[i * d + c];
    return s;
  };
  return {
    has,
    score,
    top: (u, n) => {
      if (!has(u) || n <= 0) return { items: [], scores: [] };
      for (let j = 0; j < pool.length; j++) scores[j] = score(u, pool[j]);
      const best = Array.from(topK(scores, Math.min(n, pool.length)));
      return { items: best.map((j) => pool[j]), scores: best.map((j) => scores[j]) };
    },
  };
}

/** Settings of a per-cutoff two-tower fit; `fits` caches embeddings by cutoff (one map per config and weeks). */
export interface TowerFitOptions {
  config?: Partial<TwoTowerConfig>;
  /** Weeks of pairs before the cutoff; default 26. */
  weeks?: number;
  fits?: Map<number, Promise<TowerEmbeddings | null>>;
  /** The fit itself (default `fitTowersAsOf`); it is handed the as-of view only. */
  fit?: (view: AsOfView, cfg: TwoTowerConfig, weeks: number) => Promise<TowerEmbeddings | null>;
}

/** Two-tower scorers by view, fitted once per cutoff on the view (data before the cutoff) and cached. */
export function towerFits(o: TowerFitOptions = {}): ((view: AsOfView) => Promise<TowerScorer>) & { config: TwoTowerConfig; weeks: number } {
  const cfg = { ...BACKTEST_TWO_TOWER, ...o.config };
  const weeks = o.weeks ?? 26;
  const fits = o.fits ?? new Map<number, Promise<TowerEmbeddings | null>>();
  const fit = o.fit ?? fitTowersAsOf;
  const byView = async (v: AsOfView) => {
    let f = fits.get(v.cutoff);
    if (!f) fits.set(v.cutoff, (f = fit(v, cfg, weeks)));
    return towerScorer(v, await f, weeks);
  };
  return Object.assign(byView, { config: cfg, weeks });
}

/** The two-tower strategy; `fits` caches embeddings per cutoff (pass one map to share them). */
export function twoTowerStrategy(o: TowerFitOptions = {}): Strategy {
  const fits = towerFits(o);
  return {
    name: 'two-tower',
    params: { ...fits.config, weeks: fits.weeks },
    fit: async (v) => {
      const scorer = await fits(v);
      return (users, k) => users.map((u) => completeList(v, scorer.top(u, k).items, k));
    },
  };
}
