/**
 * The worker side: dispatches requests to typed handlers, forwards progress,
 * aborts handlers on cancel, and transfers typed arrays in results.
 */
import { collectTransferables, toWireError, type FromWorker, type PortLike, type RpcMap, type ToWorker, type WireProgress } from './wire';

export interface HandlerContext {
  signal: AbortSignal;
  progress(p: WireProgress): void;
  log(line: string): void;
}

export type Handlers<M extends RpcMap> = {
  [K in keyof M]: (payload: M[K]['req'], ctx: HandlerContext) => Promise<M[K]['res']> | M[K]['res'];
};

/** Serves `handlers` on `port` until the returned function is called. */
export function serveRpc<M extends RpcMap>(port: PortLike, handlers: Handlers<M>): () => void {
  const running = new Map<number, AbortController>();
  const send = (msg: FromWorker, transfer: Transferable[] = []) => port.postMessage(msg, transfer);

  const listener = (ev: MessageEvent) => {
    const msg = ev.data as ToWorker;
    switch (msg?.kind) {
      case 'cancel':
        running.get(msg.id)?.abort();
        return;
      case 'request':
        void handle(msg);
        return;
      default:
        // Nothing to answer: without a request id the client cannot match a reply.
        console.warn('rpc: ignored message', msg);
        return;
    }
  };

  const handle = async (msg: Extract<ToWorker, { kind: 'request' }>) => {
    const handler = (handlers as Record<string, Handlers<M>[keyof M] | undefined>)[msg.method];
    if (!handler) {
      send({ kind: 'response', id: msg.id, ok: false, error: { name: 'RpcMethodError', message: `unknown method: ${msg.method}` } });
      return;
    }
    const controller = new AbortController();
    running.set(msg.id, controller);
    try {
      const result = await handler(msg.payload as never, {
        signal: controller.signal,
        progress: (progress) => send({ kind: 'progress', id: msg.id, progress }),
        log: (line) => send({ kind: 'log', id: msg.id, line }),
      });
      if (controller.signal.aborted) return;
      send({ kind: 'response', id: msg.id, ok: true, payload: result }, collectTransferables(result));
    } catch (err) {
      if (controller.signal.aborted) return;
      send({ kind: 'response', id: msg.id, ok: false, error: toWireError(err) });
    } finally {
      running.delete(msg.id);
    }
  };

  port.addEventListener('message', listener);
  return () => port.removeEventListener('message', listener);
}

