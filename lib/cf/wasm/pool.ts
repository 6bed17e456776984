/**
 * A pool of helper threads for the SIMD kernels (the ALS CG kernel, and the
 * exact top-k kernel of lib/embed/knn/wasm): every thread instantiates
 * the `shared` build of cg.wat on one shared WebAssembly.Memory, and the work
 * of a half-step (Gram slots, then chunks of rows) is split by atomic counters
 * in that memory that the threads (the caller's included) take from, as
 * `implicit` splits its row loop across OpenMP threads; one message per
 * helper and half-step. Rows are independent, so the result is the same
 * whichever thread solves a row.
 *
 * lib/ starts no threads itself: the caller passes `spawn`, which turns the
 * helper's source (plain JavaScript, no imports) into a running thread —
 * a Web Worker from a Blob URL in the browser (see `webThreadSource`), a
 * `worker_threads` Worker with `eval: true` in Node (see `nodeThreadSource`).
 * Shared memory needs a cross-origin isolated page in browsers.
 */

/**
 * One ALS half-step (lib/cf/wasm/kernel.ts): first YᵀY, in Gram slots taken
 * from ctl[0] (slot s sums the `block`-row blocks s, s + slots, … of y into
 * its accumulators; ctl[1] counts slots done), then, once the caller sets
 * ctl[2] (YᵀY + λI at offset 0), the rows in chunks taken from ctl[3]
 * (ctl[4] counts rows done). Byte offsets into the shared memory.
 */
export interface HalfStepRequest {
  type: 'halfstep';
  k: number;
  steps: number;
  /** Rows of the fixed factors y. */
  n: number;
  y: number;
  slots: number;
  block: number;
  /** Slot s's f32 block is at slot0 + s·slotBytes, its f64 block acc64 bytes further. */
  slot0: number;
  slotBytes: number;
  acc64: number;
  x: number;
  indptr: number;
  indices: number;
  conf: number;
  scratch: number;
  /** Entries per row the kernel keeps a copy of in the scratch (see layout.ts copyEntries). */
  copy: number;
  /** i32[nChunks + 1] row boundaries. */
  chunks: number;
  nChunks: number;
  /** i32 counters, see above. */
  ctl: number;
}

/** The messages a helper thread understands (byte offsets into the shared memory). */
export type CgThreadRequest =
  | { type: 'init'; bytes: Uint8Array; memory: WebAssembly.Memory }
  | HalfStepRequest
  | {
      /** Exact top-k (lib/embed/knn/wasm): query rows in blocks of `block`, taken from the counter. */
      type: 'topk';
      x: number;
      n: number;
      d: number;
      k: number;
      self: number;
      vals: number;
      idx: number;
      block: number;
      /** i32[2]: next block to take, rows done. */
      counter: number;
    };

/** A helper's reply to each request. */
export type CgThreadReply = { type: 'ready' } | { type: 'done' } | { type: 'error'; message: string };

/** A running helper thread as the pool sees it. */
export interface CgThread {
  postMessage(msg: CgThreadRequest): void;
  /** Registers the one reply handler. */
  onReply(handler: (msg: CgThreadReply) => void): void;
  /** Called when the thread itself fails to start or crashes. */
  onFailure(handler: (message: string) => void): void;
  terminate(): void;
}

/** Starts one helper thread running `source` (from `webThreadSource` or `nodeThreadSource`). */
export type SpawnCgThread = () => CgThread;

/**
 * The helper's body, `(listen, post) => void`, as plain JavaScript: it runs
 * outside any bundle, so it may use nothing but language built-ins.
 */
