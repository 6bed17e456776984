'use client';
/** One cell: header with status and actions, explanation, parameter form, progress, error, outputs, log. */
import { useState } from 'react';
import { formatProgress } from '@/lib/notebook/progress';
import type { NotebookRuntime } from '@/lib/notebook/runtime';
import type { CellDefinition, CellState, ParamSpecs } from '@/lib/notebook/types';
import { Markdown } from './Markdown';
import { OutputView } from './OutputView';
import { ParamForm } from './ParamForm';
import { CELL_EXTRAS } from './data/extras';
import type { AppServices } from './services';
import { CompareView } from './share/CompareView';

export function CellView({
  def,
  state,
  runtime,
  busy,
  outputsFirst = false,
}: {
  def: CellDefinition<ParamSpecs, AppServices>;
  state: CellState;
  runtime: NotebookRuntime<AppServices>;
  busy: boolean;
  /** Start with the explanation and parameters folded away below the outputs (the toolbar's "Outputs first", presenter mode). */
  outputsFirst?: boolean;
}) {
  const [showDetails, setShowDetails] = useState(false);
  const [foldedByUser, setFolded] = useState<boolean | null>(null);
  const folded = foldedByUser ?? outputsFirst;
  const active = state.status === 'queued' || state.status === 'running';
  const p = state.progress;
  // Controls that cannot be parameters (the Data cell's file choosers).
  const Extra = CELL_EXTRAS[def.id];
  return (
    <section className="cell" data-testid={`cell-${def.id}`} data-status={state.status} id={def.id}>
      <div className="cell-head">
        <h2>{def.title}</h2>
        <span className={`badge ${state.status}`} data-testid={`status-${def.id}`}>
          {state.status}
        </span>
        {state.savedAt && (
          <span className="badge saved" data-testid={`saved-${def.id}`} title="results from the opened notebook or the autosave; re-run to recompute">
            saved {state.savedAt.slice(0, 16).replace('T', ' ')}
          </span>
        )}
        {active ? (
          <button data-testid={`cancel-${def.id}`} onClick={() => runtime.cancel()}>
            Cancel
          </button>
        ) : (
          <>
            <button data-testid={`run-to-${def.id}`} disabled={busy} title="Run every cell above that is not done, then this one" onClick={() => void runtime.runTo(def.id)}>
              Run to here
            </button>
            <button className="primary" data-testid={`run-${def.id}`} disabled={busy} onClick={() => void runtime.run(def.id)}>
              {state.runCount > 0 ? 'Re-run' : 'Run'}
            </button>
          </>
        )}
        <button data-testid={`fold-${def.id}`} aria-expanded={!folded} title="Show or hide the explanation and parameters" onClick={() => setFolded(!folded)}>
          {folded ? 'Show setup' : 'Hide setup'}
        </button>
      </div>
      {state.status === 'done' && state.reusedAt !== null && (
        <p className="muted reused" data-testid={`reused-${def.id}`}>
          Results reused from the run that finished at {new Date(state.finishedAt ?? state.reusedAt).toLocaleTimeString()}: its parameters, the seed and its inputs
          are unchanged. Re-run to compute again.
        </p>
      )}
      {!folded && (
        <>
          <div className="explain">
            <Markdown text={def.explanation} />
          </div>
          {Object.keys(def.params).length > 0 && (
            <ParamForm specs={def.params} values={state.params} disabled={active} onChange={(v) => runtime.setParams(def.id, v)} cellId={def.id} />
          )}
        </>
      )}
      {Extra && <Extra disabled={active} onChanged={() => runtime.invalidate(def.id)} />}
      {state.status === 'stale' && <p className="muted" style={{ fontSize: 13 }}>Parameters or inputs changed since the last run: re-run to update.</p>}
      {p && (
        <div className="progress" data-testid={`progress-${def.id}`}>
          {formatProgress(p)}
          <div className="bar">
            <div style={{ width: `${p.total > 0 ? Math.min(100, (100 * p.done) / p.total) : 0}%` }} />
          </div>
        </div>
      )}
      {state.error && (
        <div className="error-box" role="alert" data-testid={`error-${def.id}`}>
          <div className="message">{state.error.message}</div>
          {state.error.hint && <div>{state.error.hint}</div>}
          {state.error.details && (
            <>
              <button onClick={() => setShowDetails((v) => !v)} style={{ marginTop: 4, fontSize: 12 }}>
                {showDetails ? 'Hide details' : 'Details'}
              </button>
              {showDetails && <pre>{state.error.details}</pre>}
            </>
          )}
        </div>
      )}
      {state.status === 'running' &&
        state.preview?.map((o, i) => (
          <div className="output" key={`live-${i}`} data-testid={`preview-${def.id}-${i}`} data-kind={o.kind}>
            <OutputView output={o} />
          </div>
        ))}
      {state.status !== 'running' &&
        state.outputs.map((o, i) => (
          <div className="output" key={i} data-testid={`output-${def.id}-${i}`} data-kind={o.kind}>
            <OutputView output={o} />
          </div>
        ))}
      <CompareView cellId={def.id} />
      {state.logs.length > 0 && (
        <details open={active}>
          <summary className="muted" style={{ fontSize: 13 }}>
            Log ({state.logs.length} lines)
          </summary>
          <pre className="log">{state.logs.join('\n')}</pre>
        </details>
      )}
    </section>
  );
}
