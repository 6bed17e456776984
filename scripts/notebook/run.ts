/**
 * Runs a notebook file headless: the same cells (lib/ code) as the browser,
 * with Node services, then compares each cell's figures with the saved ones
 * (lib/notebook/compare.ts rule) and builds the updated notebook file.
 */
import { compareCell, worst, type CellComparison } from '@/lib/notebook/compare';
import { restoreInput, type NotebookFile } from '@/lib/notebook/file';
import { formatProgress, ProgressTracker } from '@/lib/notebook/progress';
import { NotebookRuntime } from '@/lib/notebook/runtime';
import { fromSavedOutputs } from '@/lib/notebook/saved-output';
import type { CellDefinition, CellId } from '@/lib/notebook/types';
import { alsCell } from '@/app/notebook/cells/als';
import { embeddingsCell } from '@/app/notebook/cells/embeddings';
import { evaluateCell } from '@/app/notebook/cells/evaluate';
import { graphCell } from '@/app/notebook/cells/graph';
import { hybridCell } from '@/app/notebook/cells/hybrid';
import { towersCell } from '@/app/notebook/cells/towers';
import { collectNotebookFile } from '@/app/notebook/share/collect';
import { headlessDataCell } from './data-cell';
import { headlessEvaluateCell, IMAGE_STRATEGIES } from './evaluate-cell';
import { headlessServices, type HeadlessBackend, type HeadlessServices } from './services';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- cells differ in their parameter types
type AnyCell = CellDefinition<any, HeadlessServices>;

/** The cells the headless runner has, in notebook order. */
export const HEADLESS_CELLS: readonly AnyCell[] = [headlessDataCell, graphCell, embeddingsCell, alsCell, towersCell, hybridCell, evaluateCell];

/**
 * The cells of one run: with `--skip embeddings` (e.g. a slow CNN on the Node CPU backend) there are no image
 * neighbours, so Hybrid is left out too and Evaluate runs without its image strategies (figures shown, not judged).
 */
export function headlessCells(skip: ReadonlySet<string>): readonly AnyCell[] {
  if (!skip.has('embeddings')) return HEADLESS_CELLS;
  return HEADLESS_CELLS.filter((c) => c.id !== 'embeddings' && c.id !== 'hybrid').map((c) => (c.id === 'evaluate' ? headlessEvaluateCell : c));
}

/**
 * Cells of the browser notebook that do not run headless: title and why. (Titles are repeated here:
 * importing the cells' index would pull in cells that need a page.)
 */
export const NOT_HEADLESS: Readonly<Record<string, { title: string; why: string }>> = {
  system: { title: 'System', why: 'probes the browser (WebGPU, cross-origin isolation)' },
  explore: { title: 'Explore', why: 'not wired yet; its SQL would run on native DuckDB unchanged' },
};

/** The browser notebook's cells in order. */
const NOTEBOOK_ORDER = ['system', 'data', 'explore', 'graph', 'embeddings', 'als', 'towers', 'hybrid', 'evaluate'] as const;

/** Every cell's id and title, in notebook order (report headings). */
export const CELL_TITLES: readonly { id: string; title: string; explanation?: string }[] = NOTEBOOK_ORDER.map((id) => {
  const c = HEADLESS_CELLS.find((x) => x.id === id);
  return c ? { id, title: c.title, explanation: c.explanation } : { id, title: NOT_HEADLESS[id].title };
});

export interface RunOptions {
  dataDir?: string | null;
  duckdbPath?: string;
  /** Cells not to run (e.g. `graph` where no Neo4j is reachable); they are listed as skipped. */
  skip?: readonly string[];
  /** TF.js backend (default cpu). */
  backend?: HeadlessBackend;
  /** Progress lines (rate and ETA) and cell starts/ends. */
  onLine?: (line: string) => void;
}

export interface RunResult {
  ok: boolean;
  /** The failing cell's title and message when !ok. */
  failure: { cell: string; message: string; hint?: string } | null;
  ran: string[];
  skipped: { cell: string; title: string; why: string }[];
  comparisons: Map<string, CellComparison>;
  file: NotebookFile;
}

