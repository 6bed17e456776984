/** Small formatting helpers for the contents bar and presenter mode. */
import type { CellState } from '@/lib/notebook/types';

/** "0.4 s", "12 s", "2 min 05 s". */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** The last run's duration in ms, or null when the cell never finished a run. */
export function lastDuration(s: CellState): number | null {
  return s.startedAt !== null && s.finishedAt !== null && s.finishedAt >= s.startedAt ? s.finishedAt - s.startedAt : null;
}
