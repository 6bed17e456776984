/**
 * Exact cosine top-k with the WebAssembly SIMD kernel (wasm/topk.wat), on one
 * thread or on a pool of threads sharing one memory (lib/cf/wasm/pool.ts, the
 * same pool the ALS kernel uses): the unit rows are written once into the
 * kernel's memory, and blocks of query rows are taken from an atomic counter
 * by every thread (the caller's included). Each pair of rows is scored once
 * (a block's rows against the rows from the block's first on) and offered to
 * both rows' top-k lists as it is computed, so memory is n·d floats plus n·k
 * results per thread, never a block of scores. Each thread fills lists of its
 * own (a block's items reach rows of any later block), merged at the end by
 * (score, lower index): the k best of every pair's score by that order, the
 * same for any thread count and block size.
 *
 * Memory layout (byte offsets, 16-aligned): [ unit rows n × d' f32 (d' = d
 * rounded up to 4, zero padded) | scores n × k f32, per thread | indices
 * n × k i32, per thread | counter i32[2] ].
 */
import { CancelledError } from '../../util/cancel';
import { CgThreadPool, sharedMemoryAvailable, type SpawnCgThread } from '../../cf/wasm/pool';
import { TOPK_FMA_KERNEL_SHARED_WASM, TOPK_FMA_KERNEL_WASM, TOPK_KERNEL_SHARED_WASM, TOPK_KERNEL_WASM } from './wasm/kernel-bytes';
import { checkKnnInput, rowNorms, type KnnOptions, type KnnResult, type VectorSet } from './types';

type TopkFn = (x: number, n: number, d: number, q0: number, q1: number, k: number, self: number, vals: number, idx: number) => void;

/**
 * Query rows per block by default: about 512 KB of query rows (64 at d = 2048) stay in cache while
 * every item streams past once per block, so larger blocks read the items less often (64 rows ran
 * 10-20% faster than 32 here; beyond that, within the noise).
 */
export function wasmBlockRows(d: number): number {
  return Math.max(8, Math.min(128, Math.floor((512 * 1024) / (4 * d))));
}
const PAGE = 65536;
/** The most a 32-bit WebAssembly memory holds (65536 pages), less one page of headroom. */
const MAX_BYTES = 65535 * PAGE;
/** Time the calling thread may compute before it lets messages (cancel) in. */
const YIELD_MS = 50;
const align = (n: number) => Math.ceil(n / 16) * 16;

let fmaHere: boolean | undefined;

/** True when this runtime has relaxed SIMD (f32x4.relaxed_madd: Chromium 114+, Node 22+). */
export function relaxedSimdAvailable(): boolean {
  fmaHere ??= typeof WebAssembly === 'object' && WebAssembly.validate(TOPK_FMA_KERNEL_WASM);
  return fmaHere;
}

/** Options of the WebAssembly path: threads in all (the caller's included) and how to start helpers. */
export interface WasmKnnOptions extends KnnOptions {
  /**
   * Use the relaxed-SIMD build (fused multiply-add, about 1.2x faster here) where the runtime has it.
   * Off by default: relaxed_madd may or may not fuse depending on the runtime and CPU, so its scores
   * differ from the plain build's in the last bits, and a notebook's neighbours (and every figure fed by
   * their scores, e.g. the two-stage ranker's) would then differ between Chromium and Node 20 (the
   * headless runner) or another browser. For one runtime and build they are the same for any thread count.
   */
  fma?: boolean;
  /** Threads in all (default 1). More than 1 needs `spawn` and shared memory. */
  threads?: number;
  /** Starts one helper thread (lib/cf/wasm/pool.ts: Web Worker or worker_threads). */
  spawn?: SpawnCgThread;
}

/** The result, with the threads the kernel actually ran on and why fewer than asked, if so. */
export interface WasmKnnResult extends KnnResult {
  threads: number;
  threadsNote: string | null;
  /** Which build ran: `relaxed-simd-fma` or `simd`. */
  kernel: 'relaxed-simd-fma' | 'simd';
}

