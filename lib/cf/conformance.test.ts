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
 * - `cg` on a pool of 2 and 3 threads vs `cg` on one (same kernel, the Gram
 *   matrix summed in the same fixed slots whatever the threads): identical
 *   factors bit for bit, the same result on every run, and cancel still stops it.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { csrFromCoo, transposeCsr, type Csr } from '../data/csr';
import { confidenceFromWeights } from './weights';
import { maxAbs } from './linalg';
import {
  AlsDivergedError,
  AlsModel,
  CfInputError,
  CfUnknownIdError,
  fitAls,
  makeSolver,
  prepareInteractions,
  tfjsSolver,
  type AlsParams,
  type AlsSolverName,
} from './index';
import { mulberry32 as mulberry32Fixture } from '../util/random';
import { CancelledError } from '../util/cancel';
import { wasmCgSolver } from './wasm/kernel';
import { spawnNodeCgThread } from './wasm/node-threads';
import { Worker } from 'node:worker_threads';
import type { SpawnCgThread } from './wasm/pool';

const PARAMS: AlsParams = { factors: 8, regularization: 5, alpha: 5, iterations: 12, cgSteps: 3, seed: 7 };
const SOLVERS: AlsSolverName[] = ['exact', 'cg', 'cg-js', 'tfjs'];

/** 90 users × 60 items in 3 taste groups; each user buys 6–10 items, 85% in-group; user 89 buys nothing. */
function fixture(): { weights: Csr; heldOut: number[]; group: (i: number) => number } {
  const rand = mulberry32Fixture(20261122);
  const nUsers = 90;
  const nItems = 60;
  const group = (i: number) => i % 3;
  const user: number[] = [];
  const item: number[] = [];
  const day: number[] = [];
  const heldOut: number[] = [];
  for (let u = 0; u < nUsers - 1; u++) {
    const g = u % 3;
    const n = 6 + Math.floor(rand() * 5);
    for (let t = 0; t < n; t++) {
      const inGroup = rand() < 0.85;
      let i = Math.floor(rand() * 20) * 3 + g;
      if (!inGroup) i = Math.floor(rand() * nItems);
      user.push(u);
      item.push(i);
      day.push(18000 + Math.floor(rand() * 100));
    }
    heldOut.push(Math.floor(rand() * 20) * 3 + g);
  }
  const prepared = prepareInteractions({ nUsers, nItems, user: Int32Array.from(user), item: Int32Array.from(item), day: Int32Array.from(day) }, { weighting: 'count' });
  return { weights: prepared.weights, heldOut, group };
}

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

