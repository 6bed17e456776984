/**
 * Strategies built on fitted models: ALS alone, the seeds' hybrid exactly as
 * seed 000 describes it, and the notebook's hybrid variant (lib/recs/hybrid).
 * ALS is fitted once per cutoff and settings and shared by the three.
 */
import { cgSolver, fitAls, prepareInteractions, wasmCgSolver, wasmSimdAvailable, type AlsModel, type AlsParams, type Weighting } from '../../cf';
import { mulberry32 } from '../../util/random';
import { filterByPlace } from '../filter';
import { boughtBy } from '../history';
import { hybridRecommend, memoryPorts } from '../hybrid';
import { similarCandidates } from '../neighbours';
import { RecsInputError, type ItemNeighbours } from '../types';
import { completeList, type AsOfView } from './asof';
import type { Strategy } from './backtest';

/** ALS settings of the backtest (weights as `prepareInteractions`, factors as `fitAls`). */
export interface AlsSettings {
  params: AlsParams;
  weighting: Weighting;
  halfLifeDays?: number;
}

export const BACKTEST_ALS: AlsSettings = {
  params: { factors: 32, regularization: 0.05, alpha: 10, iterations: 10, cgSteps: 3, seed: 42 },
  weighting: 'count',
};

/** ALS fits by cutoff, with how many it started and holds (the backtest streams them: fit, use, drop). */
export type AlsFits = ((view: AsOfView) => Promise<AlsModel | null>) & {
  /** Fits started so far (a cutoff asked for again after it was dropped is fitted again). */
  readonly started: number;
  /** Fits held now. */
  readonly held: number;
};

/**
 * ALS fits by cutoff (the WebAssembly CG solver where SIMD is available, else the plain-TypeScript CG). `keep`: the most
 * cutoffs' fits held at once (default all); asking for another cutoff first drops the oldest held, so with 1 only one
 * model is alive at a time as long as its users drop it too.
 */
export function alsFits(s: AlsSettings = BACKTEST_ALS, o: { keep?: number } = {}): AlsFits {
  const keep = o.keep ?? Infinity;
  if (!(keep >= 1)) throw new RecsInputError(`invalid keep: ${keep}; expected a number ≥ 1`);
  const fits = new Map<number, Promise<AlsModel | null>>();
  let started = 0;
  const get = (view: AsOfView) => {
    let f = fits.get(view.cutoff);
    if (!f) {
      while (fits.size >= keep) fits.delete(fits.keys().next().value!);
      started++;
      f = (async () => {
        const p = prepareInteractions(view.log, { weighting: s.weighting, halfLifeDays: s.halfLifeDays, endDay: view.cutoff });
        if (p.weights.indices.length === 0) return null;
        return fitAls(p.weights, s.params, { solver: wasmSimdAvailable() ? wasmCgSolver() : cgSolver(), computeLoss: false, filteredUsers: p.filteredUsers, filteredItems: p.filteredItems });
      })();
      fits.set(view.cutoff, f);
    }
    return f;
  };
  return Object.defineProperties(get, { started: { get: () => started }, held: { get: () => fits.size } }) as AlsFits;
}

/** Pool articles by ALS score for u (none when u has no factors); bought articles left out when asked. */
export function alsTop(view: AsOfView, model: AlsModel | null, u: number, n: number, excludeBought: boolean): { items: number[]; scores: number[] } {
  if (!model || !model.hasUser(u)) return { items: [], scores: [] };
  const sc = model.scores(u);
  const own = excludeBought ? new Set(boughtBy(view.history, u)) : null;
  const items = topByScore(view.poolItems, sc, n, (i) => model.hasItem(i) && !own?.has(i));
  return { items, scores: items.map((i) => sc[i]) };
}

/**
 * The `n` best of `items` (those `keep` accepts) by `score`, best first, ties in `items` order: what a stable
 * sort by descending score and a slice give, without sorting the whole pool (a customer's list is 12 to a few
 * dozen of some thousand articles).
 */
export function topByScore(items: ArrayLike<number>, score: ArrayLike<number>, n: number, keep: (i: number) => boolean): number[] {
  const top: number[] = [];
  const topScore: number[] = [];
  if (n <= 0) return top;
  for (let j = 0; j < items.length; j++) {
    const i = items[j];
    const s = score[i];
    // Full and not strictly better than the last: an equal score comes after it (stable).
    if (top.length === n && !(s > topScore[n - 1])) continue;
    if (!keep(i)) continue;
    let at = top.length;
    while (at > 0 && s > topScore[at - 1]) at--;
    top.splice(at, 0, i);
    topScore.splice(at, 0, s);
    if (top.length > n) {
      top.pop();
      topScore.pop();
    }
  }
  return top;
}

