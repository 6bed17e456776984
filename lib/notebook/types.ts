/**
 * The cell contract. A cell is one file exporting a `CellDefinition`; the
 * notebook lists the definitions in order in one index file. Definitions are
 * plain data plus a `run` function, so the runtime, the UI and the headless
 * runner all treat every cell the same way.
 */
import type { Progress } from './progress';

/** A cell's id: stable across versions, used as the key in notebook files. */
export type CellId = string & { readonly __brand: 'CellId' };

/** Brands a string as a cell id. */
export const cellId = (id: string): CellId => id as CellId;

/** One typed parameter, rendered as one form field. */
export type ParamSpec =
  | {
      kind: 'number';
      label: string;
      default: number;
      min?: number;
      max?: number;
      step?: number;
      /** When true the value must be a whole number. */
      integer?: boolean;
      help?: string;
    }
  | {
      kind: 'select';
      label: string;
      default: string;
      options: readonly { value: string; label: string }[];
      help?: string;
    }
  | { kind: 'text'; label: string; default: string; multiline?: boolean; help?: string }
  | { kind: 'boolean'; label: string; default: boolean; help?: string };

export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

/** The value type a spec produces. */
export type ParamValue<S extends ParamSpec> = S extends { kind: 'number' }
  ? number
  : S extends { kind: 'boolean' }
    ? boolean
    : string;

export type ParamValues<P extends ParamSpecs> = { [K in keyof P]: ParamValue<P[K]> };

/** Loosely typed parameter values, as stored in runtime state and notebook files. */
export type AnyParamValues = Record<string, number | string | boolean>;

/** A table cell value. */
export type Scalar = string | number | boolean | null;

/** What a cell shows. Outputs are rendered by the UI; they need not be JSON. */
export type CellOutput =
  | {
      kind: 'table';
      title?: string;
      columns: readonly string[];
      rows: readonly (readonly Scalar[])[];
      /** Rows that exist but were not included (paging, caps). */
      totalRows?: number;
    }
  | {
      kind: 'plot';
      title?: string;
      /** Options for `Plot.plot` from @observablehq/plot (marks included). */
      plot: Record<string, unknown>;
    }
  | {
      kind: 'images';
      title?: string;
      items: readonly { src: string; caption: string; detail?: string; highlight?: boolean }[];
      /** Items per row; default 6. */
      columns?: number;
    }
  | {
      kind: 'metrics';
      title?: string;
      /** Named figures; `unit` is shown after the value. */
      values: readonly { name: string; value: Scalar; unit?: string }[];
    }
  | { kind: 'markdown'; text: string }
  | { kind: 'log'; title?: string; lines: readonly string[] }
  | {
      kind: 'graph';
      title?: string;
      nodes: readonly { id: string; label: string; group: string }[];
      links: readonly { source: string; target: string; label?: string }[];
    }
  | {
      /**
       * A chart as it was drawn, restored from a notebook file: the SVG markup (null when it was
       * saved without a renderer, e.g. headless) and the data rows of its marks.
       */
      kind: 'chart';
      title?: string;
      svg: string | null;
      data: readonly Record<string, Scalar>[];
    };

/** What `run` gives back: outputs to show, artifacts for later cells, a JSON summary for notebook files. */
export interface CellResult {
  outputs: CellOutput[];
  /** Named values later cells read through `ctx.artifacts` (typed arrays, tables, clients). */
  artifacts?: Record<string, unknown>;
  /** Small JSON facts (metrics, counts) saved in the notebook file. */
  summary?: Record<string, JsonValue>;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** Error shown inside a cell: what failed, what to do about it, details on demand. */
export interface CellError {
  message: string;
  hint?: string;
  details?: string;
}

/**
 * Throw this from `run` to show a message plus a fix; any other error is shown
 * with its message, and its stack as details.
 */
export class CellFailure extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly details?: string,
    /**
     * Artifacts the failed cell still hands on (e.g. the Data cell's previous dataset after a failed load):
     * the cell shows the error and Run all stops there, but cells that already used them keep working.
     */
    readonly retained?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'CellFailure';
  }
}

/** Reads the artifacts of the cells this cell depends on (and their ancestors). */
export interface ArtifactReader {
  /** Returns the artifact or throws a CellFailure naming the cell to run. */
  get<T>(cell: CellId, name: string): T;
  /** Returns the artifact or undefined. */
  find<T>(cell: CellId, name: string): T | undefined;
}

/** Everything `run` receives. `S` is the service bag the host provides (browser or headless). */
export interface CellContext<P extends ParamSpecs, S> {
  params: ParamValues<P>;
  artifacts: ArtifactReader;
  signal: AbortSignal;
  /** Reports progress: done/total in `unit`s; rate and ETA are derived by the runtime. */
  progress(update: { label: string; done: number; total: number; unit?: string }): void;
  log(line: string): void;
  /** Shows outputs while the cell runs (live charts, partial tables); the final outputs replace them. */
  preview(outputs: CellOutput[]): void;
  services: S;
  /** Notebook-wide seed; stochastic steps derive their seeds from it. */
  seed: number;
}

/** One notebook cell. */
export interface CellDefinition<P extends ParamSpecs = ParamSpecs, S = unknown> {
  id: CellId;
  title: string;
  /** Short markdown explanation shown above the form. */
  explanation: string;
  params: P;
  dependsOn: readonly CellId[];
  run(ctx: CellContext<P, S>): Promise<CellResult>;
}

/** Identity helper that keeps a definition's parameter types precise. */
export function defineCell<P extends ParamSpecs, S>(def: CellDefinition<P, S>): CellDefinition<P, S> {
  return def;
}

/** Every status a cell can be in. */
export type CellStatus = 'idle' | 'queued' | 'running' | 'done' | 'error' | 'stale' | 'cancelled';

/** A cell's runtime state, separate from its definition (as in marimo). */
export interface CellState {
  status: CellStatus;
  params: AnyParamValues;
  progress: Progress | null;
  error: CellError | null;
  outputs: readonly CellOutput[];
  /** Live outputs of the current run (see CellContext.preview); null when not running. */
  preview: readonly CellOutput[] | null;
  summary: Record<string, JsonValue> | null;
  logs: readonly string[];
  /** Epoch ms of the last start and finish. */
  startedAt: number | null;
  finishedAt: number | null;
  runCount: number;
  /** Epoch ms of the last Run all that kept this done cell's results (nothing it depends on changed); null once it runs again. */
  reusedAt: number | null;
  /** ISO date of the notebook file (or autosave) the shown outputs come from; null once the cell runs here. */
  savedAt: string | null;
}

export type { Progress };