export async function runNotebook(input: NotebookFile, options: RunOptions = {}): Promise<RunResult> {
  const say = options.onLine ?? (() => undefined);
  const services = headlessServices({ dataDir: options.dataDir ?? null, duckdbPath: options.duckdbPath, backend: options.backend });
  const skip = new Set(options.skip ?? []);
  const reasons = new Map([...skip].map((id) => [id, 'asked with --skip']));
  const cells = headlessCells(skip);
  const runtime = new NotebookRuntime<HeadlessServices>({ cells, services, seed: input.seed });
  const available = new Set<string>(cells.map((c) => c.id));
  // Parameters only: every cell runs here.
  const params = Object.fromEntries(Object.entries(restoreInput(input)).filter(([id]) => available.has(id)).map(([id, c]) => [id, { params: c.params, hadRun: false }]));
  for (const w of runtime.restore(params, input.seed)) say(`warning: ${w}`);
  const ranBefore = (id: string) => ['done', 'stale', 'error'].includes(input.cells[id]?.status ?? 'idle');
  const targets = cells.filter((c) => ranBefore(c.id) && !skip.has(c.id)).map((c) => c.id);
  const skipped = Object.keys(input.cells)
    .filter((id) => ranBefore(id) && (!available.has(id) || skip.has(id)))
    .map((id) => {
      const c = HEADLESS_CELLS.find((x) => x.id === id);
      const why = reasons.get(id) ?? `needs the Image embeddings cell, which is skipped (${reasons.get('embeddings')})`;
      return c ? { cell: id, title: c.title, why } : { cell: id, title: NOT_HEADLESS[id]?.title ?? id, why: NOT_HEADLESS[id]?.why ?? 'not a cell of this app' };
    });

  // Rate and ETA over a cell's whole run in one unit: cells change the label every phase
  // ("ALS iteration 3/15 (users)"), which restarts the runtime's own per-label rate.
  let lastLine = 0;
  let stream = '';
  let tracker = new ProgressTracker();
  let lastShown: unknown = null;
  const off = runtime.subscribe(() => {
    const id = runtime.getSnapshot().running;
    const p = id ? runtime.state(id).progress : null;
    if (!id || !p || p === lastShown) return;
    lastShown = p;
    const key = `${id}|${p.unit}|${p.total}`;
    if (key !== stream) {
      // A new cell or phase: its first line is printed at once (then at most one a second).
      stream = key;
      tracker = new ProgressTracker();
      lastLine = 0;
    }
    const whole = tracker.update({ label: 'whole cell', done: p.done, total: p.total, unit: p.unit });
    const now = Date.now();
    if (now - lastLine < 1000 && p.done < p.total) return;
    lastLine = now;
    say(`  ${id}: ${formatProgress({ ...whole, label: p.label })}`);
  });
  const ran: string[] = [];
  let failure: RunResult['failure'] = null;
  try {
    for (const id of targets) {
      const def = cells.find((c) => c.id === id)!;
      say(`▶ ${def.title}`);
      const t0 = Date.now();
      await runtime.run(id);
      const s = runtime.state(id);
      if (s.status !== 'done') {
        failure = { cell: def.title, message: s.error?.message ?? s.status, hint: s.error?.hint };
        break;
      }
      ran.push(id);
      say(`✓ ${def.title} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
    const comparisons = new Map<string, CellComparison>();
    for (const id of ran) {
      const saved = input.cells[id];
      if (saved?.status === 'done') comparisons.set(id, withoutImageStrategies(id, !available.has('embeddings'), compareCell({ summary: saved.summary, outputs: fromSavedOutputs(saved.outputs) }, runtime.state(id as CellId))));
    }
    const file = await collectNotebookFile(runtime, { files: services.pickedFiles, backend: `${options.backend ?? 'cpu'} (Node, headless)` });
    return { ok: failure === null, failure, ran, skipped, comparisons, file };
  } finally {
    off();
    services.close();
  }
}

/** Figures of strategies that read image neighbours, which Evaluate has not when Image embeddings is skipped: shown, not judged. */
export function isImageFigure(cell: string, name: string): boolean {
  return cell === 'evaluate' && IMAGE_STRATEGIES.some((s) => name.startsWith(`${s}.`));
}

function withoutImageStrategies(cell: string, noImages: boolean, c: CellComparison): CellComparison {
  if (cell !== 'evaluate' || !noImages) return c;
  const figures = c.figures.map((f) => (isImageFigure(cell, f.name) ? { ...f, verdict: 'not compared' as const } : f));
  return { verdict: worst(figures.map((f) => f.verdict)), figures };
}
