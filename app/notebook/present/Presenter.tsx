'use client';
/**
 * Presenter mode: one cell at a time, full width, large type; the cell's
 * explanation as speaker notes; a clock. Keys: → / PageDown / Space next,
 * ← / PageUp previous, Home / End, Enter or R runs the cell, Escape leaves.
 */
import { useEffect, useState } from 'react';
import type { NotebookRuntime, NotebookSnapshot } from '@/lib/notebook/runtime';
import type { CellId } from '@/lib/notebook/types';
import { CellView } from '../CellView';
import { Markdown } from '../Markdown';
import type { AppServices } from '../services';
import { ContentsBar } from './ContentsBar';

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return Boolean(el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable));
}

function Clock({ since }: { since: number }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const s = Math.max(0, Math.floor((now - since) / 1000));
  return (
    <span className="clock" data-testid="presenter-clock">
      {new Date(now).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} · {Math.floor(s / 60)}:{String(s % 60).padStart(2, '0')}
    </span>
  );
}

export function Presenter({
  runtime,
  snapshot,
  start,
  onExit,
}: {
  runtime: NotebookRuntime<AppServices>;
  snapshot: NotebookSnapshot;
  /** The cell to open on. */
  start: CellId | null;
  onExit(): void;
}) {
  const cells = runtime.cells;
  const [index, setIndex] = useState(() => Math.max(0, cells.findIndex((c) => c.id === start)));
  const [since] = useState(() => Date.now());
  const def = cells[index];
  const busy = snapshot.running !== null;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target) || e.altKey || e.ctrlKey || e.metaKey) return;
      const go = (i: number) => {
        e.preventDefault();
        setIndex(Math.max(0, Math.min(cells.length - 1, i)));
      };
      switch (e.key) {
        case 'ArrowRight':
        case 'PageDown':
        case ' ':
          return go(index + 1);
        case 'ArrowLeft':
        case 'PageUp':
          return go(index - 1);
        case 'Home':
          return go(0);
        case 'End':
          return go(cells.length - 1);
        case 'Enter':
        case 'r':
        case 'R':
          e.preventDefault();
          if (!busy) void runtime.run(cells[index].id);
          return;
        case 'Escape':
          e.preventDefault();
          return onExit();
        default:
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [index, cells, busy, runtime, onExit]);

  useEffect(() => {
    window.scrollTo(0, 0);
    // The button that opened the presenter must not take the keys (Enter would click it).
    (document.activeElement as HTMLElement | null)?.blur?.();
  }, [index]);

  return (
    <div className="presenter" data-testid="presenter" data-cell={def.id} role="dialog" aria-label={`Presenting ${def.title}`}>
      <div className="presenter-bar">
        <strong data-testid="presenter-position">
          {index + 1} / {cells.length}
        </strong>
        <ContentsBar runtime={runtime} snapshot={snapshot} current={def.id} onJump={(id) => setIndex(cells.findIndex((c) => c.id === id))} />
        <Clock since={since} />
        <button data-testid="presenter-exit" onClick={onExit} title="Escape">
          Leave
        </button>
      </div>
      <div className="presenter-body">
        <CellView key={def.id} def={def} state={snapshot.states.get(def.id)!} runtime={runtime} busy={busy} outputsFirst />
        <aside className="notes" data-testid="presenter-notes">
          <h3>Notes</h3>
          <Markdown text={def.explanation} />
          <p className="muted keys">→ next · ← previous · Enter run · Esc leave</p>
        </aside>
      </div>
    </div>
  );
}