/** Bytes the kernel's memory needs for n × d vectors and k neighbours on `threads` threads. */
export function wasmKnnBytes(n: number, d: number, k: number, threads = 1): number {
  const dp = Math.ceil(d / 4) * 4;
  return align(n * dp * 4) + 2 * threads * align(n * k * 4) + 16;
}

/**
 * Share of all pairs scored once the blocks of rows [0, r) are done (block i scores its rows
 * against the rows from its first on), as rows of n: progress that grows with the work, not the rows.
 */
function pairRows(r: number, n: number): number {
  return Math.round((n * (r * n - (r * (r - 1)) / 2)) / ((n * (n + 1)) / 2));
}

/**
 * Row i's k best of `t` lists (each best first by score, then lower index, as the kernel keeps them),
 * by the same order: the lists at vals[l*n*k + i*k ..] / idx[..] for l < t.
 */
function mergeLists(vals: Float32Array, idx: Int32Array, n: number, k: number, t: number): { scores: Float32Array; indices: Int32Array } {
  const scores = new Float32Array(n * k);
  const indices = new Int32Array(n * k);
  const at = new Int32Array(t);
  for (let i = 0; i < n; i++) {
    at.fill(0);
    for (let r = 0; r < k; r++) {
      let best = -1;
      let bs = -Infinity;
      let bi = -1;
      for (let l = 0; l < t; l++) {
        if (at[l] >= k) continue;
        const p = l * n * k + i * k + at[l];
        const s = vals[p];
        const j = idx[p];
        if (j < 0) continue;
        if (best < 0 || s > bs || (s === bs && j < bi)) {
          best = l;
          bs = s;
          bi = j;
        }
      }
      if (best < 0) {
        scores[i * k + r] = -Infinity;
        indices[i * k + r] = -1;
        continue;
      }
      at[best]++;
      scores[i * k + r] = bs;
      indices[i * k + r] = bi;
    }
  }
  return { scores, indices };
}

