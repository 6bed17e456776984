'use client';
/**
 * The contents bar: every cell with its status and last duration; a click
 * jumps to the cell (scrolls to it, or shows it in presenter mode).
 */
import type { NotebookRuntime, NotebookSnapshot } from '@/lib/notebook/runtime';
import type { CellId } from '@/lib/notebook/types';
import type { AppServices } from '../services';
import { formatDuration, lastDuration } from './format';

export function ContentsBar({
  runtime,
  snapshot,
  current,
  onJump,
}: {
  runtime: NotebookRuntime<AppServices>;
  snapshot: NotebookSnapshot;
  /** The cell shown in presenter mode, if any. */
  current?: CellId | null;
  onJump(id: CellId): void;
}) {
  return (
    <nav className="contents" data-testid="contents" aria-label="Contents">
      {runtime.cells.map((def, i) => {
        const s = snapshot.states.get(def.id)!;
        const ms = lastDuration(s);
        return (
          <button
            key={def.id}
            data-testid={`contents-${def.id}`}
            data-status={s.status}
            aria-current={current === def.id ? 'step' : undefined}
            title={`${def.title}: ${s.status}${ms !== null ? `, last run ${formatDuration(ms)}` : ''}${s.reusedAt !== null && s.status === 'done' ? ' (reused)' : ''}`}
            onClick={() => onJump(def.id)}
          >
            <span className={`dot ${s.status}`} aria-hidden="true" />
            <span className="n">{i + 1}</span> {def.title}
            {s.status === 'running' && s.progress ? (
              <span className="muted"> {s.progress.total > 0 ? `${Math.round((100 * s.progress.done) / s.progress.total)}%` : '…'}</span>
            ) : ms !== null && s.status !== 'queued' ? (
              <span className="muted" data-testid={`duration-${def.id}`}>
                {' '}
                {s.reusedAt !== null && s.status === 'done' ? 'reused' : formatDuration(ms)}
              </span>
            ) : null}
          </button>
        );
      })}
    </nav>
  );
}
