/**
 * The als.fit handler as the worker runs it (minus the thread): progress per
 * iteration, a loss line per iteration, holdout metrics, typed arrays in the
 * reply, and cancel through the AbortSignal.
 */
import { describe, expect, it } from 'vitest';
import { AlsModel, holdoutFromPairs, prepareInteractions } from '../../lib/cf';
import { CancelledError } from '../../lib/util/cancel';
import type { HandlerContext } from '../../lib/rpc/server';
import type { AlsFitRequest } from '../protocol/als';
import { alsHandlers } from './als';

function request(iterations: number): AlsFitRequest {
  // 40 users × 30 items in two taste groups (even / odd items), 6 purchases each.
  const user: number[] = [];
  const item: number[] = [];
  for (let u = 0; u < 40; u++) for (let t = 0; t < 6; t++) (user.push(u), item.push(((u * 7 + t * 4) % 15) * 2 + (u % 2)));
  const p = prepareInteractions({ nUsers: 40, nItems: 30, user: Int32Array.from(user), item: Int32Array.from(item), day: new Int32Array(user.length) }, { weighting: 'count' });
  return {
    weights: p.weights,
    params: { factors: 8, regularization: 0.5, alpha: 5, iterations, cgSteps: 3, seed: 3 },
    solver: 'cg',
    filteredUsers: p.filteredUsers,
    filteredItems: p.filteredItems,
    evaluate: { spec: holdoutFromPairs([0, 1, 2, 3], [2, 3, 4, 5]), filterAlreadyBought: true },
    // Node has no IndexedDB: the handler runs uncached.
    cacheKey: 'test',
  };
}

function context(signal: AbortSignal) {
  const progress: { label: string; done: number; total: number }[] = [];
  const lines: string[] = [];
  const ctx: HandlerContext = { signal, progress: (p) => progress.push(p), log: (l) => lines.push(l) };
  return { ctx, progress, lines };
}

describe('als.fit handler', () => {
  it('reports every iteration and returns the model, timings and holdout metrics as typed arrays', async () => {
    const { ctx, progress, lines } = context(new AbortController().signal);
    const res = await alsHandlers['als.fit'](request(4), ctx);
    expect(lines.filter((l) => /^iteration \d\/4: loss [\d.e-]+ \([\d.]+ s\)$/.test(l))).toHaveLength(4);
    expect(progress.filter((p) => p.label.startsWith('ALS iterations')).map((p) => p.done)).toEqual([1, 2, 3, 4]);
    expect(res.seconds).toBeInstanceOf(Float64Array);
    expect(res.seconds).toHaveLength(4);
    expect(res.simd).toBe(true);
    // Node is not a cross-origin isolated page: one thread, said once the kernel started.
    expect(res.threads).toBe(1);
    expect(lines.filter((l) => l.startsWith('ALS: WebAssembly SIMD kernel on'))).toEqual(['ALS: WebAssembly SIMD kernel on 1 thread']);
    expect(res.cached).toBe(false);
    expect(res.metrics?.users_scored).toBe(4);
    const model = AlsModel.load(res.model);
    expect(model.loss).toHaveLength(4);
    // Taste groups: user 0 (even items) gets even items.
    expect(Array.from(model.recommend(0, 3).items).every((i) => i % 2 === 0)).toBe(true);
  });

  it('stops with CancelledError when the signal aborts mid-fit', async () => {
    const ac = new AbortController();
    const { ctx } = context(ac.signal);
    const seen: string[] = [];
    ctx.log = (l) => {
      seen.push(l);
      if (seen.length === 2) ac.abort();
    };
    await expect(alsHandlers['als.fit'](request(50), ctx)).rejects.toThrow(CancelledError);
    expect(seen.length).toBeLessThan(50);
  });
});
