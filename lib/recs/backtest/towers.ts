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

/** The two-tower strategy; `fits` caches embeddings per cutoff (pass one map to share them). */
export function twoTowerStrategy(o: { config?: Partial<TwoTowerConfig>; weeks?: number; fits?: Map<number, Promise<TowerEmbeddings | null>> } = {}): Strategy {
  const cfg = { ...BACKTEST_TWO_TOWER, ...o.config };
  const weeks = o.weeks ?? 26;
  const fits = o.fits ?? new Map<number, Promise<TowerEmbeddings | null>>();
  return {
    name: 'two-tower',
    params: { ...cfg, weeks },
    fit: async (v) => {
      let f = fits.get(v.cutoff);
      if (!f) fits.set(v.cutoff, (f = fitTowersAsOf(v, cfg, weeks)));
      const emb = await f;
      const trained = new Uint8Array(v.log.nUsers);
      const from = v.cutoff - 7 * weeks;
      for (let r = 0; r < v.log.day.length; r++) if (v.log.day[r] >= from) trained[v.log.user[r]] = 1;
      const pool = Int32Array.from(v.poolItems);
      const d = emb?.dim ?? 0;
      const scores = new Float32Array(pool.length);
      return (users, k) =>
        users.map((u) => {
          if (!emb || !trained[u]) return completeList(v, [], k);
          for (let j = 0; j < pool.length; j++) {
            let s = 0;
            for (let c = 0; c < d; c++) s += emb.users[u * d + c] * emb.items[pool[j] * d + c];
            scores[j] = s;
          }
          return completeList(v, Array.from(topK(scores, k), (j) => pool[j]), k);
        });
    },
  };
}
