/**
 * Cancellation, one mechanism for the whole project: algorithms, the RPC wire and the notebook
 * runtime all throw and recognise this one error, without depending on each other.
 */

/** Raised (and recognised) when a run is cancelled through its AbortSignal. */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** Throws a CancelledError with `message` when `signal` has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, message = 'cancelled'): void {
  if (signal?.aborted) throw new CancelledError(message);
}

/**
 * Whether `err` is our own cancellation, also after crossing a thread (by name). A DOMException
 * named AbortError from elsewhere (a lost WebGPU device, an aborted fetch) is a failure, not a cancel.
 */
export function isCancelled(err: unknown): boolean {
  return err instanceof CancelledError || (err instanceof Error && err.name === 'CancelledError');
}
