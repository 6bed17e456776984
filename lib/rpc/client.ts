/**
 * The main-thread side of a worker: typed calls, replies matched through a
 * pending map, progress callbacks, cancellation (AbortSignal) and timeouts.
 * Unknown or malformed replies are rejected and reported, never guessed at.
 */
import { CancelledError } from '../util/cancel';
import { fromWireError, type FromWorker, type PortLike, type RpcMap, type WireProgress } from './wire';

export interface CallOptions {
  signal?: AbortSignal;
  /** Rejects with RpcTimeoutError after this many ms (and cancels the work). */
  timeoutMs?: number;
  onProgress?: (p: WireProgress) => void;
  onLog?: (line: string) => void;
  /** Buffers to move instead of copy; the caller's arrays become detached. */
  transfer?: Transferable[];
}

export class RpcTimeoutError extends Error {
  constructor(method: string, ms: number) {
    super(`${method} did not answer within ${ms} ms`);
    this.name = 'RpcTimeoutError';
  }
}

/** A reply that matches no pending request, or is not a reply at all. */
export class RpcProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RpcProtocolError';
  }
}

interface Pending {
  method: string;
  resolve(v: unknown): void;
  reject(e: Error): void;
  options: CallOptions;
  cleanup(): void;
}

export class RpcClient<M extends RpcMap> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listener = (ev: MessageEvent) => this.receive(ev.data);

  /** `onProtocolError` hears about replies that were rejected. */
  constructor(
    private readonly port: PortLike,
    private readonly onProtocolError: (e: RpcProtocolError) => void = () => {},
  ) {
    port.addEventListener('message', this.listener);
  }

  /** Number of calls awaiting a reply. */
  get inFlight(): number {
    return this.pending.size;
  }

  call<K extends keyof M & string>(method: K, payload: M[K]['req'], options: CallOptions = {}): Promise<M[K]['res']> {
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.reject(new CancelledError(`${method} cancelled`));
    const id = this.nextId++;
    return new Promise<M[K]['res']>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        this.port.postMessage({ kind: 'cancel', id });
        this.settle(id)?.reject(new CancelledError(`${method} cancelled`));
      };
      const cleanup = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, options, cleanup });
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.port.postMessage({ kind: 'cancel', id });
          this.settle(id)?.reject(new RpcTimeoutError(method, timeoutMs));
        }, timeoutMs);
      }
      this.port.postMessage({ kind: 'request', id, method, payload }, options.transfer ?? []);
    });
  }

  /** Rejects every pending call (e.g. the worker crashed) and stops listening. */
  dispose(reason: Error = new Error('worker closed')): void {
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(reason);
    this.port.removeEventListener('message', this.listener);
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    p.cleanup();
    return p;
  }

  private receive(data: unknown): void {
    const msg = data as FromWorker;
    if (!msg || typeof msg !== 'object' || typeof msg.id !== 'number') {
      this.onProtocolError(new RpcProtocolError(`invalid reply: ${safeJson(data)}`));
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) {
      // Late replies to cancelled or timed-out calls land here too; they are dropped.
      this.onProtocolError(new RpcProtocolError(`reply for unknown request ${msg.id} (${msg.kind})`));
      return;
    }
    switch (msg.kind) {
      case 'progress':
        p.options.onProgress?.(msg.progress);
        return;
      case 'log':
        p.options.onLog?.(msg.line);
        return;
      case 'response':
        this.settle(msg.id);
        if (msg.ok) p.resolve(msg.payload);
        else p.reject(fromWireError(msg.error));
        return;
      default: {
        const kind = (msg as { kind?: unknown }).kind;
        this.settle((msg as { id: number }).id);
        const err = new RpcProtocolError(`invalid reply kind ${safeJson(kind)} for ${p.method}`);
        this.onProtocolError(err);
        p.reject(err);
      }
    }
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 200) ?? String(v);
  } catch {
    return String(v);
  }
}
