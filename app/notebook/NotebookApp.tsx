'use client';
/**
 * The notebook page: toolbar (run all, cancel, seed, backend setting, save and
 * open notebook files) and the cells in order. State lives in the framework-free
 * NotebookRuntime; React only subscribes to its snapshots. Save/open, share link,
 * compare and exports are in share/ShareBar.
 */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { NotebookRuntime, type NotebookSnapshot } from '@/lib/notebook/runtime';
import { BACKEND_ORDER, isBackendName } from '@/workers/protocol/backend';
import { CELLS } from './cells';
import { CellView } from './CellView';
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
      {runtime.cells.map((def) => (
        <CellView key={def.id} def={def} state={snapshot.states.get(def.id)!} runtime={runtime} busy={snapshot.running !== null} />
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
