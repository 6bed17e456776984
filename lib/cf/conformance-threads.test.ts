/**
 * ALS conformance, threaded: the WebAssembly SIMD CG kernel on a pool of 2 and 3 threads vs `cg` on one (same
 * kernel, the Gram matrix summed in the same fixed slots whatever the threads): identical factors bit for bit,
 * the same result on every run, the row copy on or off, views or copies of the factors, helpers that fail to
 * start or die mid-fit, and cancel still stops it. The fixture is conformance.test.ts's (conformance-fixture.ts).
 */
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { csrFromCoo, transposeCsr, type Csr } from '../data/csr';
import { mulberry32 as mulberry32Fixture } from '../util/random';
import { CancelledError } from '../util/cancel';
import { confidenceFromWeights } from './weights';
import { maxAbs } from './linalg';
import { fitAls, makeSolver, type AlsModel } from './index';
import { wasmCgSolver } from './wasm/kernel';
import { spawnNodeCgThread } from './wasm/node-threads';
import type { SpawnCgThread } from './wasm/pool';
import { fixture, PARAMS } from './conformance-fixture';

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
    const ref = await fitAls(fixture().weights, PARAMS, { solver: makeSolver('exact') });
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
