'use client';
/**
 * The notebook page: toolbar (run all, cancel, seed, backend setting, save and
 * open notebook files) and the cells in order. State lives in the framework-free
 * NotebookRuntime; React only subscribes to its snapshots. Save/open, share link,
 * compare and exports are in share/ShareBar.
 */
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { NotebookRuntime, type NotebookSnapshot } from '@/lib/notebook/runtime';
import type { CellId } from '@/lib/notebook/types';
import { BACKEND_ORDER, isBackendName } from '@/workers/protocol/backend';
import { CELLS } from './cells';
import { CellView } from './CellView';
import { ContentsBar } from './present/ContentsBar';
import { Presenter } from './present/Presenter';
import { ShareBar } from './share/ShareBar';
import { BACKEND_SETTING_KEY, createAppServices, type AppServices } from './services';

const EMPTY: NotebookSnapshot = { states: new Map(), seed: 42, running: null };

export function NotebookApp() {
  const [runtime, setRuntime] = useState<NotebookRuntime<AppServices> | null>(null);
  useEffect(() => {
    // Client only: the services create Web Workers.
    const rt = new NotebookRuntime<AppServices>({ cells: CELLS, services: createAppServices() });
    // Created after mount on purpose: the server render has no workers or storage.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setRuntime(rt);
    (window as unknown as { __atelier?: unknown }).__atelier = rt;
    return () => rt.cancel();
  }, []);
  const subscribe = useMemo(() => runtime?.subscribe ?? (() => () => {}), [runtime]);
  const snapshot = useSyncExternalStore(subscribe, runtime?.getSnapshot ?? (() => EMPTY), () => EMPTY);
  // Presenting: the cell to open on (null: not presenting); outputsFirst folds every cell's setup below its outputs.
  const [presenting, setPresenting] = useState<CellId | null>(null);
  const [outputsFirst, setOutputsFirst] = useState(false);
  const exitPresenter = useCallback(() => setPresenting(null), []);

  if (!runtime) {
    return (
      <main>
        <p className="muted">Loading the notebook…</p>
      </main>
    );
  }
  return (
    <main data-testid="notebook" data-ready="true">
      <Toolbar runtime={runtime} snapshot={snapshot} />
      {/* Presenter mode has its own contents bar. */}
      {presenting === null && (
        <div className="contents-row">
          <ContentsBar runtime={runtime} snapshot={snapshot} onJump={(id) => document.getElementById(id)?.scrollIntoView({ behavior: 'smooth', block: 'start' })} />
          <button data-testid="outputs-first" aria-pressed={outputsFirst} onClick={() => setOutputsFirst((v) => !v)} title="Fold every cell's explanation and parameters below its outputs">
            {outputsFirst ? 'Show setup' : 'Outputs first'}
          </button>
          <button data-testid="present" onClick={() => setPresenting(snapshot.running ?? runtime.cells[0].id)} title="One cell at a time, large type; arrow keys move, Enter runs, Esc leaves">
            Present
          </button>
        </div>
      )}
      {presenting !== null && <Presenter runtime={runtime} snapshot={snapshot} start={presenting} onExit={exitPresenter} />}
      {presenting === null && runtime.cells.map((def) => (
        <CellView key={`${def.id}-${outputsFirst}`} def={def} state={snapshot.states.get(def.id)!} runtime={runtime} busy={snapshot.running !== null} outputsFirst={outputsFirst} />
      ))}
    </main>
  );
}

function Toolbar({ runtime, snapshot }: { runtime: NotebookRuntime<AppServices>; snapshot: NotebookSnapshot }) {
  const [message, setMessage] = useState<string | null>(null);
  const [backendSetting, setBackendSetting] = useState<string>('');
  useEffect(() => {
    // localStorage exists only in the browser, after mount.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setBackendSetting(window.localStorage.getItem(BACKEND_SETTING_KEY) ?? '');
  }, []);
  const active = [...snapshot.states.values()].some((s) => s.status === 'queued' || s.status === 'running');

  return (
    <header className="toolbar">
      <h1>Atelier</h1>
      <button className="primary" data-testid="run-all" disabled={active} onClick={() => void runtime.runAll()}>
        Run all
      </button>
      <button data-testid="cancel-all" disabled={!active} onClick={() => runtime.cancel()}>
        Cancel
      </button>
      <label>
        seed{' '}
        <input
          type="number"
          style={{ width: 80 }}
          value={snapshot.seed}
          onChange={(e) => {
            const v = Number(e.target.value);
            if (Number.isInteger(v)) runtime.setSeed(v);
          }}
        />
      </label>
      <label title="TF.js backend for the ML worker; the ?backend= URL parameter overrides it">
        backend{' '}
        <select
          data-testid="backend-setting"
          value={backendSetting}
          onChange={(e) => {
            const v = e.target.value;
            setBackendSetting(v);
            if (isBackendName(v)) window.localStorage.setItem(BACKEND_SETTING_KEY, v);
            else window.localStorage.removeItem(BACKEND_SETTING_KEY);
            setMessage('Backend setting saved; it applies when the ML worker restarts (reload the page).');
          }}
        >
          <option value="">automatic</option>
          {BACKEND_ORDER.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </label>
      <ShareBar runtime={runtime} active={active} />
      {message && (
        <span className="muted" data-testid="backend-message" style={{ fontSize: 13 }}>
          {message}
        </span>
      )}
    </header>
  );
}
