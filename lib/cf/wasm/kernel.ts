/**
 * The fastest CPU path: the CG solver of `cg.ts` as a WebAssembly SIMD kernel
 * (`cg.wat`, f32x4), on one thread or on a pool of threads sharing one
 * memory (`pool.ts`). WebAssembly is part of the JS runtime in Node, pages
 * and workers alike, so this stays plain lib/ code; threads come from a
 * `spawn` function the caller passes.
 *
 * Memory layout per fit (byte offsets, 16-aligned), T threads:
 *   [ YᵀY + λI (k² f32) | per thread: Gram blocks (k² f32, k² f64), scratch (3k f32)
 *   | CSR of users×items | CSR of items×users | fixed factors | target factors | chunk table ]
 * The two CSRs are copied in once per fit and reused every iteration; factors
 * are copied in and out per half-step (O(rows·k), small next to the solve).
 * YᵀY is computed by the kernel too (rank-4 updates, widened to float64
 * every 256 rows), split across the threads by rows.
 */
import { yieldToEventLoop, cgSolveRows } from '../cg';
import { throwIfAborted } from '../../util/cancel';
import { columnsAscending, transposeCsr, type Csr } from '../../data/csr';
import { confidenceFromWeights } from '../weights';
import { gram } from '../linalg';
import type { AlsSolver, SolveArgs } from '../types';
import { CG_KERNEL_SHARED_WASM, CG_KERNEL_WASM } from './kernel-bytes';
import { CgThreadPool, sharedMemoryAvailable, type SpawnCgThread } from './pool';

type SolveFn = (r0: number, r1: number, k: number, steps: number, yty: number, y: number, x: number, indptr: number, indices: number, conf: number, scratch: number) => void;
type GramFn = (y: number, r0: number, r1: number, k: number, acc32: number, acc64: number) => void;

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null when this runtime lacks WebAssembly SIMD. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(CG_KERNEL_WASM);
    } catch {
      // Compilation fails only on runtimes without SIMD or bulk memory; the JS path is used then.
      compiled = null;
    }
  }
  return compiled;
}

/** True when the SIMD kernel can run here. */
export function wasmSimdAvailable(): boolean {
  return typeof WebAssembly === 'object' && kernelModule() !== null;
}

const align = (n: number) => (n + 15) & ~15;
const PAGE = 65536;
/** Time the calling thread may compute before it lets messages (cancel) in. */
const YIELD_MS = 50;

interface CsrRegion {
  indptr: number;
  indices: number;
  conf: number;
}

/** Options of the SIMD CG solver. */
export interface WasmCgOptions {
  /** Threads in all, the caller's included (default 1). More than 1 needs `spawn` and shared memory. */
  threads?: number;
  /** Starts one helper thread (see pool.ts); required for threads > 1. */
  spawn?: SpawnCgThread;
  /** Upper bound on the stored entries of one chunk of rows (default 400,000). */
  chunkEntries?: number;
}

/** Memory, instance and per-thread buffers of one solver. */
interface Engine {
  memory: WebAssembly.Memory;
  solve: SolveFn;
  gram: GramFn;
  pool: CgThreadPool | null;
  threads: number;
}

/**
 * CG with the SIMD kernel. Needs k divisible by 4; other k (and runtimes
 * without SIMD) fall back to the TypeScript rows solver with the same result
 * up to float rounding. With `threads` > 1 and a `spawn` function (and shared
 * memory available), rows are split across a pool of threads; otherwise one
 * thread solves chunks of rows, yielding in between so cancel messages get
 * through. `wasmCgSolver(n)` (a number) is the older form for `chunkEntries`.
 */