describe('the SIMD kernel on a pool of threads', () => {
  const top = (m: AlsModel, u: number, n = 5) => Array.from(m.recommend(u, n).items);
  const threaded = (threads: number) => wasmCgSolver({ threads, spawn: spawnNodeCgThread });

  it.each([2, 3])('matches one thread bit for bit on %i threads (k = 8, 20 and 32)', async (threads) => {
    const { weights } = fixture();
    for (const factors of [8, 20, 32]) {
      const p = { ...PARAMS, factors };
      const one = await fitAls(weights, p, { solver: makeSolver('cg'), computeLoss: false });
      const solver = threaded(threads);
      const many = await fitAls(weights, p, { solver, computeLoss: false });
      expect(solver.threadsUsed).toBe(threads);
      expect(Array.from(many.userFactors), `k = ${factors}`).toEqual(Array.from(one.userFactors));
      expect(Array.from(many.itemFactors), `k = ${factors}`).toEqual(Array.from(one.itemFactors));
      for (let u = 0; u < 89; u++) expect(top(many, u), `k = ${factors}, user ${u}`).toEqual(top(one, u));
    }
  });

  it('matches one thread bit for bit on a 3000 × 700 matrix, where the Gram slots and the rows are both split (k = 16, 2 and 4 threads)', async () => {
    const rand = mulberry32Fixture(99);
    const rows: number[] = [];
    const cols: number[] = [];
    for (let u = 0; u < 3000; u++) for (let t = 0, n = 1 + Math.floor(rand() * 25); t < n; t++) (rows.push(u), cols.push(Math.floor(rand() * rand() * 700)));
    const weights = csrFromCoo(3000, 700, rows, cols);
    const p = { ...PARAMS, factors: 16, regularization: 0.1, iterations: 4 };
    const one = await fitAls(weights, p, { solver: makeSolver('cg'), computeLoss: false });
    let maxAbs = 0;
    for (const v of one.userFactors) maxAbs = Math.max(maxAbs, Math.abs(v));
    expect(maxAbs).toBeGreaterThan(0.01);
    for (const threads of [2, 4]) {
      const many = await fitAls(weights, p, { solver: threaded(threads), computeLoss: false });
      expect(Array.from(many.userFactors), `${threads} threads`).toEqual(Array.from(one.userFactors));
      expect(Array.from(many.itemFactors), `${threads} threads`).toEqual(Array.from(one.itemFactors));
    }
  });

  it('gives the same factors bit for bit whether a row\'s factor rows are copied for the CG steps or gathered on each (copy 0, 4 and all; 1 and 3 threads)', async () => {
    const rand = mulberry32Fixture(5);
    const rows: number[] = [];
    const cols: number[] = [];
    // Rows of 1 to 40 entries (odd and even counts, longer and shorter than the copy of 4).
    for (let u = 0; u < 400; u++) for (let t = 0, n = 1 + Math.floor(rand() * 40); t < n; t++) (rows.push(u), cols.push(Math.floor(rand() * 300)));
    const weights = csrFromCoo(400, 300, rows, cols);
    const p = { ...PARAMS, factors: 12, regularization: 0.1, iterations: 3 };
    const all = await fitAls(weights, p, { solver: makeSolver('cg'), computeLoss: false });
    for (const threads of [1, 3]) {
      for (const copyEntries of [0, 4, undefined]) {
        const m = await fitAls(weights, p, { solver: wasmCgSolver({ threads, spawn: spawnNodeCgThread, copyEntries }), computeLoss: false });
        expect(Array.from(m.userFactors), `${threads} threads, copy ${copyEntries}`).toEqual(Array.from(all.userFactors));
        expect(Array.from(m.itemFactors), `${threads} threads, copy ${copyEntries}`).toEqual(Array.from(all.itemFactors));
      }
    }
  });

  it('is deterministic for a seed and thread count, and ranks like exact', async () => {
    const { weights } = fixture();
    const a = await fitAls(weights, PARAMS, { solver: threaded(2), computeLoss: false });
    const b = await fitAls(weights, PARAMS, { solver: threaded(2), computeLoss: false });
    expect(Array.from(b.userFactors)).toEqual(Array.from(a.userFactors));
    expect(Array.from(b.itemFactors)).toEqual(Array.from(a.itemFactors));
    const ref = fitted.get('exact')!;
    let sum = 0;
    for (let u = 0; u < 89; u++) {
      const s = new Set(top(ref, u));
      sum += top(a, u).filter((i) => s.has(i)).length;
    }
    expect(sum / 89).toBeGreaterThanOrEqual(4.5);
  });

  it('reports the threads it ran on: all of them when the pool starts, one (and why) when a helper cannot start', async () => {
    const { weights } = fixture();
    const one = await fitAls(weights, PARAMS, { solver: makeSolver('cg'), computeLoss: false });
    const pooled = threaded(2);
    await fitAls(weights, PARAMS, { solver: pooled, computeLoss: false });
    expect(pooled.threadsUsed).toBe(2);
    expect(pooled.threadsNote).toBeNull();
    pooled.dispose?.();
    // A real helper thread whose script throws as it starts: the pool's start fails, the kernel runs on one thread.
    const broken: SpawnCgThread = () => {
      const w = new Worker('throw new Error("no helper threads here")', { eval: true });
      w.unref();
      return {
        postMessage: (msg) => w.postMessage(msg),
        onReply: (h) => w.on('message', h),
        onFailure: (h) => (w.on('error', (e) => h(e.message)), w.on('exit', (c) => h(`exited with code ${c}`))),
        terminate: () => void w.terminate(),
      };
    };
    const fallback = wasmCgSolver({ threads: 3, spawn: broken });
    const got = await fitAls(weights, PARAMS, { solver: fallback, computeLoss: false });
    expect(fallback.threadsUsed).toBe(1);
    expect(fallback.threadsNote).toMatch(/^3 threads requested, 1 used: .*no helper threads here/);
    expect(Array.from(got.userFactors)).toEqual(Array.from(one.userFactors));
    const noSpawn = wasmCgSolver({ threads: 2 });
    await fitAls(weights, PARAMS, { solver: noSpawn, computeLoss: false });
    expect(noSpawn.threadsUsed).toBe(1);
    expect(noSpawn.threadsNote).toMatch(/2 threads requested, 1 used: no way to start threads/);
  });

  it('fails with a message naming the helper when one dies in the middle of a fit (no hang), and the next fit starts afresh', async () => {
    const { weights } = fixture();
    // The real helper; on its 4th request (past init and the first half-step) its thread is terminated instead.
    let requests = 0;
    const dying: SpawnCgThread = () => {
      const t = spawnNodeCgThread();
      return { ...t, postMessage: (msg) => (++requests === 4 ? t.terminate() : t.postMessage(msg)) };
    };
    const solver = wasmCgSolver({ threads: 2, spawn: dying });
    await expect(fitAls(weights, PARAMS, { solver, computeLoss: false })).rejects.toThrow(/ALS helper thread 0.*exited with code/);
    expect(requests).toBe(4);
    // fitAls disposed the broken pool: a new fit on a sound pool gives the one-thread result.
    const one = await fitAls(weights, PARAMS, { solver: makeSolver('cg'), computeLoss: false });
    const again = await fitAls(weights, PARAMS, { solver: threaded(2), computeLoss: false });
    expect(Array.from(again.userFactors)).toEqual(Array.from(one.userFactors));
  });

  it('fails, without waiting forever, when a helper dies holding a Gram slot', async () => {
    const { weights } = fixture();
    // On the first half-step the helper takes Gram slot 0 (before the caller's thread can) and its thread ends.
    let memory: WebAssembly.Memory | null = null;
    const holding: SpawnCgThread = () => {
      const t = spawnNodeCgThread();
      return {
        ...t,
        postMessage: (msg) => {
          if (msg.type === 'init') memory = msg.memory;
          if (msg.type !== 'halfstep') return t.postMessage(msg);
          Atomics.add(new Int32Array(memory!.buffer), msg.ctl >> 2, 1);
          t.terminate();
        },
      };
    };
    await expect(fitAls(weights, PARAMS, { solver: wasmCgSolver({ threads: 2, spawn: holding }), computeLoss: false })).rejects.toThrow(/ALS helper thread 0.*exited with code/);
  });

  it('builds both confidence matrices inside its memory equal to the JS ones, and fits the same from them as from copies', async () => {
    const { weights } = fixture();
    for (const threads of [1, 2]) {
      const solver = wasmCgSolver({ threads, spawn: spawnNodeCgThread });
      const inside = await solver.matrices!(weights, PARAMS.alpha, PARAMS.factors);
      const cui = confidenceFromWeights(weights, PARAMS.alpha);
      expect(inside).not.toBeNull();
      expect({ ...inside!.cui, indptr: Array.from(inside!.cui.indptr), indices: Array.from(inside!.cui.indices), data: Array.from(inside!.cui.data) })
        .toEqual({ ...cui, indptr: Array.from(cui.indptr), indices: Array.from(cui.indices), data: Array.from(cui.data) });
      const ciu = transposeCsr(cui);
      expect([Array.from(inside!.ciu.indptr), Array.from(inside!.ciu.indices), Array.from(inside!.ciu.data)]).toEqual([Array.from(ciu.indptr), Array.from(ciu.indices), Array.from(ciu.data)]);
      solver.dispose?.();
    }
    // The same fit without the in-memory matrices (a solver that lacks `matrices`): identical factors.
    const base = wasmCgSolver();
    const copying = { name: base.name, solve: base.solve.bind(base), dispose: base.dispose?.bind(base) };
    const a = await fitAls(weights, PARAMS, { solver: makeSolver('cg'), computeLoss: false });
    const b = await fitAls(weights, PARAMS, { solver: copying, computeLoss: false });
    expect(Array.from(b.userFactors)).toEqual(Array.from(a.userFactors));
    expect(Array.from(b.itemFactors)).toEqual(Array.from(a.itemFactors));
  });

  it.each([1, 2, 3])('keeps the factors in its memory on %i thread(s): views with copyFactors false, plain copies by default, identical to a fit that copies them per half-step', async (threads) => {
    const { weights } = fixture();
    // The same kernel without `matrices`: fitAls builds the matrices and factors in JS, the solver copies them in and out.
    const base = threaded(threads);
    const copying = { name: base.name, solve: base.solve.bind(base), dispose: base.dispose?.bind(base) };
    const ref = await fitAls(weights, PARAMS, { solver: copying, computeLoss: false });
    const viewSolver = threaded(threads);
    const views = await fitAls(weights, PARAMS, { solver: viewSolver, computeLoss: false, copyFactors: false });
    const copied = await fitAls(weights, PARAMS, { solver: threaded(threads), computeLoss: false });
    expect(viewSolver.threadsUsed).toBe(threads);
    // Views share one buffer (the solver's memory, holding the matrices too); copies own theirs.
    expect(views.userFactors.buffer).toBe(views.itemFactors.buffer);
    expect(views.userFactors.buffer.byteLength).toBeGreaterThan((views.userFactors.length + views.itemFactors.length) * 4);
    expect(copied.userFactors.buffer.byteLength).toBe(copied.userFactors.length * 4);
    expect(copied.itemFactors.buffer.byteLength).toBe(copied.itemFactors.length * 4);
    for (const m of [views, copied]) {
      expect(Array.from(m.userFactors)).toEqual(Array.from(ref.userFactors));
      expect(Array.from(m.itemFactors)).toEqual(Array.from(ref.itemFactors));
    }
    // The views stay readable after the fit disposed the solver (its pool is gone; the memory is not).
    expect(views.recommend(0, 5).items).toEqual(ref.recommend(0, 5).items);
  });

  it('scans the factors it holds with the kernel for the divergence check: the same maximum as linalg, NaN and Infinity caught', async () => {
    const { weights } = fixture();
    for (const threads of [1, 2]) {
      const solver = threaded(threads);
      const inside = (await solver.matrices!(weights, PARAMS.alpha, PARAMS.factors))!;
      const rand = mulberry32Fixture(threads);
      for (const f of [inside.users!, inside.items!]) {
        for (let j = 0; j < f.length; j++) f[j] = (rand() - 0.5) * 10;
        expect(solver.maxAbs!(f)).toBe(maxAbs(f));
        f[f.length - 1] = -1e7;
        expect(solver.maxAbs!(f)).toBe(1e7);
        f[3] = -Infinity;
        expect(solver.maxAbs!(f)).toBe(Infinity);
        f[7] = NaN;
        expect(solver.maxAbs!(f)).toBeNaN();
      }
      // Arrays it does not hold are scanned in JS.
      expect(solver.maxAbs!(Float32Array.from([1, -3, 2]))).toBe(3);
      solver.dispose?.();
    }
  });

  it('builds no in-memory matrices for weights with repeated columns (the fit copies them, as before)', async () => {
    const w: Csr = { nRows: 2, nCols: 3, indptr: Int32Array.from([0, 2, 3]), indices: Int32Array.from([1, 1, 2]), data: Float32Array.from([1, 2, 5]) };
    expect(await wasmCgSolver().matrices!(w, 1, 8)).toBeNull();
  });

  it('stops with CancelledError when the signal aborts between iterations, and the pool can be disposed twice', async () => {
    const { weights } = fixture();
    const ac = new AbortController();
    const solver = threaded(2);
    const run = fitAls(weights, { ...PARAMS, iterations: 50 }, { solver, signal: ac.signal, computeLoss: false, onIteration: (i) => i.iteration === 2 && ac.abort() });
    await expect(run).rejects.toThrow(CancelledError);
    solver.dispose?.();
  });
});
