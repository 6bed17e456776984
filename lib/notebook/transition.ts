/**
 * Cell state transitions: one pure function, one exhaustive switch. The
 * runtime never mutates a CellState any other way.
 */
import type { Progress } from './progress';
import type { AnyParamValues, CellError, CellOutput, CellState, JsonValue } from './types';
import { assertNever } from '../util/assert';

/** Everything that can happen to a cell. */
export type CellEvent =
  /** A parameter changed: done/error/cancelled cells become stale; nothing re-runs. */
  | { type: 'setParams'; params: AnyParamValues }
  /** An ancestor changed: the cell's results are out of date. */
  | { type: 'invalidate' }
  | { type: 'queue' }
  | { type: 'start'; at: number }
  | { type: 'progress'; progress: Progress }
  | { type: 'log'; line: string }
  | { type: 'preview'; outputs: readonly CellOutput[] }
  | { type: 'succeed'; at: number; outputs: readonly CellOutput[]; summary: Record<string, JsonValue> | null }
  | { type: 'fail'; at: number; error: CellError }
  | { type: 'cancel'; at: number }
  /** Run all kept a done cell's results: its parameters, the seed and its inputs are unchanged. */
  | { type: 'reuse'; at: number }
  /**
   * Restore a saved cell (from a notebook file or the autosave). Artifacts are never saved, so a
   * cell that had run becomes stale; its saved outputs and summary are shown, marked with `saved.at`.
   */
  | { type: 'restore'; params: AnyParamValues; hadRun: boolean; saved?: SavedCellResult };

/**
 * A cell's results as saved in a notebook file: shown again without running. The status is the
 * saved one (`done`, `error`, or `stale` when the saved results were already out of date).
 */
export interface SavedCellResult {
  at: string;
  status: 'done' | 'error' | 'stale';
  outputs: readonly CellOutput[];
  summary: Record<string, JsonValue> | null;
  error: CellError | null;
}

/** A fresh cell with its default parameters. */
export function initialCellState(params: AnyParamValues): CellState {
  return {
    status: 'idle',
    params,
    progress: null,
    error: null,
    outputs: [],
    preview: null,
    summary: null,
    logs: [],
    startedAt: null,
    finishedAt: null,
    runCount: 0,
    reusedAt: null,
    savedAt: null,
  };
}

const MAX_LOG_LINES = 500;

/** Applies one event; events that make no sense in the current status leave the state unchanged. */
export function transitionCell(state: CellState, event: CellEvent): CellState {
  switch (event.type) {
    case 'setParams': {
      const status = state.status === 'idle' ? 'idle' : isActive(state) ? state.status : 'stale';
      return { ...state, params: { ...state.params, ...event.params }, status };
    }
    case 'invalidate':
      if (state.status === 'done' || state.status === 'error' || state.status === 'cancelled') {
        return { ...state, status: 'stale' };
      }
      return state;
    case 'queue':
      if (isActive(state)) return state;
      return { ...state, status: 'queued', progress: null };
    case 'start':
      if (state.status !== 'queued') return state;
      return { ...state, status: 'running', startedAt: event.at, error: null, logs: [], progress: null, preview: null, reusedAt: null, savedAt: null };
    case 'progress':
      if (state.status !== 'running') return state;
      return { ...state, progress: event.progress };
    case 'log':
      if (state.status !== 'running') return state;
      return { ...state, logs: [...state.logs, event.line].slice(-MAX_LOG_LINES) };
    case 'preview':
      if (state.status !== 'running') return state;
      return { ...state, preview: event.outputs };
    case 'succeed':
      if (state.status !== 'running') return state;
      return {
        ...state,
        status: 'done',
        finishedAt: event.at,
        outputs: event.outputs,
        summary: event.summary,
        progress: null,
        preview: null,
        error: null,
        runCount: state.runCount + 1,
      };
    case 'fail':
      if (state.status !== 'running' && state.status !== 'queued') return state;
      return { ...state, status: 'error', finishedAt: event.at, error: event.error, progress: null, preview: null };
    case 'cancel':
      if (!isActive(state)) return state;
      return { ...state, status: 'cancelled', finishedAt: event.at, progress: null, preview: null };
    case 'reuse':
      if (state.status !== 'done') return state;
      return { ...state, reusedAt: event.at };
    case 'restore': {
      const fresh = { ...initialCellState(event.params), status: event.hadRun ? ('stale' as const) : ('idle' as const) };
      if (!event.saved || !event.hadRun) return fresh;
      const { at, status, outputs, summary, error } = event.saved;
      return { ...fresh, status, outputs, summary, error, savedAt: at };
    }
    default:
      return assertNever(event);
  }
}

/** Queued or running. */
export function isActive(state: CellState): boolean {
  return state.status === 'queued' || state.status === 'running';
}
