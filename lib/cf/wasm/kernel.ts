/**
 * The fastest CPU path: the CG solver of `cg.ts` as a WebAssembly SIMD kernel
 * (`cg.wat`, f32x4), on one thread or on a pool of threads sharing one
 * memory (`pool.ts`). WebAssembly is part of the JS runtime in Node, pages
 * and workers alike, so this stays plain lib/ code; threads come from a
 * `spawn` function the caller passes.
 *
 * Memory layout: see `layout.ts`. The two CSRs are built in place by `matrices` (or copied in once per fit) and
 * reused every iteration; the factors are views that `matrices` hands to the
 * fit, updated in place (factors from elsewhere are copied in and out per
 * half-step), so the fit holds one copy of each side.
 * YᵀY is computed by the kernel too (rank-4 updates, widened to float64
 * every 256 rows), split across the threads in Gram slots (GRAM_SLOTS). Each
 * helper gets one message per half-step: the Gram slots, a wait until the
 * caller has added them up, then the rows.
 */
import { yieldToEventLoop, cgSolveRows } from '../cg';
import { throwIfAborted } from '../../util/cancel';
import { columnsAscending, transposeCsr, type Csr } from '../../data/csr';
import { confidenceFromWeights } from '../weights';
import { gram, maxAbs } from '../linalg';
import type { AlsPhaseSeconds, AlsSolver, SolveArgs } from '../types';
import { CG_KERNEL_SHARED_WASM } from './kernel-bytes';
import { kernelModule } from './module';
import { chunkRows, costOf } from './chunks';
import { align, copyEntries, CTL, GRAM_BLOCK, GRAM_SLOTS, kernelHeaderBytes, PAGE, scratchBytes } from './layout';
import { CgThreadPool, sharedMemoryAvailable, type HalfStepRequest, type SpawnCgThread } from './pool';

export { wasmSimdAvailable } from './module';

type SolveFn = (r0: number, r1: number, k: number, steps: number, yty: number, y: number, x: number, indptr: number, indices: number, conf: number, scratch: number, copy: number) => void;
type GramFn = (y: number, r0: number, r1: number, k: number, acc32: number, acc64: number) => void;
type MaxAbsFn = (a: number, n: number) => number;

/** Time the calling thread may compute before it lets messages (cancel) in. */
const YIELD_MS = 50;

interface CsrRegion {
  indptr: number;
  indices: number;
  conf: number;
}

/** Byte offsets of the header's parts for the current k and thread count. */
interface Layout {
  slot0: number;
  slotBytes: number;
  /** Offset of a slot's f64 accumulator within the slot. */
  acc64: number;
  scratch(t: number): number;
  ctl: number;
}

/** Options of the SIMD CG solver. */
export interface WasmCgOptions {
  /** Threads in all, the caller's included (default 1). More than 1 needs `spawn` and shared memory. */
  threads?: number;
  /** Starts one helper thread (see pool.ts); required for threads > 1. */
  spawn?: SpawnCgThread;
  /** Upper bound on the stored entries of one chunk of rows (default 400,000). */
  chunkEntries?: number;
  /**
   * Entries of a row whose fixed factor rows the kernel copies for its CG steps (see layout.ts;
   * default and most: copyEntries(k)); the rest are gathered on every step. The factors are the
   * same bit for bit whatever this is; tests set it low to cover both paths.
   */
  copyEntries?: number;
}

/** Memory, instance and per-thread buffers of one solver. */
interface Engine {
  memory: WebAssembly.Memory;
  solve: SolveFn;
  gram: GramFn;
  maxabs: MaxAbsFn;
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
  /** The factor matrices handed out by `matrices` (views into the memory), and where they are. */
  let owned: { users: Float32Array; items: Float32Array } | null = null;
  let bump = 0;
  let headerK = -1;
  let layout: Layout = { slot0: 0, slotBytes: 0, acc64: 0, scratch: () => 0, ctl: 0 };

