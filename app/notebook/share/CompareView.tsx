'use client';
/** One cell's "Re-run and compare" result: the verdict and each saved figure next to the new one. */
import { useSyncExternalStore } from 'react';
import type { Scalar } from '@/lib/notebook/types';
import { SERVER_STATE, shareStore } from './store';

const show = (v: Scalar | undefined) => (v === undefined ? '(absent)' : v === null ? '–' : typeof v === 'number' ? String(Number(v.toPrecision(8))) : String(v));

export function CompareView({ cellId }: { cellId: string }) {
  const s = useSyncExternalStore(shareStore.subscribe, shareStore.get, () => SERVER_STATE);
  const c = s.comparisons?.get(cellId);
  if (!c) return null;
  return (
    <details className="compare" data-testid={`compare-${cellId}`} data-verdict={c.verdict}>
      <summary>
        Re-run and compare: <b data-testid={`verdict-${cellId}`}>{c.verdict}</b> ({c.figures.length} figures)
      </summary>
      <table className="data">
        <thead>
          <tr>
            <th>figure</th>
            <th>saved</th>
            <th>new</th>
            <th>verdict</th>
          </tr>
        </thead>
        <tbody>
          {c.figures.map((f) => (
            <tr key={f.name} data-verdict={f.verdict}>
              <td>{f.name}</td>
              <td className="num">{show(f.saved)}</td>
              <td className="num">{show(f.current)}</td>
              <td>{f.verdict}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