/** Exact top-k by cosine similarity with the SIMD kernel; same contract as `bruteForceTopK`. */
export async function wasmTopK(v: VectorSet, options: WasmKnnOptions = {}): Promise<WasmKnnResult> {
  const { k, excludeSelf } = checkKnnInput(v, options);
  const { n, d, data } = v;
  const block = options.blockRows ?? wasmBlockRows(d);
  const wanted = Math.max(1, Math.floor(options.threads ?? 1));
  // Sized for the threads asked (each has its own lists); with fewer, the rest goes unused.
  const bytes = wasmKnnBytes(n, d, k, wanted);
  if (bytes > MAX_BYTES) {
    throw new Error(`invalid size: ${n} vectors × ${d} dims need ${(bytes / 2 ** 30).toFixed(2)} GiB in the top-k kernel's memory; expected at most 4 GiB (use blockedTopK)`);
  }
  const norms = rowNorms(v);
  const fma = (options.fma ?? false) && relaxedSimdAvailable();
  const localBytes = fma ? TOPK_FMA_KERNEL_WASM : TOPK_KERNEL_WASM;
  const sharedBytes = fma ? TOPK_FMA_KERNEL_SHARED_WASM : TOPK_KERNEL_SHARED_WASM;
  let note: string | null = null;
  let pool: CgThreadPool | null = null;
  let memory: WebAssembly.Memory;
  let topk: TopkFn;
  if (wanted > 1 && options.spawn && sharedMemoryAvailable()) {
    try {
      pool = new CgThreadPool(options.spawn, wanted - 1, sharedBytes, Math.ceil(bytes / PAGE), 'KNN');
      await pool.whenReady();
    } catch (err) {
      pool?.terminate();
      pool = null;
      note = `${wanted} threads requested, 1 used: ${(err as Error).message}`;
    }
  } else if (wanted > 1) {
    note = `${wanted} threads requested, 1 used: ${options.spawn ? 'no shared WebAssembly memory (the page is not cross-origin isolated)' : 'no way to start threads here (no spawn function)'}`;
  }
  if (pool) {
    memory = pool.memory;
    topk = new WebAssembly.Instance(new WebAssembly.Module(sharedBytes), { env: { mem: memory } }).exports.topk as TopkFn;
  } else {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(localBytes), {});
    memory = inst.exports.mem as WebAssembly.Memory;
    memory.grow(Math.ceil(Math.max(0, bytes - memory.buffer.byteLength) / PAGE));
    topk = inst.exports.topk as TopkFn;
  }
  const threads = pool ? wanted : 1;
  try {
    const dp = Math.ceil(d / 4) * 4;
    const xOff = 0;
    const listBytes = align(n * k * 4);
    const valsOff = align(n * dp * 4);
    const idxOff = valsOff + threads * listBytes;
    const counterOff = idxOff + threads * listBytes;
    const buf = memory.buffer;
    // Unit rows straight into the kernel's memory: no other copy of the n × d input is made.
    const x = new Float32Array(buf, xOff, n * dp);
    for (let i = 0; i < n; i++) {
      const inv = 1 / norms[i];
      const src = i * d;
      const dst = i * dp;
      for (let t = 0; t < d; t++) x[dst + t] = data[src + t] * inv;
      for (let t = d; t < dp; t++) x[dst + t] = 0;
    }
    // Every thread's lists (thread t's start t·listBytes in) begin empty.
    new Float32Array(buf, valsOff, (threads * listBytes) / 4).fill(-Infinity);
    new Int32Array(buf, idxOff, (threads * listBytes) / 4).fill(-1);
    const counter = new Int32Array(buf, counterOff, 2);
    counter[0] = 0;
    counter[1] = 0;
    const self = excludeSelf ? 1 : 0;
    const blocks = Math.ceil(n / block);
    const helpers: Promise<void>[] = [];
    for (let t = 1; t < threads; t++) {
      const own = t * listBytes;
      helpers.push(pool!.request(t - 1, { type: 'topk', x: xOff, n, d: dp, k, self, vals: valsOff + own, idx: idxOff + own, block, counter: counterOff }));
    }
    // Helpers that fail must not leave an unhandled rejection while this thread still computes.
    const helpersDone = Promise.allSettled(helpers);
    let lastYield = performance.now();
    let cancelled = false;
    for (;;) {
      if (options.signal?.aborted) {
        cancelled = true;
        Atomics.store(counter, 0, blocks);
        break;
      }
      const i = Atomics.add(counter, 0, 1);
      if (i >= blocks) break;
      const r0 = i * block;
      const r1 = Math.min(n, r0 + block);
      topk(xOff, n, dp, r0, r1, k, self, valsOff, idxOff);
      const done = Atomics.add(counter, 1, r1 - r0) + r1 - r0;
      options.onProgress?.(pairRows(Math.min(done, n), n), n);
      if (performance.now() - lastYield > YIELD_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
    }
    const settled = await helpersDone;
    if (cancelled) throw new CancelledError('knn cancelled');
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
    if (threads > 1) options.onProgress?.(n, n);
    let scores: Float32Array;
    let indices: Int32Array;
    if (threads === 1) {
      scores = new Float32Array(memory.buffer, valsOff, n * k).slice();
      indices = new Int32Array(memory.buffer, idxOff, n * k).slice();
    } else {
      const stride = listBytes / 4;
      // mergeLists reads list l at l·n·k: copy each thread's list out contiguously when padding separates them.
      const packed = (Ctor: typeof Float32Array | typeof Int32Array, off: number) => {
        const out = new Ctor(threads * n * k);
        for (let l = 0; l < threads; l++) out.set(new Ctor(memory.buffer, off + l * stride * 4, n * k), l * n * k);
        return out;
      };
      ({ scores, indices } = mergeLists(packed(Float32Array, valsOff) as Float32Array, packed(Int32Array, idxOff) as Int32Array, n, k, threads));
    }
    return { n, k, indices, scores, threads, threadsNote: note, kernel: fma ? 'relaxed-simd-fma' : 'simd' };
  } finally {
    pool?.terminate();
  }
}
