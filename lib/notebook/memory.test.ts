import { describe, expect, it } from 'vitest';
import { buildDataset } from '../data/build';
import { generateDemoTables } from '../data/demo';
import { fitAls, prepareInteractions, wasmCgSolver, wasmSimdAvailable } from '../cf';
import { purchaseTable, tableLength } from '../graph/purchases';
import { asOfView } from '../recs/backtest/asof';
import { buyersOf, historyBefore } from '../recs/history';
import { CANDIDATE_SOURCES, FEATURE_NAMES, testCutoffs } from '../recs';
import { labelledBlock, labelledWeek } from '../recs/twostage/pipeline';
import {
  alsEstimate, alsKernelBytes, buyersInWeeks, checkMemory, coPurchaseBytes, evaluateEstimate, formatBytes, graphEstimate, historyBytes, trainingRowsBound, trainingRowsBytes, V8_MAP_LIMIT, weekBytes, weekSizes,
  WASM_MEMORY_LIMIT, type EvaluateSizes,
} from './memory';
import { CellFailure } from './types';

const small = buildDataset(generateDemoTables('small', 42), { kind: 'demo', name: 'demo', fingerprint: 'demo' });
const log = small.interactions;
const sizes = { rows: log.user.length, users: log.nUsers, items: log.nItems };

describe('ALS estimate', () => {
  it.runIf(wasmSimdAvailable())('gives the SIMD kernel\'s WebAssembly memory after a real fit, to the byte', async () => {
    for (const factors of [16, 32]) {
      const prepared = prepareInteractions(log, { weighting: 'count' });
      const w = prepared.weights;
      const nnz = w.indices.length;
      const solver = wasmCgSolver();
      await fitAls(w, { factors, regularization: 0.05, alpha: 10, iterations: 1, cgSteps: 3, seed: 1 }, { solver });
      expect(solver.wasmBytes).toBe(alsKernelBytes({ users: w.nRows, items: w.nCols, nnz, factors, threads: 1 }));
    }
  });

  it('grows with pairs and factors as the kernel lays its memory out', () => {
    const base = { users: 1_371_980, items: 105_542, nnz: 25_000_000, factors: 64, threads: 2 };
    const a = alsKernelBytes(base);
    // Both CSRs (indices + confidence) are 16 bytes a pair; factors 4 bytes per factor per row.
    expect(alsKernelBytes({ ...base, nnz: base.nnz + 1_000_000 }) - a).toBeCloseTo(16_000_000, -5);
    expect(alsKernelBytes({ ...base, factors: 128 }) - a).toBeGreaterThan((base.users + base.items) * 64 * 4);
    const e = alsEstimate({ rows: 31_788_324, users: base.users, items: base.items }, base);
    expect(e.wasm).toBe(a);
    expect(e.total).toBe(e.parts.reduce((s, p) => s + p.bytes, 0));
  });
});

describe('Graph estimate', () => {
  it('counts PURCHASED columns as purchaseTable allocates them', () => {
    const t = purchaseTable(log);
    const allocated = [t.customer, t.product, t.day, t.channel, t.quantity, t.price].reduce((s, c) => s + (c as Int32Array | Float64Array).byteLength, 0);
    const part = (rows: number) => graphEstimate({ ...sizes, rows }).parts.find((p) => p.what.startsWith('PURCHASED'))!.bytes;
    // One relationship per (customer, product, day, channel): exact for that count, a bound for the rows.
    expect(part(tableLength(t))).toBe(allocated);
    expect(part(log.user.length)).toBeGreaterThanOrEqual(allocated);
  });
});

describe('Hybrid estimate', () => {
  it('counts the history and the buyers as historyBefore and buyersOf allocate them', () => {
    const h = historyBefore(log);
    const pairs = h.items.length;
    expect(historyBytes(log.nUsers, pairs)).toBe(h.indptr.byteLength + h.items.byteLength);
    const b = buyersOf(h);
    // The scorer's buyers grow 4 bytes per pair plus an indptr over the items; the rest is scratch and the cache.
    expect(coPurchaseBytes(log.nUsers, log.nItems, pairs, 0) - coPurchaseBytes(log.nUsers, log.nItems, 0, 0)).toBe(b.users.byteLength);
    expect(coPurchaseBytes(log.nUsers, log.nItems, 0, 0)).toBe(b.indptr.byteLength + log.nUsers * 8 + log.nItems * 24);
  });
});

describe('Evaluate estimate', () => {
  it('counts buyers per week as distinct customers', () => {
    const cutoffs = testCutoffs(log.day, 3);
    const starts = [...cutoffs, cutoffs[0] - 7, cutoffs[0] - 14];
    const direct = starts.map((s) => {
      const seen = new Set<number>();
      for (let r = 0; r < log.user.length; r++) if (log.day[r] >= s && log.day[r] < s + 7) seen.add(log.user[r]);
      return seen.size;
    });
    expect(buyersInWeeks(log, starts)).toEqual(direct);
    expect(direct.every((n) => n > 0)).toBe(true);
    const rows = starts.map((s) => log.day.filter((d) => d >= s && d < s + 7).length);
    expect(weekSizes(log, starts)).toEqual({ buyers: direct, rows });
  });

  it('gives a training block\'s bytes as the streamed week allocates them, within the bound it counts', async () => {
    const cutoff = testCutoffs(log.day, 1)[0];
    const view = asOfView(log, cutoff, { candidateWeeks: 12 });
    const week = await labelledWeek(log, cutoff, view, {});
    for (const rate of [1, 0.1]) {
      const block = await labelledBlock(log, view, { negativeRate: rate, chunk: 50 });
      const allocated = block.X.byteLength + block.y.byteLength + block.groups.byteLength;
      expect(trainingRowsBytes(block.y.length, block.groups.length, block.nFeatures)).toBe(allocated);
      const { buyers, rows } = weekSizes(log, [cutoff]);
      const bound = trainingRowsBound(buyers[0], rows[0], week.cands.items.length / week.cands.users.length, rate);
      expect(block.y.length).toBeLessThanOrEqual(bound);
      expect(block.y.length).toBeGreaterThan(0);
    }
  });

  it('gives a labelled week\'s candidate, feature and label bytes as the two-stage allocates them', async () => {
    const cutoff = testCutoffs(log.day, 1)[0];
    const week = await labelledWeek(log, cutoff, asOfView(log, cutoff, { candidateWeeks: 12 }), {});
    const c = week.cands;
    const allocated = c.items.byteLength + c.rank.byteLength + c.score.byteLength + c.offsets.byteLength + week.features.X.byteLength + week.labels!.byteLength;
    const buyers = c.users.length;
    expect(buyers).toBe(buyersInWeeks(log, [cutoff])[0]);
    expect(weekBytes(buyers, c.items.length / buyers, c.sources.length, week.features.nFeatures)).toBeCloseTo(allocated, 0);
    expect(c.sources.length).toBe(CANDIDATE_SOURCES.length);
    expect(week.features.nFeatures).toBe(FEATURE_NAMES.length);
  });
});

