/**
 * The shareable notebook file (version 2, schemas in file-schema.ts): writes a
 * runtime snapshot with its outputs, reads a file of any known version
 * (version 1 is migrated), and says exactly what is wrong with anything else.
 */
import pkg from '../../package.json';
import type { NotebookSnapshot } from './runtime';
import { toSavedOutputs, fromSavedOutputs, type SaveOutputOptions } from './saved-output';
import type { SavedCellResult } from './transition';
import type { AnyParamValues, CellId } from './types';
import {
  fileSchemaV1, fileSchemaV2, NOTEBOOK_FORMAT, NOTEBOOK_VERSION,
  type DatasetIdentity, type NotebookFile, type NotebookFileV1, type RecommendationSample, type SavedCell,
} from './file-schema';

export { NOTEBOOK_FORMAT, NOTEBOOK_VERSION };
export type { DatasetIdentity, NotebookFile, RecommendationSample };

/** The app that writes files: name and version from package.json. */
export const APP = { name: pkg.name, version: pkg.version } as const;

export interface NotebookFileInput {
  snapshot: NotebookSnapshot;
  /** Cell order. */
  ids: readonly CellId[];
  dataset: DatasetIdentity | null;
  backend: string | null;
  recommendations?: RecommendationSample[];
  submission?: { sha256: string; rows: number } | null;
  now?: Date;
}

/** Builds the file for a snapshot; charts and images are converted as `options` allow (see saved-output.ts). */
export async function toNotebookFile(input: NotebookFileInput, options: SaveOutputOptions = {}): Promise<NotebookFile> {
  const cells: NotebookFile['cells'] = {};
  for (const id of input.ids) {
    const s = input.snapshot.states.get(id);
    if (!s) continue;
    // A cell that is running or queued is saved as it was last seen finished: its outputs, if any.
    const status = s.status === 'running' || s.status === 'queued' ? (s.outputs.length ? 'stale' : 'idle') : s.status;
    cells[id] = {
      params: { ...s.params },
      status,
      finishedAt: s.savedAt ?? (s.finishedAt !== null ? new Date(s.finishedAt).toISOString() : null),
      summary: s.summary,
      outputs: await toSavedOutputs(s.outputs, options),
      error: s.error ? { message: s.error.message, ...(s.error.hint ? { hint: s.error.hint } : {}) } : null,
    };
  }
  return {
    format: NOTEBOOK_FORMAT,
    version: NOTEBOOK_VERSION,
    savedAt: (input.now ?? new Date()).toISOString(),
    app: { ...APP },
    backend: input.backend,
    seed: input.snapshot.seed,
    dataset: input.dataset,
    cells,
    recommendations: input.recommendations ?? [],
    submission: input.submission ?? null,
  };
}

export type ParseResult = { ok: true; file: NotebookFile; migratedFrom: number | null } | { ok: false; error: string };

/** Parses, validates and migrates a file; the error says what is wrong and where. */
export function parseNotebookFile(text: string): ParseResult {
  if (text.trim() === '') return fail('the file is empty');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    if (endsEarly(text)) {
      return fail(`the file is truncated: its JSON ends early after ${text.length.toLocaleString('en-US')} characters (${msg})`);
    }
    return fail(`not JSON (${msg})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail(`not an Atelier notebook: expected a JSON object, found ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : `a ${typeof raw}`}`);
  }
  const obj = raw as Record<string, unknown>;
  if (!('format' in obj)) {
    const keys = Object.keys(obj).slice(0, 6).join(', ');
    return fail(`not an Atelier notebook: it has no "format": "${NOTEBOOK_FORMAT}" field (top-level keys: ${keys || 'none'})`);
  }
  if (obj.format !== NOTEBOOK_FORMAT) return fail(`not an Atelier notebook: format is ${JSON.stringify(obj.format)}, expected "${NOTEBOOK_FORMAT}"`);
  const version = obj.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) return fail(`version: expected a whole number, found ${JSON.stringify(version)}`);
  if (version > NOTEBOOK_VERSION) {
    return fail(`made by a newer Atelier (notebook version ${version}); this app opens versions 1 to ${NOTEBOOK_VERSION}: update the app to open it`);
  }
  if (version === 1) {
    const r = fileSchemaV1.safeParse(raw);
    if (!r.success) return fail(`version 1 file: ${describeIssues(r.error.issues)}`);
    return { ok: true, file: migrateV1(r.data), migratedFrom: 1 };
  }
  if (version !== 2) return fail(`unknown notebook version ${version}; this app opens versions 1 to ${NOTEBOOK_VERSION}`);
  const r = fileSchemaV2.safeParse(raw);
  if (!r.success) return fail(describeIssues(r.error.issues));
  return { ok: true, file: r.data, migratedFrom: null };
}

/** Version 1 → 2: no outputs were saved, so cells that had run come back stale with their summaries. */
export function migrateV1(v1: NotebookFileV1): NotebookFile {
  const cells: Record<string, SavedCell> = {};
  for (const [id, c] of Object.entries(v1.cells)) {
    cells[id] = { params: c.params, status: c.status, finishedAt: null, summary: c.summary, outputs: [], error: null };
  }
  return {
    format: NOTEBOOK_FORMAT,
    version: NOTEBOOK_VERSION,
    savedAt: v1.savedAt,
    app: { name: APP.name, version: 'unknown (version 1 file)' },
    backend: null,
    seed: v1.seed,
    dataset: v1.dataset ? { kind: 'other', name: v1.dataset.name, fingerprint: v1.dataset.fingerprint } : null,
    cells,
    recommendations: [],
    submission: null,
  };
}

/** What `NotebookRuntime.restore` takes: parameters, whether the cell had run, and its saved results when it has some. */
export function restoreInput(file: NotebookFile): Record<string, { params: AnyParamValues; hadRun: boolean; saved?: SavedCellResult }> {
  const out: Record<string, { params: AnyParamValues; hadRun: boolean; saved?: SavedCellResult }> = {};
  for (const [id, c] of Object.entries(file.cells)) {
    const hadRun = c.status === 'done' || c.status === 'stale' || c.status === 'error';
    const hasResults = c.outputs.length > 0 || c.error !== null;
    const status = c.status === 'done' || c.status === 'error' ? c.status : 'stale';
    out[id] = {
      params: c.params,
      hadRun,
      ...(hadRun && hasResults
        ? { saved: { at: c.finishedAt ?? file.savedAt, status, outputs: fromSavedOutputs(c.outputs), summary: c.summary, error: c.error } }
        : {}),
    };
  }
  return out;
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error: `invalid notebook file: ${error}` };
}

/** A JSON text that stops inside an object or array (more openers than closers outside strings). */
function endsEarly(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
  }
  return inString || depth > 0;
}

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const shown = issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  return shown.join('; ') + (issues.length > 3 ? `; and ${issues.length - 3} more problems` : '');
}
