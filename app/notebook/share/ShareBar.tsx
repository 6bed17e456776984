'use client';
/**
 * The toolbar's share controls: save and open notebook files, share link,
 * re-run and compare, exports; restores the link or the autosave on load and
 * autosaves after every change.
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { NotebookRuntime } from '@/lib/notebook/runtime';
import { cellId } from '@/lib/notebook/types';
import { subscribePicked } from '../data/files';
import type { AppServices } from '../services';
import { checkDataset, checkPicked, exportAs, type ExportKind, openNotebookFile, rerunAndCompare, restoreOnLoad, saveNotebook, shareLink, startAutosave } from './notebook-io';
import { SERVER_STATE, shareStore } from './store';

type Rt = NotebookRuntime<AppServices>;

const fail = (err: unknown) => shareStore.set({ message: { text: err instanceof Error ? err.message : String(err), error: true } });

export function ShareBar({ runtime, active }: { runtime: Rt; active: boolean }) {
  const s = useSyncExternalStore(shareStore.subscribe, shareStore.get, () => SERVER_STATE);
  const [link, setLink] = useState<string | null>(null);
  const [restored, setRestored] = useState(false);

  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    // Restore first, then autosave: the first autosave must not overwrite what is being restored.
    void restoreOnLoad(runtime)
      .catch(fail)
      .finally(() => {
        if (cancelled) return;
        stop = startAutosave(runtime);
        setRestored(true);
      });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [runtime]);

  useEffect(() => {
    let last = runtime.state(cellId('data'));
    const offRuntime = runtime.subscribe(() => {
      const now = runtime.state(cellId('data'));
      if (now !== last && now.status === 'done' && last.status !== 'done') void checkDataset(runtime).catch(fail);
      last = now;
    });
    const offPicked = subscribePicked(() => void checkPicked().catch(fail));
    return () => {
      offRuntime();
      offPicked();
    };
  }, [runtime]);

  const busy = active || s.comparing;
  return (
    <div className="share-bar" data-testid="share-bar" data-restored={restored} data-autosaves={s.autosaves}>
      <button data-testid="save-notebook" onClick={() => void saveNotebook(runtime).catch(fail)}>
        Save notebook
      </button>
      <label className="muted" style={{ fontSize: 13 }}>
        Open notebook{' '}
        <input
          type="file"
          data-testid="open-notebook"
          accept="application/json,.json"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void openNotebookFile(runtime, f).catch(fail);
          }}
        />
      </label>
      <button data-testid="share-link-button" onClick={() => void shareLink(runtime).then(setLink, fail)}>
        Share link
      </button>
      <button data-testid="rerun-compare" disabled={busy || !s.reference} title={s.reference ? `compare with ${s.reference.from}` : 'open a notebook first'} onClick={() => void rerunAndCompare(runtime).catch(fail)}>
        Re-run and compare
      </button>
      <select
        data-testid="export"
        value=""
        onChange={(e) => {
          const v = e.target.value as ExportKind | '';
          if (v) void exportAs(runtime, v).catch(fail);
        }}
      >
        <option value="">Export…</option>
        <option value="report">Report (HTML, works offline)</option>
        <option value="metrics-csv">Metrics (CSV)</option>
        <option value="metrics-json">Metrics (JSON)</option>
        <option value="recs-csv">Recommendations (CSV)</option>
        <option value="als-npy">ALS factors (.npy)</option>
        <option value="embeddings-npy">Image embeddings (.npy)</option>
      </select>
      {link && <input readOnly data-testid="share-link" value={link} onFocus={(e) => e.target.select()} style={{ width: 160, fontSize: 12 }} />}
      {s.message && (
        <span className={s.message.error ? 'param-error' : 'muted'} role={s.message.error ? 'alert' : undefined} data-testid="toolbar-message" style={{ fontSize: 13 }}>
          {s.message.text}
        </span>
      )}
      {s.datasetCheck && (
        <span className={s.datasetCheck.ok ? 'muted' : 'param-error'} data-testid="dataset-check" data-ok={s.datasetCheck.ok} style={{ fontSize: 13 }}>
          {s.datasetCheck.text}
        </span>
      )}
    </div>
  );
}