describe('checkMemory', () => {
  const sizesOf = (weeks: number): EvaluateSizes => ({
    buyersPerWeek: Array.from({ length: weeks }, (_, w) => 300 + w), rowsPerWeek: Array.from({ length: weeks }, () => 900), trainWeeks: 4, negativeRate: 0.1, maxTrainRows: Infinity, testWeeks: weeks - 4,
    chunk: 1024, candidatesPerBuyer: 150, sources: 8, features: 40, pairs: sizes.rows, strategies: 11, factors: 32, threads: 2,
  });
  const e = evaluateEstimate(sizes, sizesOf(6));

  it('streams: more test weeks add their per-customer scores only, not their candidates', () => {
    const more = evaluateEstimate(sizes, { ...sizesOf(30), buyersPerWeek: Array.from({ length: 30 }, (_, w) => (w < 6 ? 300 + w : 300)) });
    const differ = more.parts.filter((p, j) => p.bytes !== e.parts[j].bytes).map((p) => p.what);
    expect(differ).toEqual([expect.stringMatching(/^per-customer scores of 11 strategies over 26 test weeks/)]);
  });

  it('bounds the training blocks and the boosting by the row cap', () => {
    const big = { ...sizesOf(10), buyersPerWeek: Array.from({ length: 10 }, () => 200_000), rowsPerWeek: Array.from({ length: 10 }, () => 400_000) };
    const part = (x: ReturnType<typeof evaluateEstimate>, re: RegExp) => x.parts.find((p) => re.test(p.what))!.bytes;
    const open = evaluateEstimate(sizes, big);
    const capped = evaluateEstimate(sizes, { ...big, maxTrainRows: 2_000_000 });
    // 4 weeks of 500,000 rows (each over its 400,000 purchase rows), kept twice (the blocks and their concatenation).
    expect(part(capped, /^training blocks/)).toBe(2 * 4 * trainingRowsBytes(500_000, 200_000, 40));
    expect(part(open, /^training blocks/)).toBeGreaterThan(part(capped, /^training blocks/));
    expect(part(open, /^boosting/)).toBeGreaterThan(part(capped, /^boosting/));
  });

  it('stops before the start when the two-stage context would key one Map by more pairs than V8 allows', () => {
    const big = evaluateEstimate(sizes, { ...sizesOf(6), pairs: V8_MAP_LIMIT + 1 });
    expect(() => checkMemory(big, 1e15, 'Evaluate a smaller dataset.')).toThrow(/over V8's limit of 16,777,216 entries in one Map/);
    expect(() => checkMemory(evaluateEstimate(sizes, { ...sizesOf(6), pairs: V8_MAP_LIMIT }), 1e15, '')).not.toThrow();
  });

  it('passes under the budget and says how much of it the estimate takes', () => {
    expect(checkMemory(e, 4096 * 2 ** 20, 'hint')).toBe(`memory estimate: ${formatBytes(e.total)} of the 4.00 GiB budget (WebAssembly ${formatBytes(e.wasm)})`);
    expect(formatBytes(3 * 2 ** 30)).toBe('3.00 GiB');
    expect(formatBytes(1.5 * 2 ** 20)).toBe('1.5 MiB');
  });

  it('stops before the start with the estimate, its parts and its inputs when over the budget', () => {
    const budget = Math.floor(e.total / 2);
    let err: unknown;
    try {
      checkMemory(e, budget, 'Lower the cutoffs.');
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(CellFailure);
    const f = err as CellFailure;
    expect(f.message).toContain(`Evaluate needs about ${formatBytes(e.total)}`);
    expect(f.message).toContain(`over the memory budget of ${formatBytes(budget)}`);
    expect(f.message).toContain(`rows ${sizes.rows.toLocaleString('en')}`);
    expect(f.message).toContain('training blocks of 4 labelled weeks');
    expect(f.hint).toContain('memory budget (MB)');
  });

  it('stops a kernel over WebAssembly\'s 4 GiB whatever the budget', () => {
    const big = alsEstimate({ rows: 200_000_000, users: 2_000_000, items: 200_000 }, { users: 2_000_000, items: 200_000, nnz: 200_000_000, factors: 128, threads: 2 });
    expect(big.wasm).toBeGreaterThan(WASM_MEMORY_LIMIT);
    expect(() => checkMemory(big, 1e15, 'Use fewer factors.')).toThrow(/over WebAssembly's limit of 4\.00 GiB/);
  });
});