  /** Why the kernel runs on fewer threads than `wanted` (null when it does not). */
  let note: string | null = null;
  const oneThread = (module: WebAssembly.Module): Engine => {
    const inst = new WebAssembly.Instance(module, {});
    return { memory: inst.exports.mem as WebAssembly.Memory, solve: inst.exports.solve as SolveFn, gram: inst.exports.gram as GramFn, maxabs: inst.exports.maxabs as MaxAbsFn, pool: null, threads: 1 };
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
      return { memory: pool.memory, solve: inst.exports.solve as SolveFn, gram: inst.exports.gram as GramFn, maxabs: inst.exports.maxabs as MaxAbsFn, pool, threads: wanted };
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

  /** The memory header for k factors and T threads: YᵀY, the Gram slots, per thread its scratch, the counters. */
  const header = (k: number, T: number) => {
    headerK = k;
    const slotBytes = align(k * k * 4) + align(k * k * 8);
    const slot0 = align(k * k * 4);
    const scratch0 = slot0 + GRAM_SLOTS * slotBytes;
    const ctl = scratch0 + T * scratchBytes(k);
    layout = { slot0, slotBytes, acc64: align(k * k * 4), scratch: (t) => scratch0 + t * scratchBytes(k), ctl };
    return kernelHeaderBytes(k, T);
  };
  const rowCopy = (k: number) => Math.min(copyEntries(k), Math.max(0, Math.floor(opts.copyEntries ?? Infinity) & ~1));
  let used: number | undefined;
  const phases: AlsPhaseSeconds = { prepare: 0, gram: 0, rows: 0, wait: 0 };
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
      // The factors live here for the whole fit: fitAls writes its initial factors into these views and
      // the kernel updates them in place, so no JS copy of either side exists while it fits.
      const usersAt = place(nRows * k * 4);
      const itemsAt = place(nCols * k * 4);
      const afterFactors = at;
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
      owned = { users: new Float32Array(buf, usersAt, nRows * k), items: new Float32Array(buf, itemsAt, nCols * k) };
      owned.users.fill(0);
      owned.items.fill(0);
      bump = afterFactors;
      return { cui, ciu, users: owned.users, items: owned.items };
    },
    get threadsUsed() {
      return used;
    },
    get threadsNote() {
      return note;
    },
    get phaseSeconds() {
      return { ...phases };
    },
    maxAbs(a: Float32Array): number {
      // The factors in the kernel's memory are scanned by the kernel (SIMD); others in JS.
      if (engine && owned && (a === owned.users || a === owned.items)) return engine.maxabs(a.byteOffset, a.length);
      return maxAbs(a);
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
      const t0 = performance.now();
      const T = e.threads;
      if (headerK !== k) {
        regions = new Map();
        owned = null;
        bump = header(k, T);
      }
      let region = regions.get(m);
      if (!region) {
        if (regions.size >= 2) {
          // A new fit: forget the previous fit's matrices (and factors).
          regions = new Map();
          owned = null;
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
      // Factors handed out by `matrices` are solved in place; any others are copied in (and the target back out).
      const inPlace = (a: Float32Array) => owned !== null && (a === owned.users || a === owned.items);
      if ((inPlace(target) && target.byteLength === 0) || (inPlace(fixed) && fixed.byteLength === 0)) {
        throw new Error('ALS kernel: its factor views were detached (the memory grew after matrices()); this is a bug');
      }
      let at = bump;
      const place = (a: Float32Array) => {
        if (inPlace(a)) return a.byteOffset;
        const off = at;
        at += align(a.length * 4);
        return off;
      };
      const yOff = place(fixed);
      const xOff = place(target);
      const tableOff = at;
      ensure(e, tableOff + align(chunks.length * 4));
      const buf = e.memory.buffer;
      if (!inPlace(fixed)) new Float32Array(buf, yOff, fixed.length).set(fixed);
      if (!inPlace(target)) new Float32Array(buf, xOff, target.length).set(target);
      new Int32Array(buf, tableOff, chunks.length).set(chunks);
      const nChunks = chunks.length - 1;
      // Fresh Gram slots and counters, then one request per helper for the whole half-step.
      for (let s = 0; s < GRAM_SLOTS; s++) {
        new Float32Array(buf, layout.slot0 + s * layout.slotBytes, k * k).fill(0);
        new Float64Array(buf, layout.slot0 + s * layout.slotBytes + layout.acc64, k * k).fill(0);
      }
      const ctl = new Int32Array(buf, layout.ctl, CTL.ints);
      ctl.fill(0);
      const request = (t: number): HalfStepRequest => ({
        type: 'halfstep', k, steps: cgSteps, n: m.nCols, y: yOff, slots: GRAM_SLOTS, block: GRAM_BLOCK, slot0: layout.slot0, slotBytes: layout.slotBytes, acc64: layout.acc64,
        x: xOff, indptr: region.indptr, indices: region.indices, conf: region.conf, scratch: layout.scratch(t), copy: rowCopy(k), chunks: tableOff, nChunks, ctl: layout.ctl,
      });
      let helperFailed = false;
      const helpers: Promise<void>[] = [];
      for (let t = 1; t < T; t++) helpers.push(e.pool!.request(t - 1, request(t)));
      for (const h of helpers) h.catch(() => (helperFailed = true));
      // Helpers that fail must not leave an unhandled rejection while this thread still computes.
      const helpersDone = Promise.allSettled(helpers);
      const t1 = performance.now();
      const own = request(0);
      let cancelled = false;
      try {
        // YᵀY: this thread takes Gram slots like the helpers, then waits for the slots still running elsewhere.
        gramSlots(e, ctl, own);
        while (Atomics.load(ctl, CTL.gramDone) < GRAM_SLOTS && !helperFailed) await changed(ctl, CTL.gramDone);
        if (!helperFailed) sumSlots(e, k, regularization, layout);
      } finally {
        // Always let the helpers past their wait (a failure, or an error here, stops them at the chunks).
        if (helperFailed) Atomics.store(ctl, CTL.chunkNext, nChunks);
        Atomics.store(ctl, CTL.ready, 1);
        Atomics.notify(ctl, CTL.ready);
      }
      const t2 = performance.now();
      let lastYield = performance.now();
      for (;;) {
        if (signal?.aborted) {
          cancelled = true;
          Atomics.store(ctl, CTL.chunkNext, nChunks);
          break;
        }
        const i = Atomics.add(ctl, CTL.chunkNext, 1);
        if (i >= nChunks) break;
        e.solve(chunks[i], chunks[i + 1], k, cgSteps, 0, yOff, xOff, region.indptr, region.indices, region.conf, own.scratch, own.copy);
        const done = Atomics.add(ctl, CTL.rowsDone, chunks[i + 1] - chunks[i]) + chunks[i + 1] - chunks[i];
        args.onRows?.(done, m.nRows);
        if (performance.now() - lastYield > YIELD_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
      const t3 = performance.now();
      const settled = await helpersDone;
      const t4 = performance.now();
      if (cancelled) throwIfAborted(signal, 'ALS fit cancelled');
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
      if (T > 1) args.onRows?.(m.nRows, m.nRows);
      if (!inPlace(target)) target.set(new Float32Array(e.memory.buffer, xOff, target.length));
      phases.prepare += (t1 - t0 + performance.now() - t4) / 1000;
      phases.gram += (t2 - t1) / 1000;
      phases.rows += (t3 - t2) / 1000;
      phases.wait += (t4 - t3) / 1000;
    },
    dispose() {
      engine?.pool?.terminate();
      engine = null;
      regions = new Map();
      owned = null;
      headerK = -1;
    },
  };
}

/** Takes Gram slots from the counter until none is left (as the helpers do in pool.ts). */
function gramSlots(e: Engine, ctl: Int32Array, r: HalfStepRequest): void {
  for (;;) {
    const s = Atomics.add(ctl, CTL.gramNext, 1);
    if (s >= r.slots) return;
    const acc32 = r.slot0 + s * r.slotBytes;
    for (let r0 = s * r.block; r0 < r.n; r0 += r.slots * r.block) e.gram(r.y, r0, Math.min(r.n, r0 + r.block), r.k, acc32, acc32 + r.acc64);
    if (Atomics.add(ctl, CTL.gramDone, 1) + 1 === r.slots) Atomics.notify(ctl, CTL.gramDone);
  }
}

/** Resolves when ctl[i] may have changed (Atomics.waitAsync where the runtime has it, else after a turn of the event loop). */
async function changed(ctl: Int32Array, i: number): Promise<void> {
  const seen = Atomics.load(ctl, i);
  const waitAsync = (Atomics as unknown as { waitAsync?: (a: Int32Array, i: number, v: number, ms: number) => { async: boolean; value: Promise<string> | string } }).waitAsync;
  if (waitAsync && ctl.buffer instanceof SharedArrayBuffer) {
    // A time limit, so a helper's failure (reported by message) is noticed without its notify.
    const w = waitAsync(ctl, i, seen, 20);
    if (w.async) await w.value;
    return;
  }
  await yieldToEventLoop();
}

/** YᵀY + λI into offset 0 as f32: the slots' float64 sums added in slot order, the upper triangle mirrored. */
function sumSlots(e: Engine, k: number, ridge: number, layout: Layout): void {
  const g = new Float64Array(k * k);
  for (let s = 0; s < GRAM_SLOTS; s++) {
    const part = new Float64Array(e.memory.buffer, layout.slot0 + s * layout.slotBytes + layout.acc64, k * k);
    for (let j = 0; j < k * k; j++) g[j] += part[j];
  }
  const out = new Float32Array(e.memory.buffer, 0, k * k);
  for (let a = 0; a < k; a++) {
    out[a * k + a] = g[a * k + a] + ridge;
    for (let b = a + 1; b < k; b++) out[a * k + b] = out[b * k + a] = g[a * k + b];
  }
}
