/**
 * The notebook runtime: holds every cell's state and artifacts, plans and runs
 * cells one at a time, and supports cancel. Framework-free: the React UI and
 * the headless runner both drive it and subscribe to its snapshots.
 */
import { ancestors, descendants, planRun, validateGraph } from './graph';
import { defaultParams, validateParams } from './params';
import { ProgressTracker } from './progress';
import { initialCellState, isActive, transitionCell, type CellEvent, type SavedCellResult } from './transition';
import {
  CellFailure,
  type AnyParamValues,
  type ArtifactReader,
  type CellDefinition,
  type CellError,
  type CellId,
  type CellState,
  type ParamSpecs,
} from './types';
import { CancelledError, isCancelled } from '../util/cancel';

/** What subscribers see; replaced (never mutated) on every change. */
export interface NotebookSnapshot {
  states: ReadonlyMap<CellId, CellState>;
  seed: number;
  running: CellId | null;
}

export interface RuntimeOptions<S> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- cells have heterogeneous parameter types
  cells: readonly CellDefinition<any, S>[];
  services: S;
  seed?: number;
  now?: () => number;
}

export class NotebookRuntime<S> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see RuntimeOptions
  readonly cells: readonly CellDefinition<any, S>[];
  private readonly byId: Map<CellId, CellDefinition<ParamSpecs, S>>;
  private readonly artifacts = new Map<CellId, Record<string, unknown>>();
  /** Cells whose last run failed but handed on earlier artifacts (CellFailure.retained): usable by a cell run alone, never by Run all. */
  private readonly retained = new Set<CellId>();
  private snapshot: NotebookSnapshot;
  private readonly listeners = new Set<() => void>();
  private chain: Promise<void> = Promise.resolve();
  private controller: AbortController | null = null;
  private readonly now: () => number;

  constructor(private readonly options: RuntimeOptions<S>) {
    validateGraph(options.cells);
    this.cells = options.cells;
    this.byId = new Map(options.cells.map((c) => [c.id, c as CellDefinition<ParamSpecs, S>]));
    this.now = options.now ?? Date.now;
    const states = new Map<CellId, CellState>();
    for (const c of options.cells) states.set(c.id, initialCellState(defaultParams(c.params)));
    this.snapshot = { states, seed: options.seed ?? 42, running: null };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): NotebookSnapshot => this.snapshot;

  state(id: CellId): CellState {
    const s = this.snapshot.states.get(id);
    if (!s) throw new Error(`invalid cell id: ${id}`);
    return s;
  }

  /** Sets the notebook seed; every cell that ran becomes stale. */
  setSeed(seed: number): void {
    if (!Number.isInteger(seed)) throw new Error(`invalid seed: ${seed}; expected an integer`);
    this.snapshot = { ...this.snapshot, seed };
    for (const c of this.cells) this.dispatch(c.id, { type: 'invalidate' });
    this.emit();
  }

  /**
   * Changes parameters. Invalid values are rejected with messages naming the
   * field; valid ones mark the cell and its descendants stale (nothing re-runs).
   */
  setParams(id: CellId, input: Record<string, unknown>): { ok: true } | { ok: false; errors: string[] } {
    const def = this.def(id);
    const check = validateParams(def.params, { ...this.state(id).params, ...input });
    if (!check.ok) return check;
    const before = this.state(id);
    const changed = Object.keys(check.values).some((k) => check.values[k] !== before.params[k]);
    if (!changed) return { ok: true };
    this.dispatch(id, { type: 'setParams', params: check.values });
    for (const d of descendants(this.cells, id)) this.dispatch(d, { type: 'invalidate' });
    this.emit();
    return { ok: true };
  }

  /**
   * Restores saved parameters and statuses (from a notebook file or the autosave), and the saved
   * outputs where given: those cells show them marked as saved, and count as not run (no artifacts),
   * so running a later cell runs them first.
   */
  restore(cells: Record<string, { params: AnyParamValues; hadRun: boolean; saved?: SavedCellResult }>, seed?: number): string[] {
    const warnings: string[] = [];
    if (seed !== undefined) this.snapshot = { ...this.snapshot, seed };
    for (const [id, saved] of Object.entries(cells)) {
      const def = this.byId.get(id as CellId);
      if (!def) {
        warnings.push(`notebook file: unknown cell ${id} ignored`);
        continue;
      }
      const known = Object.fromEntries(Object.entries(saved.params).filter(([k]) => k in def.params));
      const check = validateParams(def.params, { ...defaultParams(def.params), ...known });
      if (!check.ok) {
        warnings.push(...check.errors.map((e) => `notebook file, cell ${id}: ${e}; default kept`));
        continue;
      }
      this.artifacts.delete(def.id);
      this.retained.delete(def.id);
      this.dispatch(def.id, { type: 'restore', params: check.values, hadRun: saved.hadRun, saved: saved.saved });
    }
    this.emit();
    return warnings;
  }

  /** Runs one cell, first running any ancestor that is not done. Resolves when finished. */
  run(id: CellId): Promise<void> {
    return this.enqueue([id]);
  }

  /**
   * Runs every cell in order. With `reuse` (the default) a done cell whose
   * ancestors are all reused too keeps its results and says so (its
   * parameters, the seed and its inputs are unchanged: anything else would
   * have made it stale); `reuse: false` recomputes everything.
   */
  runAll(options: { reuse?: boolean } = {}): Promise<void> {
    const reused = new Set<CellId>();
    if (options.reuse ?? true) {
      for (const c of this.cells) {
        // A cell showing saved results (from a notebook file) has no artifacts: it runs.
        if (this.usableStatus(c.id) === 'done' && [...ancestors(this.cells, c.id)].every((a) => reused.has(a))) reused.add(c.id);
      }
      const at = this.now();
      for (const id of reused) this.dispatch(id, { type: 'reuse', at });
    }
    return this.enqueue(this.cells.map((c) => c.id).filter((id) => !reused.has(id)));
  }

  /** Runs `id` and everything before it that is not done (a "Run to here"). */
  runTo(id: CellId): Promise<void> {
    this.def(id);
    return this.enqueue(this.cells.slice(0, this.cells.findIndex((c) => c.id === id) + 1).map((c) => c.id).filter((c) => c === id || this.usableStatus(c) !== 'done'));
  }

  /** Marks a cell and its descendants stale (an input the runtime cannot see changed, e.g. picked files). */
  invalidate(id: CellId): void {
    this.def(id);
    this.dispatch(id, { type: 'invalidate' });
    for (const d of descendants(this.cells, id)) this.dispatch(d, { type: 'invalidate' });
    this.emit();
  }

  /** Cancels the running cell and everything queued. */
  cancel(): void {
    this.controller?.abort(new CancelledError());
    for (const c of this.cells) if (this.state(c.id).status === 'queued') this.dispatch(c.id, { type: 'cancel', at: this.now() });
    this.emit();
  }

  /** Artifacts of a done cell (for hosts that export results). */
  artifactsOf(id: CellId): Record<string, unknown> | undefined {
    return this.artifacts.get(id);
  }

  private enqueue(targets: CellId[]): Promise<void> {
    for (const t of targets) this.def(t);
    // A failed cell that retained its artifacts is not re-run for a descendant run on its own (its old results stay usable);
    // it is re-run when it is itself a target (Run all, or its own Run button).
    const plan = planRun(this.cells, targets, (id) => (this.retained.has(id) && !targets.includes(id) ? 'done' : this.usableStatus(id)));
    const queued = plan.filter((id) => !isActive(this.state(id)));
    for (const id of queued) this.dispatch(id, { type: 'queue' });
    this.emit();
    this.chain = this.chain.then(() => this.execute(queued));
    return this.chain;
  }

  private async execute(plan: CellId[]): Promise<void> {
    for (let i = 0; i < plan.length; i++) {
      const id = plan[i];
      // Cancelled (or otherwise dequeued) while waiting.
      if (this.state(id).status !== 'queued') continue;
      const usable = (a: CellId) => this.usableStatus(a) === 'done' || (this.retained.has(a) && !plan.includes(a));
      const failedDep = [...ancestors(this.cells, id)].find((a) => !usable(a));
      if (failedDep) {
        const dep = this.def(failedDep);
        this.dispatch(id, {
          type: 'fail',
          at: this.now(),
          error: { message: `Not run: "${dep.title}" has no results (${this.state(failedDep).status}).`, hint: `Fix or run "${dep.title}" first.` },
        });
        this.emit();
        continue;
      }
      await this.runOne(id);
    }
  }

  private async runOne(id: CellId): Promise<void> {
    const def = this.def(id);
    const controller = new AbortController();
    this.controller = controller;
    const tracker = new ProgressTracker(this.now);
    this.snapshot = { ...this.snapshot, running: id };
    this.dispatch(id, { type: 'start', at: this.now() });
    this.artifacts.delete(id);
    this.retained.delete(id);
    this.emit();
    const allowed = ancestors(this.cells, id);
    const reader: ArtifactReader = {
      find: <T>(cell: CellId, name: string) => {
        if (!allowed.has(cell)) throw new Error(`cell ${id} reads ${cell}.${name} but does not depend on ${cell}`);
        return this.artifacts.get(cell)?.[name] as T | undefined;
      },
      get: <T>(cell: CellId, name: string) => {
        const v = reader.find<T>(cell, name);
        if (v === undefined) {
          const title = this.byId.get(cell)?.title ?? cell;
          throw new CellFailure(`"${title}" has no result named ${name}.`, `Run "${title}" first.`);
        }
        return v;
      },
    };
    try {
      const result = await def.run({
        params: this.state(id).params as never,
        artifacts: reader,
        signal: controller.signal,
        progress: (u) => {
          if (controller.signal.aborted) return;
          this.dispatch(id, { type: 'progress', progress: tracker.update(u) });
          this.emit();
        },
        log: (line) => {
          this.dispatch(id, { type: 'log', line });
          this.emit();
        },
        preview: (outputs) => {
          if (controller.signal.aborted) return;
          this.dispatch(id, { type: 'preview', outputs });
          this.emit();
        },
        services: this.options.services,
        seed: this.snapshot.seed,
      });
      if (controller.signal.aborted) throw new CancelledError();
      this.artifacts.set(id, result.artifacts ?? {});
      this.dispatch(id, { type: 'succeed', at: this.now(), outputs: result.outputs, summary: result.summary ?? null });
      // New results: whatever was computed from the old ones is out of date.
      for (const d of descendants(this.cells, id)) this.dispatch(d, { type: 'invalidate' });
    } catch (err) {
      if (err instanceof CellFailure && err.retained) {
        this.artifacts.set(id, err.retained);
        this.retained.add(id);
      }
      if (controller.signal.aborted || isCancelled(err)) this.dispatch(id, { type: 'cancel', at: this.now() });
      else this.dispatch(id, { type: 'fail', at: this.now(), error: toCellError(err) });
    } finally {
      this.controller = null;
      this.snapshot = { ...this.snapshot, running: null };
      this.emit();
    }
  }

  /** A cell showing saved results has no artifacts: for planning it is stale. */
  private usableStatus(id: CellId): CellState['status'] {
    const s = this.state(id);
    return s.savedAt !== null && s.status === 'done' ? 'stale' : s.status;
  }

  private def(id: CellId): CellDefinition<ParamSpecs, S> {
    const d = this.byId.get(id);
    if (!d) throw new Error(`invalid cell id: ${id}`);
    return d;
  }

  private dispatch(id: CellId, event: CellEvent): void {
    const states = new Map(this.snapshot.states);
    states.set(id, transitionCell(this.state(id), event));
    this.snapshot = { ...this.snapshot, states };
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}


/** Turns anything thrown into a message + hint + details. */
export function toCellError(err: unknown): CellError {
  if (err instanceof CellFailure) return { message: err.message, hint: err.hint, details: err.details ?? err.stack };
  if (err instanceof Error) {
    const hint = (err as { hint?: unknown }).hint;
    return { message: err.message || err.name, hint: typeof hint === 'string' ? hint : undefined, details: err.stack };
  }
  return { message: String(err) };
}
