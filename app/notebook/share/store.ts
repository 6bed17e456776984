/**
 * What the share features remember between clicks: the notebook file last
 * opened (from a file, a link or the autosave), the per-cell comparisons of
 * the last "Re-run and compare", and the toolbar's message.
 */
import type { CellComparison } from '@/lib/notebook/compare';
import type { NotebookFile } from '@/lib/notebook/file';

export interface ShareState {
  /** The opened notebook: saved figures to compare with and the dataset it was made with. */
  reference: { file: NotebookFile; from: string } | null;
  comparisons: ReadonlyMap<string, CellComparison> | null;
  comparing: boolean;
  message: { text: string; error: boolean } | null;
  /** Dataset check against the reference: null until a dataset is loaded after opening. */
  datasetCheck: { ok: boolean; text: string } | null;
  /** Autosaves written this page load (tests wait on it). */
  autosaves: number;
}

let state: ShareState = { reference: null, comparisons: null, comparing: false, message: null, datasetCheck: null, autosaves: 0 };
const listeners = new Set<() => void>();

export const shareStore = {
  get: (): ShareState => state,
  set(patch: Partial<ShareState>): void {
    state = { ...state, ...patch };
    listeners.forEach((l) => l());
  },
  subscribe(fn: () => void): () => void {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};

export const SERVER_STATE: ShareState = state;