const THREAD_MAIN = String.raw`(listen, post) => {
  let exports = null;
  let memory = null;
  listen((m) => {
    try {
      if (m.type === 'init') {
        memory = m.memory;
        exports = new WebAssembly.Instance(new WebAssembly.Module(m.bytes), { env: { mem: m.memory } }).exports;
        post({ type: 'ready' });
      } else if (m.type === 'halfstep') {
        const c = new Int32Array(memory.buffer);
        const ctl = m.ctl >> 2;
        for (;;) {
          const s = Atomics.add(c, ctl, 1);
          if (s >= m.slots) break;
          const acc32 = m.slot0 + s * m.slotBytes;
          for (let r0 = s * m.block; r0 < m.n; r0 += m.slots * m.block) exports.gram(m.y, r0, Math.min(m.n, r0 + m.block), m.k, acc32, acc32 + m.acc64);
          if (Atomics.add(c, ctl + 1, 1) + 1 === m.slots) Atomics.notify(c, ctl + 1);
        }
        while (Atomics.load(c, ctl + 2) === 0) Atomics.wait(c, ctl + 2, 0);
        const base = m.chunks >> 2;
        for (;;) {
          const i = Atomics.add(c, ctl + 3, 1);
          if (i >= m.nChunks) break;
          const r0 = c[base + i];
          const r1 = c[base + i + 1];
          exports.solve(r0, r1, m.k, m.steps, 0, m.y, m.x, m.indptr, m.indices, m.conf, m.scratch, m.copy);
          Atomics.add(c, ctl + 4, r1 - r0);
        }
        post({ type: 'done' });
      } else if (m.type === 'topk') {
        const c = new Int32Array(memory.buffer);
        const next = m.counter >> 2;
        const blocks = Math.ceil(m.n / m.block);
        for (;;) {
          const i = Atomics.add(c, next, 1);
          if (i >= blocks) break;
          const r0 = i * m.block;
          const r1 = Math.min(m.n, r0 + m.block);
          exports.topk(m.x, m.n, m.d, r0, r1, m.k, m.self, m.vals, m.idx);
          Atomics.add(c, next + 1, r1 - r0);
        }
        post({ type: 'done' });
      } else {
        post({ type: 'error', message: 'invalid request type: ' + m.type });
      }
    } catch (e) {
      post({ type: 'error', message: String((e && e.message) || e) });
    }
  });
}`;

/** The helper as a dedicated Web Worker script (for a Blob URL). */
export const webThreadSource = (): string =>
  `(${THREAD_MAIN})((f) => { self.onmessage = (e) => f(e.data); }, (m) => self.postMessage(m));\n`;

/** The helper as a Node `worker_threads` script (for `new Worker(source, { eval: true })`). */
export const nodeThreadSource = (): string =>
  `const { parentPort } = require('node:worker_threads');\n(${THREAD_MAIN})((f) => parentPort.on('message', f), (m) => parentPort.postMessage(m));\n`;

/** True when this runtime can share WebAssembly memory between threads. */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return false;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    // Browsers refuse shared memory outside cross-origin isolated pages.
    return false;
  }
}

/** Helper threads (one request at a time each) around one shared memory. */
export class CgThreadPool {
  readonly memory: WebAssembly.Memory;
  private readonly threads: CgThread[] = [];
  private pending: ({ resolve: () => void; reject: (e: Error) => void } | null)[] = [];
  private failure: string | null = null;
  private readonly ready: Promise<void>;

  /** `helpers` threads besides the caller's; `bytes` is a shared build (CG_KERNEL_SHARED_WASM, TOPK_KERNEL_SHARED_WASM); `label` names it in errors. */
  constructor(spawn: SpawnCgThread, helpers: number, bytes: Uint8Array, initialPages: number, private readonly label = 'ALS') {
    this.memory = new WebAssembly.Memory({ initial: initialPages, maximum: 65536, shared: true });
    for (let t = 0; t < helpers; t++) {
      const thread = spawn();
      thread.onReply((msg) => this.settle(t, msg.type === 'error' ? msg.message : null));
      thread.onFailure((message) => {
        this.failure = `${this.label} helper thread ${t} failed: ${message}`;
        this.settle(t, message);
      });
      this.threads.push(thread);
      this.pending.push(null);
    }
    this.ready = Promise.all(this.threads.map((_, t) => this.request(t, { type: 'init', bytes, memory: this.memory }))).then(() => undefined);
  }

  /** Helper threads (the caller's own thread not counted). */
  get helpers(): number {
    return this.threads.length;
  }

  /** Resolves once every helper has instantiated the kernel. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Sends one request to helper `t`; resolves on its `done` (or `ready`). */
  request(t: number, msg: CgThreadRequest): Promise<void> {
    if (this.failure) return Promise.reject(new Error(this.failure));
    if (this.pending[t]) return Promise.reject(new Error(`${this.label} helper thread ${t} is busy`));
    return new Promise<void>((resolve, reject) => {
      this.pending[t] = { resolve, reject };
      this.threads[t].postMessage(msg);
    });
  }

  /** Grows the shared memory to at least `bytes`. */
  ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
  }

  terminate(): void {
    for (const t of this.threads) t.terminate();
    this.threads.length = 0;
    for (const p of this.pending) p?.reject(new Error(`${this.label} thread pool terminated`));
    this.pending = [];
  }

  private settle(t: number, error: string | null): void {
    const p = this.pending[t];
    if (!p) return;
    this.pending[t] = null;
    if (error === null) p.resolve();
    else p.reject(new Error(`${this.label} helper thread ${t}: ${error}`));
  }
}
