/**
 * Neo4j writes a cell skipped because Neo4j was down. Run all must not stop
 * at a missing Neo4j: a cell that writes there does its in-memory part,
 * skips the writes, says so, and leaves them here; the Graph cell, run again
 * once Neo4j is back, loads the dataset and then catches up on them.
 */
import { neo4jStatus } from '@/app/actions/system';
import { CellFailure, type CellOutput } from '@/lib/notebook/types';

/** How to get Neo4j back, in the words every skipped write uses. */
export const START_NEO4J =
  'Start Neo4j (`npm start` starts the embedded server; `npm run neo4j` runs it alone; or set `NEO4J_URI` to a running Neo4j), ' +
  'then re-run the **Graph** cell: it loads the graph and catches up on the skipped writes.';

/** A deferred write: what it is (for people) and how to do it now. */
export interface PendingWrite {
  /** e.g. "SIMILAR relationships and embeddings of 1,908 products (Image embeddings)" */
  what: string;
  /** Performs the write; returns the outputs that report it. */
  run(progress: (label: string, done: number, total: number) => void, signal: AbortSignal): Promise<CellOutput[]>;
}

const pending = new Map<string, PendingWrite>();

/** Neo4j's availability as a cell needs it: null when up, else why not (message + hint). */
export async function neo4jDown(): Promise<string | null> {
  const s = await neo4jStatus();
  return s.ok ? null : `${s.error}`;
}

/** Leaves a write for later (one per key: a newer run replaces an older one). */
export function deferWrite(key: string, write: PendingWrite): void {
  pending.set(key, write);
}

/** Drops a deferred write (the cell wrote it itself). */
export function clearDeferred(key: string): void {
  pending.delete(key);
}

/** What is waiting, for messages. */
export function deferredWrites(): string[] {
  return [...pending.values()].map((w) => w.what);
}

/** The skipped-writes note a cell shows. */
export function skippedNote(what: string, why: string): CellOutput {
  return { kind: 'markdown', text: `**Neo4j writes skipped:** ${what} were not written, because ${why.replace(/\.$/, '')}. The in-memory results above are complete.\n\n${START_NEO4J}` };
}

/** Runs every deferred write (Neo4j is up); each one leaves the queue once written. */
export async function catchUp(progress: PendingWrite['run'] extends (p: infer P, s: AbortSignal) => unknown ? P : never, signal: AbortSignal): Promise<CellOutput[]> {
  const outputs: CellOutput[] = [];
  for (const [key, w] of [...pending.entries()]) {
    if (signal.aborted) break;
    outputs.push({ kind: 'markdown', text: `Catching up on a write skipped while Neo4j was down: ${w.what}.` });
    try {
      outputs.push(...(await w.run(progress, signal)));
    } catch (err) {
      // A write the graph refuses (e.g. SIMILAR of a dataset the graph no longer holds) is dropped with its reason;
      // the load itself succeeded. Anything else (Neo4j gone again) fails the cell and stays queued.
      if (!(err instanceof CellFailure)) throw err;
      outputs.push({ kind: 'markdown', text: `**Not caught up:** ${err.message}${err.hint ? ` ${err.hint}` : ''}` });
    }
    pending.delete(key);
  }
  return outputs;
}
