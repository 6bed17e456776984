/**
 * The wire format every worker speaks: requests matched to responses by id,
 * progress and log events on the side, cancellation by id. Errors cross as
 * plain `{name, message, stack, hint}` records.
 */

/** A method table: method name → request and response payload types. */
export type RpcMap = { [method: string]: { req: unknown; res: unknown } };

export interface WireError {
  name: string;
  message: string;
  stack?: string;
  hint?: string;
}

export interface WireProgress {
  label: string;
  done: number;
  total: number;
  unit?: string;
}

export type ToWorker =
  | { kind: 'request'; id: number; method: string; payload: unknown }
  | { kind: 'cancel'; id: number };

export type FromWorker =
  | { kind: 'response'; id: number; ok: true; payload: unknown }
  | { kind: 'response'; id: number; ok: false; error: WireError }
  | { kind: 'progress'; id: number; progress: WireProgress }
  | { kind: 'log'; id: number; line: string };

/** The part of a Worker / MessagePort / worker global both ends need. */
export interface PortLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** Serialises an error for the other side. */
export function toWireError(err: unknown): WireError {
  if (err instanceof Error) {
    const hint = (err as { hint?: unknown }).hint;
    return { name: err.name, message: err.message, stack: err.stack, hint: typeof hint === 'string' ? hint : undefined };
  }
  return { name: 'Error', message: String(err) };
}

/** Rebuilds an Error from its wire form (name, stack and hint kept). */
export function fromWireError(w: WireError): Error & { hint?: string } {
  const e = new Error(w.message) as Error & { hint?: string };
  e.name = w.name;
  if (w.stack) e.stack = w.stack;
  if (w.hint) e.hint = w.hint;
  return e;
}

/**
 * The ArrayBuffers under typed arrays in `value` (searched a few levels deep),
 * each once, so results can be transferred instead of copied.
 */
export function collectTransferables(value: unknown, depth = 4, out = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (value === null || typeof value !== 'object' || depth < 0) return [...out];
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && value.buffer.byteLength > 0) out.add(value.buffer);
  } else if (value instanceof ArrayBuffer) {
    out.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectTransferables(v, depth - 1, out);
  } else {
    for (const v of Object.values(value)) collectTransferables(v, depth - 1, out);
  }
  return [...out];
}
