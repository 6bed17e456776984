/**
 * The shareable notebook file: parameters, seed, dataset fingerprint, each
 * cell's status and JSON summary (metrics, counts). Outputs and artifacts are
 * not saved: they are reproduced by running the cells again.
 */
import { z } from 'zod';
import type { NotebookSnapshot } from './runtime';
import type { CellId, JsonValue } from './types';

export const NOTEBOOK_FORMAT = 'atelier-notebook';
export const NOTEBOOK_VERSION = 1;

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

const fileSchema = z.object({
  format: z.literal(NOTEBOOK_FORMAT),
  version: z.literal(NOTEBOOK_VERSION),
  savedAt: z.string(),
  seed: z.number().int(),
  dataset: z.object({ fingerprint: z.string(), name: z.string() }).nullable(),
  cells: z.record(
    z.string(),
    z.object({
      params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
      status: z.enum(['idle', 'queued', 'running', 'done', 'error', 'stale', 'cancelled']),
      summary: z.record(z.string(), jsonValue).nullable(),
    }),
  ),
});

export type NotebookFile = z.infer<typeof fileSchema>;

/** Builds the file for a snapshot (cell order as in `ids`). */
export function toNotebookFile(
  snapshot: NotebookSnapshot,
  ids: readonly CellId[],
  dataset: { fingerprint: string; name: string } | null,
  now = new Date(),
): NotebookFile {
  const cells: NotebookFile['cells'] = {};
  for (const id of ids) {
    const s = snapshot.states.get(id);
    if (!s) continue;
    cells[id] = { params: { ...s.params }, status: s.status, summary: s.summary };
  }
  return { format: NOTEBOOK_FORMAT, version: NOTEBOOK_VERSION, savedAt: now.toISOString(), seed: snapshot.seed, dataset, cells };
}

/** Parses and validates a file; the error names the first bad field. */
export function parseNotebookFile(text: string): { ok: true; file: NotebookFile } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `invalid notebook file: not JSON (${(err as Error).message})` };
  }
  const r = fileSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    return { ok: false, error: `invalid notebook file: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return { ok: true, file: r.data };
}
