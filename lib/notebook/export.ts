/**
 * Exports of a notebook file for use elsewhere: metrics as JSON and CSV (one
 * shape for the browser and the headless runner), the recommendation samples
 * as CSV, and the SHA-256 used for submissions and picked files.
 */
import { cellFigures } from './compare';
import type { NotebookFile } from './file-schema';
import { fromSavedOutputs } from './saved-output';
import type { Scalar } from './types';

/** The metrics export: every cell's status and named figures (summary leaves and metric outputs). */
export interface MetricsExport {
  format: 'atelier-metrics';
  version: 1;
  savedAt: string;
  app: NotebookFile['app'];
  backend: string | null;
  seed: number;
  dataset: NotebookFile['dataset'];
  cells: Record<string, { status: string; finishedAt: string | null; figures: Record<string, Scalar> }>;
  submission: NotebookFile['submission'];
}

export function metricsJson(file: NotebookFile): MetricsExport {
  const cells: MetricsExport['cells'] = {};
  for (const [id, c] of Object.entries(file.cells)) {
    if (c.status === 'idle') continue;
    cells[id] = { status: c.status, finishedAt: c.finishedAt, figures: Object.fromEntries(cellFigures(c.summary, fromSavedOutputs(c.outputs))) };
  }
  return {
    format: 'atelier-metrics', version: 1, savedAt: file.savedAt, app: file.app, backend: file.backend, seed: file.seed, dataset: file.dataset, cells, submission: file.submission,
  };
}

/** `cell,figure,value`: one row per figure. */
export function metricsCsv(file: NotebookFile): string {
  const lines = ['cell,figure,value'];
  for (const [id, c] of Object.entries(metricsJson(file).cells)) for (const [name, v] of Object.entries(c.figures)) lines.push([id, name, v === null ? '' : String(v)].map(csvField).join(','));
  return lines.join('\n') + '\n';
}

/** `source,customer,rank,item`: the saved top-k lists, rank from 1. */
export function recommendationsCsv(file: NotebookFile): string {
  const lines = ['source,customer,rank,item'];
  for (const s of file.recommendations) for (const c of s.customers) c.items.forEach((item, r) => lines.push([s.cell, c.customer, String(r + 1), item].map(csvField).join(',')));
  return lines.join('\n') + '\n';
}

export function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** SHA-256 of text or bytes, as hex (Web Crypto: browsers and Node alike). */
export async function sha256Hex(data: string | ArrayBuffer | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data instanceof Uint8Array ? data : new Uint8Array(data);
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
