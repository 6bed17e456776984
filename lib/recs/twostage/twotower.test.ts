import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TowerEmbeddings } from '../../towers';
import { asOfView } from '../backtest/asof';
import { backtest } from '../backtest/backtest';
import { syntheticShop } from '../backtest/fixture';
import { alsFits } from '../backtest/models';
import { dateSplit, weeklyCutoffs } from '../backtest/split';
import { fitTowersAsOf, towerFits, towerScorer } from '../backtest/towers';
import { testTruth } from '../strategies';
import { CANDIDATE_SOURCES, candidateRecall, generateCandidates, TWO_TOWER_SOURCE } from './candidates';
import { twoStageContext } from './context';
import { buildFeatures, FEATURE_NAMES } from './features';
import { twoStageStrategy, type RankerFit } from './pipeline';

// Article 0 is first sold on day 87: in the test week of cutoff 84, outside its pool.
const log = syntheticShop({ customers: 120, lastDay: 90 });
const cutoff = 84;
const config = { epochs: 6, batchSize: 64, dim: 8, learningRate: 0.02 };

/** A stand-in ranker (the trees come from lib/gbdt or LightGBM): most sources first, then the two-tower's score or ALS's. */
const fit: RankerFit = async (data) => {
  const ns = data.featureNames.indexOf('n_sources');
  const tt = data.featureNames.indexOf('two_tower_score');
  const als = data.featureNames.indexOf('als_score');
  return {
    predict: (X, F) =>
      Float64Array.from({ length: X.length / F }, (_, r) => {
        const s = tt >= 0 && !Number.isNaN(X[r * F + tt]) ? X[r * F + tt] : X[r * F + als];
        return X[r * F + ns] * 1000 + (Number.isNaN(s) ? -999 : s);
      }),
  };
};

describe('two-tower candidate source', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is fitted per cutoff on the purchases before it only, and proposes only articles of the as-of pool', async () => {
    const seen: { cutoff: number; lastDay: number }[] = [];
    const fits = new Map<number, Promise<TowerEmbeddings | null>>();
    const towers = towerFits({
      config, weeks: 12, fits,
      fit: (v, cfg, weeks) => {
        seen.push({ cutoff: v.cutoff, lastDay: Math.max(...v.log.day) });
        return fitTowersAsOf(v, cfg, weeks);
      },
    });
    const view = asOfView(log, cutoff, { candidateWeeks: 8 });
    expect(view.pool[0]).toBe(0);
    const truth = testTruth(dateSplit(log, cutoff).test);
    const ctx = twoStageContext(view, { towers: await towers(view) });
    const cands = generateCandidates(ctx, truth.users);
    expect(cands.sources).toEqual([...CANDIDATE_SOURCES, TWO_TOWER_SOURCE]);
    const S = cands.sources.length;
    const t = S - 1;
    let proposed = 0;
    for (let r = 0; r < cands.items.length; r++) {
      if (Number.isNaN(cands.rank[r * S + t])) continue;
      proposed++;
      expect(view.pool[cands.items[r]]).toBe(1);
    }
    expect(proposed).toBeGreaterThan(0);
    expect(candidateRecall(cands, truth.relevant).bySource[TWO_TOWER_SOURCE]).toBeGreaterThanOrEqual(0);
    // Its rank and score are features, and its dot product is known for every candidate of a trained customer.
    const f = buildFeatures(ctx, cands);
    expect(f.featureNames.slice(2 * t, 2 * t + 2)).toEqual(['rank_two-tower', 'score_two-tower']);
    const col = f.featureNames.indexOf('two_tower_score');
    for (let g = 0; g < cands.users.length; g++) {
      for (let r = cands.offsets[g]; r < cands.offsets[g + 1]; r++) expect(Number.isNaN(f.X[r * f.nFeatures + col])).toBe(!ctx.towers!.has(cands.users[g]));
    }

    // In the backtest: one fit per cutoff (training weeks and test cutoffs), each on rows before its cutoff.
    const r = await backtest({ log, cutoffs: weeklyCutoffs(77, 2), candidateWeeks: 8, bootstrap: { samples: 100 }, strategies: [twoStageStrategy(fit, { trainWeeks: 2, als: alsFits(), towers })] });
    for (const s of seen) expect(s.lastDay).toBeLessThan(s.cutoff);
    expect(new Set(seen.map((s) => s.cutoff)).size).toBe(seen.length);
    expect([...fits.keys()].sort((a, b) => a - b)).toEqual([63, 70, 77, 84]);
    for (const w of r.strategies[0].weeks) for (const l of w.lists) expect(l).toHaveLength(12);
  });

  it('never proposes an article outside the pool, even when the embeddings favour it', async () => {
    const view = asOfView(log, cutoff, { candidateWeeks: 8 });
    const dim = 2;
    // Embeddings that put article 0 (first sold after the cutoff) first for everyone.
    const emb: TowerEmbeddings = {
      dim,
      users: new Float32Array(log.nUsers * dim).fill(1),
      items: Float32Array.from({ length: log.nItems * dim }, (_, j) => (j < dim ? 100 : (j % 7) / 7)),
    } as TowerEmbeddings;
    const scorer = towerScorer(view, emb, 12);
    const trained = testTruth(dateSplit(log, cutoff).test).users.filter((u) => scorer.has(u));
    expect(trained.length).toBeGreaterThan(0);
    expect(scorer.score(trained[0], 0)).toBeGreaterThan(scorer.score(trained[0], 1));
    for (const u of trained) {
      const top = scorer.top(u, 48).items;
      expect(top.length).toBeGreaterThan(0);
      expect(top).not.toContain(0);
      for (const i of top) expect(view.pool[i]).toBe(1);
    }
  });

  it('off: candidates, features and lists are those without the source', async () => {
    const view = asOfView(log, cutoff, { candidateWeeks: 8 });
    const truth = testTruth(dateSplit(log, cutoff).test);
    const off = generateCandidates(twoStageContext(view), truth.users);
    expect(off.sources).toEqual(CANDIDATE_SOURCES);
    const fOff = buildFeatures(twoStageContext(view), off);
    expect(fOff.featureNames).toEqual(FEATURE_NAMES);

    // On adds the two-tower's rows after each customer's own and its columns; the other sources' rows and ranks are unchanged.
    const towers = towerFits({ config, weeks: 12 });
    const on = generateCandidates(twoStageContext(view, { towers: await towers(view) }), truth.users);
    const S = CANDIDATE_SOURCES.length;
    for (let g = 0; g < off.users.length; g++) {
      const a = off.offsets[g];
      const b = on.offsets[g];
      expect(on.offsets[g + 1] - b).toBeGreaterThanOrEqual(off.offsets[g + 1] - a);
      for (let j = 0; j < off.offsets[g + 1] - a; j++) {
        expect(on.items[b + j]).toBe(off.items[a + j]);
        for (let s = 0; s < S; s++) {
          expect(on.rank[(b + j) * (S + 1) + s]).toStrictEqual(off.rank[(a + j) * S + s]);
          expect(on.score[(b + j) * (S + 1) + s]).toStrictEqual(off.score[(a + j) * S + s]);
        }
      }
    }

    // A null two-tower is the same as none: identical lists.
    const lists = async (towersOpt: null | undefined) => {
      const r = await backtest({ log, cutoffs: [cutoff], candidateWeeks: 8, bootstrap: { samples: 50 }, strategies: [twoStageStrategy(fit, { trainWeeks: 2, towers: towersOpt })] });
      return r.strategies[0].weeks[0].lists;
    };
    expect(await lists(null)).toEqual(await lists(undefined));
  });
});
