/**
 * The one shared conformance test: every ALS solver (exact reference, TS CG,
 * TF.js CG on the cpu backend) runs the same contract on a seeded fixture with
 * planted taste groups, and the fast paths must rank like the reference.
 *
 * Stated tolerances (seeded fixture, k = 8, λ = 5, alpha = 5, 12 iterations):
 * - `cg` with k CG steps (an exact solve in exact arithmetic) vs `exact`:
 *   factors within 1e-4 and identical top-5 lists for every user;
 * - `cg` with `implicit`'s 3 warm-started steps vs `exact` (an approximate
 *   solve, so a slightly different trajectory): at least 3 of the top 5 agree
 *   for every user, and at least 4.5 of 5 on average;
 * - `tfjs` vs `cg` (same algorithm, float32 vs float64 scratch): factors within
 *   1e-3 and identical top-5 lists for at least 98% of users.
 * The SIMD kernel on a pool of threads: conformance-threads.test.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { csrFromCoo, type Csr } from '../data/csr';
import {
  AlsDivergedError,
  AlsModel,
  CfInputError,
  CfUnknownIdError,
  fitAls,
  makeSolver,
  tfjsSolver,
  type AlsSolverName,
} from './index';
import { mulberry32 as mulberry32Fixture } from '../util/random';
import { fixture, PARAMS, SOLVERS } from './conformance-fixture';

const fitted = new Map<AlsSolverName, AlsModel>();
const losses = new Map<AlsSolverName, number[]>();

beforeAll(async () => {
  await tf.setBackend('cpu');
  const { weights } = fixture();
  for (const name of SOLVERS) {
    const seen: number[] = [];
    fitted.set(name, await fitAls(weights, PARAMS, { solver: makeSolver(name), onIteration: (i) => seen.push(i.loss) }));
    losses.set(name, seen);
  }
});

describe.each(SOLVERS)('ALS contract: %s', (name) => {
  it('reports a finite, decreasing loss per iteration', () => {
    const l = losses.get(name)!;
    expect(l).toHaveLength(PARAMS.iterations);
    expect(l.every(Number.isFinite)).toBe(true);
    expect(l[l.length - 1]).toBeLessThan(l[0]);
    // Exact ALS never increases the loss; CG with 3 steps may wobble a little.
    for (let i = 1; i < l.length; i++) expect(l[i]).toBeLessThanOrEqual(l[i - 1] * 1.01);
  });

  it('recovers the planted taste groups', () => {
    const m = fitted.get(name)!;
    const { group } = fixture();
    let inGroup = 0;
    let total = 0;
    for (let u = 0; u < 89; u++) {
      const recs = m.recommend(u, 5);
      for (const i of recs.items) {
        total++;
        if (group(i) === u % 3) inGroup++;
      }
    }
    // 85% of the fixture's purchases are in-group.
    expect(inGroup / total).toBeGreaterThan(0.85);
  });

  it('filters already-bought items on request, and only then', () => {
    const m = fitted.get(name)!;
    for (const u of [0, 1, 2, 40]) {
      const bought = new Set(m.history(u));
      expect(m.recommend(u, 10).items.some((i) => bought.has(i))).toBe(false);
      const all = m.recommend(u, 60, { filterAlreadyBought: false }).items;
      expect(all.some((i) => bought.has(i))).toBe(true);
    }
  });

  it('ranks candidates by score, unknown items last', () => {
    const m = fitted.get(name)!;
    const ranked = m.rankItems(0, [3, 0, 6, 1, 0]);
    expect(ranked.items).toHaveLength(4);
    const s = Array.from(ranked.scores);
    expect([...s].sort((a, b) => b - a)).toEqual(s);
    // The user's own group (0) should outrank the others here.
    expect(ranked.items[0] % 3).toBe(0);
  });

  it('finds similar items and users within the planted groups', () => {
    const m = fitted.get(name)!;
    const items = m.similarItems(0, 5).items;
    expect(items.includes(0)).toBe(false);
    expect(Array.from(items).filter((i) => i % 3 === 0).length).toBeGreaterThanOrEqual(3);
    const users = m.similarUsers(3, 5).items;
    expect(users.includes(3)).toBe(false);
    expect(Array.from(users).filter((u) => u % 3 === 0).length).toBeGreaterThanOrEqual(3);
  });

  it('explains a user with no interactions', () => {
    const m = fitted.get(name)!;
    expect(() => m.recommend(89, 5)).toThrow(CfUnknownIdError);
    expect(() => m.recommend(89, 5)).toThrow(/user 89 has no interactions in the training data/);
  });

  it('is deterministic for a seed and round-trips through save/load', async () => {
    const { weights } = fixture();
    const again = await fitAls(weights, PARAMS, { solver: makeSolver(name), computeLoss: false });
    const m = fitted.get(name)!;
    expect(Array.from(again.userFactors)).toEqual(Array.from(m.userFactors));
    const loaded = AlsModel.load(structuredClone(m.save()));
    expect(Array.from(loaded.recommend(5, 10).items)).toEqual(Array.from(m.recommend(5, 10).items));
  });

  it('rejects an empty matrix and NaN weights with clear messages', async () => {
    const empty = csrFromCoo(3, 4, [], [], []);
    await expect(fitAls(empty, PARAMS, { solver: makeSolver(name) })).rejects.toThrow(/empty interaction matrix/);
    const bad: Csr = { ...csrFromCoo(2, 2, [0, 1], [1, 0], [1, 1]), data: Float32Array.from([1, NaN]) };
    await expect(fitAls(bad, PARAMS, { solver: makeSolver(name) })).rejects.toThrow(CfInputError);
    await expect(fitAls(bad, PARAMS, { solver: makeSolver(name) })).rejects.toThrow(/invalid weight for \(user 1, item 0\): NaN/);
  });

  it('raises AlsDivergedError when the factors blow up', async () => {
    // λ = 0 with more factors than items makes every normal equation singular;
    // with a huge alpha the factors explode (or Cholesky breaks down).
    const rand = mulberry32Fixture(1);
    const tiny = csrFromCoo(20, 3, Array.from({ length: 40 }, (_, j) => j >> 1), Array.from({ length: 40 }, () => Math.floor(rand() * 3)));
    const p = { ...PARAMS, factors: 16, regularization: 0, alpha: 1e20, iterations: 3 };
    const run = fitAls(tiny, p, { solver: makeSolver(name) });
    await expect(run).rejects.toThrow(AlsDivergedError);
    await expect(fitAls(tiny, p, { solver: makeSolver(name) })).rejects.toThrow(/ALS diverged at iteration 1 \((users|items) half-step\)/);
  });

  it('rejects an alpha whose confidences overflow float32', async () => {
    const { weights } = fixture();
    await expect(fitAls(weights, { ...PARAMS, alpha: 1e39 }, { solver: makeSolver(name) })).rejects.toThrow(/invalid alpha: 1e\+39/);
  });
});

describe('fast paths agree with the reference', () => {
  const top = (m: AlsModel, u: number, n = 5) => Array.from(m.recommend(u, n).items);

  it('cg (3 steps) ranks like exact: ≥ 3 of top 5 per user, ≥ 4.5 on average', () => {
    const ref = fitted.get('exact')!;
    const cg = fitted.get('cg')!;
    let sum = 0;
    for (let u = 0; u < 89; u++) {
      const a = new Set(top(ref, u));
      const overlap = top(cg, u).filter((i) => a.has(i)).length;
      expect(overlap, `user ${u}`).toBeGreaterThanOrEqual(3);
      sum += overlap;
    }
    expect(sum / 89).toBeGreaterThanOrEqual(4.5);
  });

  it('tfjs matches cg (factors within 1e-3, identical top 5 for ≥ 98% of users)', () => {
    const cg = fitted.get('cg')!;
    const tfm = fitted.get('tfjs')!;
    let maxDiff = 0;
    for (let j = 0; j < cg.userFactors.length; j++) maxDiff = Math.max(maxDiff, Math.abs(cg.userFactors[j] - tfm.userFactors[j]));
    for (let j = 0; j < cg.itemFactors.length; j++) maxDiff = Math.max(maxDiff, Math.abs(cg.itemFactors[j] - tfm.itemFactors[j]));
    expect(maxDiff).toBeLessThan(1e-3);
    let same = 0;
    for (let u = 0; u < 89; u++) if (top(cg, u).join() === top(tfm, u).join()) same++;
    expect(same / 89).toBeGreaterThanOrEqual(0.98);
  });

  it('the SIMD kernel matches the TypeScript CG for k = 20 and 32 (16-wide and 4-wide blocks)', async () => {
    const { weights } = fixture();
    for (const factors of [20, 32]) {
      const p = { ...PARAMS, factors, iterations: 3 };
      const simd = await fitAls(weights, p, { solver: makeSolver('cg'), computeLoss: false });
      const js = await fitAls(weights, p, { solver: makeSolver('cg-js'), computeLoss: false });
      let maxDiff = 0;
      for (let j = 0; j < js.userFactors.length; j++) maxDiff = Math.max(maxDiff, Math.abs(js.userFactors[j] - simd.userFactors[j]));
      expect(maxDiff, `k = ${factors}`).toBeLessThan(1e-3);
    }
  });

  it('tfjs gathers the same rows on the device as on the host', async () => {
    const { weights } = fixture();
    const device = await fitAls(weights, PARAMS, { solver: tfjsSolver({ gather: 'device', maxBatchFloats: 2048 }), computeLoss: false });
    const host = fitted.get('tfjs')!;
    let maxDiff = 0;
    for (let j = 0; j < host.userFactors.length; j++) maxDiff = Math.max(maxDiff, Math.abs(host.userFactors[j] - device.userFactors[j]));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('cg with k steps per half-step reproduces exact (factors within 1e-4, same top 5)', async () => {
    const { weights } = fixture();
    const p = { ...PARAMS, cgSteps: PARAMS.factors };
    const ref = fitted.get('exact')!;
    const cg = await fitAls(weights, p, { solver: makeSolver('cg'), computeLoss: false });
    let maxDiff = 0;
    for (let j = 0; j < ref.userFactors.length; j++) maxDiff = Math.max(maxDiff, Math.abs(ref.userFactors[j] - cg.userFactors[j]));
    expect(maxDiff).toBeLessThan(1e-4);
    for (let u = 0; u < 89; u++) expect(top(cg, u), `user ${u}`).toEqual(top(ref, u));
  });
});