export function wasmCgSolver(options: WasmCgOptions | number = {}): AlsSolver {
  const opts: WasmCgOptions = typeof options === 'number' ? { chunkEntries: options } : options;
  const chunkEntries = opts.chunkEntries ?? 400_000;
  const wanted = Math.max(1, Math.floor(opts.threads ?? 1));
  let engine: Engine | null = null;
  let regions = new Map<Csr, CsrRegion>();
  let bump = 0;
  let headerK = -1;
  let perThread = 0;

  /** Why the kernel runs on fewer threads than `wanted` (null when it does not). */
  let note: string | null = null;
  const oneThread = (module: WebAssembly.Module): Engine => {
    const inst = new WebAssembly.Instance(module, {});
    return { memory: inst.exports.mem as WebAssembly.Memory, solve: inst.exports.solve as SolveFn, gram: inst.exports.gram as GramFn, pool: null, threads: 1 };
  };
  const fellBack = (reason: string) => {
    note = `${wanted} threads requested, 1 used: ${reason}`;
    console.warn(`ALS kernel on one thread: ${reason}`);
  };
  const makeEngine = async (module: WebAssembly.Module): Promise<Engine> => {
    if (wanted === 1) return oneThread(module);
    if (!opts.spawn) {
      fellBack('no way to start threads here (no spawn function)');
      return oneThread(module);
    }
    if (!sharedMemoryAvailable()) {
      fellBack('no shared WebAssembly memory (the page is not cross-origin isolated)');
      return oneThread(module);
    }
    let pool: CgThreadPool | null = null;
    try {
      pool = new CgThreadPool(opts.spawn, wanted - 1, CG_KERNEL_SHARED_WASM, 16);
      const inst = new WebAssembly.Instance(new WebAssembly.Module(CG_KERNEL_SHARED_WASM), { env: { mem: pool.memory } });
      // A helper that cannot start (no Worker, blocked script) rejects here, before any work is split.
      await pool.whenReady();
      return { memory: pool.memory, solve: inst.exports.solve as SolveFn, gram: inst.exports.gram as GramFn, pool, threads: wanted };
    } catch (err) {
      // No room for a 4 GiB shared reservation, or no threads here: the same kernel on one thread.
      pool?.terminate();
      fellBack((err as Error).message);
      return oneThread(module);
    }
  };
  /** The largest memory this solver's engines have had (bytes): it outlives dispose, for memory estimates. */
  let largest = 0;
  const ensure = (e: Engine, bytes: number) => {
    const have = e.memory.buffer.byteLength;
    if (bytes > have) e.memory.grow(Math.ceil((bytes - have) / PAGE));
    largest = Math.max(largest, e.memory.buffer.byteLength);
  };

  /** The memory header for k factors and T threads: YᵀY, then per thread its Gram blocks and scratch. */
  const header = (k: number, T: number) => {
    headerK = k;
    perThread = align(k * k * 4) + align(k * k * 8) + align(3 * k * 4);
    return align(k * k * 4) + T * perThread;
  };
  let used: number | undefined;
  return {
    name: 'cg',
    async matrices(weights: Csr, alpha: number, k: number) {
      const module = kernelModule();
      if (!module || k % 4 !== 0 || !columnsAscending(weights)) return null;
      engine ??= await makeEngine(module);
      const e = engine;
      const { nRows, nCols } = weights;
      const nnz = weights.indices.length;
      // Everything the fit will need, reserved at once: a later grow would detach these views (unshared memory).
      let at = header(k, e.threads);
      const place = (bytes: number) => {
        const off = at;
        at += align(bytes);
        return off;
      };
      const u = { indptr: place((nRows + 1) * 4), indices: place(nnz * 4), conf: place(nnz * 4) };
      const i = { indptr: place((nCols + 1) * 4), indices: place(nnz * 4), conf: place(nnz * 4) };
      const afterMatrices = at;
      place((nRows + nCols) * k * 4);
      place((Math.max(nRows, nCols) + 2) * 4);
      ensure(e, at + 2 * PAGE);
      const buf = e.memory.buffer;
      const cui: Csr = {
        nRows,
        nCols,
        indptr: new Int32Array(buf, u.indptr, nRows + 1),
        indices: new Int32Array(buf, u.indices, nnz),
        data: new Float32Array(buf, u.conf, nnz),
      };
      cui.indptr.set(weights.indptr);
      cui.indices.set(weights.indices);
      confidenceFromWeights(weights, alpha, cui.data);
      const ciu = transposeCsr(cui, { indptr: new Int32Array(buf, i.indptr, nCols + 1), indices: new Int32Array(buf, i.indices, nnz), data: new Float32Array(buf, i.conf, nnz) });
      regions = new Map([
        [cui, u],
        [ciu, i],
      ]);
      bump = afterMatrices;
      return { cui, ciu };
    },
    get threadsUsed() {
      return used;
    },
    get threadsNote() {
      return note;
    },
    get wasmBytes() {
      return largest || undefined;
    },
    async solve(args: SolveArgs): Promise<void> {
      const { confidence: m, target, fixed, factors: k, regularization, cgSteps, signal } = args;
      const module = kernelModule();
      if (!module || k % 4 !== 0) {
        const yty = gram(fixed, m.nCols, k, regularization);
        cgSolveRows(args, yty, 0, m.nRows);
        args.onRows?.(m.nRows, m.nRows);
        used = 1;
        if (wanted > 1) note = `${wanted} threads requested, 1 used: ${module ? `k = ${k} is not a multiple of 4` : 'no WebAssembly SIMD here'}, so the TypeScript solver runs`;
        return;
      }
      engine ??= await makeEngine(module);
      const e = engine;
      used = e.threads;
      const T = e.threads;
      if (headerK !== k) {
        regions = new Map();
        bump = header(k, T);
      }
      let region = regions.get(m);
      if (!region) {
        if (regions.size >= 2) {
          // A new fit: forget the previous fit's matrices.
          regions = new Map();
          bump = header(k, T);
        }
        const nnz = m.indices.length;
        region = { indptr: bump, indices: bump + align((m.nRows + 1) * 4), conf: 0 };
        region.conf = region.indices + align(nnz * 4);
        bump = region.conf + align(nnz * 4);
        ensure(e, bump);
        new Int32Array(e.memory.buffer, region.indptr, m.nRows + 1).set(m.indptr);
        new Int32Array(e.memory.buffer, region.indices, nnz).set(m.indices);
        new Float32Array(e.memory.buffer, region.conf, nnz).set(m.data);
        regions.set(m, region);
      }
      const chunks = chunkRows(m, k, T === 1 ? chunkEntries : Math.min(chunkEntries, Math.ceil(costOf(m, k) / (T * 16))));
      const yOff = bump;
      const xOff = yOff + align(fixed.length * 4);
      const tableOff = xOff + align(target.length * 4);
      const counterOff = tableOff + align(chunks.length * 4);
      ensure(e, counterOff + 16);
      let buf = e.memory.buffer;
      new Float32Array(buf, yOff, fixed.length).set(fixed);
      new Float32Array(buf, xOff, target.length).set(target);
      new Int32Array(buf, tableOff, chunks.length).set(chunks);
      await gramInMemory(e, yOff, m.nCols, k, regularization, perThread);
      const scratchOf = (t: number) => align(k * k * 4) + t * perThread + align(k * k * 4) + align(k * k * 8);
      const nChunks = chunks.length - 1;
      buf = e.memory.buffer;
      const counter = new Int32Array(buf, counterOff, 2);
      counter[0] = 0;
      counter[1] = 0;
      const helpers: Promise<void>[] = [];
      for (let t = 1; t < T; t++) {
        helpers.push(
          e.pool!.request(t - 1, {
            type: 'solve', k, steps: cgSteps, yty: 0, y: yOff, x: xOff, indptr: region.indptr, indices: region.indices, conf: region.conf,
            scratch: scratchOf(t), chunks: tableOff, nChunks, counter: counterOff,
          }),
        );
      }
      // Helpers that fail must not leave an unhandled rejection while this thread still computes.
      const helpersDone = Promise.allSettled(helpers);
      let lastYield = performance.now();
      let cancelled = false;
      for (;;) {
        if (signal?.aborted) {
          cancelled = true;
          Atomics.store(counter, 0, nChunks);
          break;
        }
        const i = Atomics.add(counter, 0, 1);
        if (i >= nChunks) break;
        e.solve(chunks[i], chunks[i + 1], k, cgSteps, 0, yOff, xOff, region.indptr, region.indices, region.conf, scratchOf(0));
        const done = Atomics.add(counter, 1, chunks[i + 1] - chunks[i]) + chunks[i + 1] - chunks[i];
        args.onRows?.(done, m.nRows);
        if (performance.now() - lastYield > YIELD_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      const settled = await helpersDone;
      if (cancelled) throwIfAborted(signal, 'ALS fit cancelled');
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
      if (T > 1) args.onRows?.(m.nRows, m.nRows);
      target.set(new Float32Array(e.memory.buffer, xOff, target.length));
    },
    dispose() {
      engine?.pool?.terminate();
      engine = null;
      regions = new Map();
      headerK = -1;
    },
  };
}

/**
 * YᵀY + λI of the fixed factors at `yOff` (n × k) into offset 0 as f32: each
 * thread sums a contiguous block of rows into its own f64 block, the caller
 * adds the blocks, mirrors the upper triangle and adds λ on the diagonal.
 */
async function gramInMemory(e: Engine, yOff: number, n: number, k: number, ridge: number, perThread: number): Promise<void> {
  const T = e.threads;
  const acc32 = (t: number) => align(k * k * 4) + t * perThread;
  const acc64 = (t: number) => acc32(t) + align(k * k * 4);
  const buf = e.memory.buffer;
  for (let t = 0; t < T; t++) {
    new Float32Array(buf, acc32(t), k * k).fill(0);
    new Float64Array(buf, acc64(t), k * k).fill(0);
  }
  // Row blocks in multiples of 256, the kernel's f32 block: every thread count then rounds the
  // same f32 partial sums, and only the float64 additions of the blocks are grouped differently.
  const per = Math.ceil(n / T / 256) * 256;
  const helpers: Promise<void>[] = [];
  for (let t = 1; t < T; t++) {
    const r0 = Math.min(n, t * per);
    const r1 = Math.min(n, r0 + per);
    helpers.push(e.pool!.request(t - 1, { type: 'gram', y: yOff, r0, r1, k, acc32: acc32(t), acc64: acc64(t) }));
  }
  e.gram(yOff, 0, Math.min(n, per), k, acc32(0), acc64(0));
  await Promise.all(helpers);
  const g = new Float64Array(k * k);
  for (let t = 0; t < T; t++) {
    const part = new Float64Array(e.memory.buffer, acc64(t), k * k);
    for (let j = 0; j < k * k; j++) g[j] += part[j];
  }
  const out = new Float32Array(e.memory.buffer, 0, k * k);
  for (let a = 0; a < k; a++) {
    out[a * k + a] = g[a * k + a] + ridge;
    for (let b = a + 1; b < k; b++) out[a * k + b] = out[b * k + a] = g[a * k + b];
  }
}

/** Work of a matrix in entry units: a row costs its entries plus k/2 (the k² product with YᵀY). */
function costOf(m: Csr, k: number): number {
  let rows = 0;
  for (let r = 0; r < m.nRows; r++) if (m.indptr[r + 1] > m.indptr[r]) rows++;
  return m.indices.length + (rows * k) / 2;
}

/** Row boundaries [0, …, nRows] of chunks of about `target` cost units each. */
function chunkRows(m: Csr, k: number, target: number): Int32Array {
  const bounds = [0];
  const limit = Math.max(1, target);
  let cost = 0;
  for (let r = 0; r < m.nRows; r++) {
    const n = m.indptr[r + 1] - m.indptr[r];
    if (n > 0) cost += n + k / 2;
    if (cost >= limit && r + 1 < m.nRows) {
      bounds.push(r + 1);
      cost = 0;
    }
  }
  bounds.push(m.nRows);
  return Int32Array.from(bounds);
}