/** ALS alone: the top pool articles by score, filled with popularity. */
export function alsStrategy(fits = alsFits(), o: { excludeBought?: boolean } = {}): Strategy {
  const excludeBought = o.excludeBought ?? true;
  return {
    name: 'als',
    params: { excludeBought },
    fit: async (v) => {
      const model = await fits(v);
      return (users, k) => users.map((u) => completeList(v, alsTop(v, model, u, k, excludeBought).items, k));
    },
  };
}

/** Neighbour lists with every article outside the pool removed (the rest keep their order). */
export function poolNeighbours(nb: ItemNeighbours, pool: Uint8Array): ItemNeighbours {
  if (nb.nItems !== pool.length) throw new RecsInputError(`invalid neighbours.nItems: ${nb.nItems}; expected ${pool.length}`);
  const items = new Int32Array(nb.items.length).fill(-1);
  const scores = new Float32Array(nb.items.length).fill(NaN);
  for (let i = 0; i < nb.nItems; i++) {
    let c = 0;
    for (let j = 0; j < nb.k; j++) {
      const n = nb.items[i * nb.k + j];
      if (n >= 0 && pool[n]) (items[i * nb.k + c] = n), (scores[i * nb.k + c] = nb.scores[i * nb.k + j]), c++;
    }
  }
  return { ...nb, items, scores };
}

/**
 * The seeds' hybrid (seed 000): image-similar candidates of every past purchase (on sale) → kept
 * when their department AND index are among those the customer bought from → ranked by ALS → top k;
 * when fewer than k are left, a seeded random sample of the articles on sale fills the list.
 */
export function seedHybridStrategy(neighbours: ItemNeighbours, fits = alsFits(), o: { seed?: number } = {}): Strategy {
  const seed = o.seed ?? 42;
  return {
    name: 'seed-hybrid',
    params: { seed, k: neighbours.k },
    fit: async (v) => {
      if (!v.catalog) throw new RecsInputError('invalid view: no catalogue; the seeds’ hybrid filters by department and index');
      const catalog = v.catalog;
      const model = await fits(v);
      const nb = poolNeighbours(neighbours, v.pool);
      return (users, k) =>
        users.map((u) => {
          const bought = boughtBy(v.history, u);
          const kept = filterByPlace(similarCandidates(nb, bought).items, bought, catalog);
          const ranked = kept.length && model?.hasUser(u) ? Array.from(model.rankItems(u, kept).items) : kept;
          const rand = mulberry32((seed * 1000003 + u * 7919 + v.cutoff) >>> 0);
          const sample = [...v.poolItems];
          for (let j = 0; j < Math.min(k, sample.length); j++) {
            const r = j + Math.floor(rand() * (sample.length - j));
            [sample[j], sample[r]] = [sample[r], sample[j]];
          }
          return completeList(v, ranked.slice(0, k), k, sample.slice(0, k));
        });
    },
  };
}

/** The notebook's hybrid (lib/recs/hybrid, in memory): similar → filter → ALS → co-purchase → popularity. */
export function hybridStrategy(neighbours: ItemNeighbours, fits = alsFits(), o: { excludeBought?: boolean; maxCandidates?: number } = {}): Strategy {
  const excludeBought = o.excludeBought ?? true;
  const maxCandidates = o.maxCandidates ?? 300;
  return {
    name: 'hybrid',
    params: { excludeBought, maxCandidates, k: neighbours.k },
    fit: async (v) => {
      if (!v.catalog) throw new RecsInputError('invalid view: no catalogue; the hybrid filters by department and index');
      const model = await fits(v);
      const nb = poolNeighbours(neighbours, v.pool);
      // Co-purchase lists come from the view's purchases of pool articles only.
      const ports = memoryPorts(v.history, v.catalog, v.log.itemKeys);
      const ranker = model ? (u: number, c: readonly number[]) => (model.hasUser(u) ? Array.from(model.rankItems(u, c).items) : null) : null;
      return async (users, k) => {
        const { lists } = await hybridRecommend({ users, history: v.history, neighbours: nb, ranker, popular: v.fallback, ports, k, excludeBought, maxCandidates, batchSize: 100_000 });
        return lists.map((l, j) => completeList(v, l.items.filter((i) => v.pool[i]), k, v.fallback, excludeBought ? new Set(boughtBy(v.history, users[j])) : undefined));
      };
    },
  };
}
