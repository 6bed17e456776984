'use client';
/** Renders one CellOutput. Every kind is handled (exhaustive switch). */
import * as Plot from '@observablehq/plot';
import { useEffect, useRef, useState } from 'react';
import type { CellOutput, Scalar } from '@/lib/notebook/types';
import { assertNever } from '@/lib/util/assert';
import { Markdown } from './Markdown';

const PAGE = 20;

export function OutputView({ output }: { output: CellOutput }) {
  switch (output.kind) {
    case 'table':
      return <TableOutput output={output} />;
    case 'plot':
      return <PlotOutput output={output} />;
    case 'images':
      return (
        <>
          {output.title && <h3>{output.title}</h3>}
          <div className="gallery" style={{ gridTemplateColumns: `repeat(${output.columns ?? 6}, minmax(0, 1fr))` }}>
            {output.items.map((it, i) => (
              <figure key={i} className={it.highlight ? 'highlight' : undefined}>
                {/* eslint-disable-next-line @next/next/no-img-element -- object/data URLs from the browser, not optimisable */}
                <img src={it.src} alt={it.caption} loading="lazy" />
                <figcaption>
                  <div>{it.caption}</div>
                  {it.detail && <div className="detail">{it.detail}</div>}
                </figcaption>
              </figure>
            ))}
          </div>
        </>
      );
    case 'metrics':
      return (
        <>
          {output.title && <h3>{output.title}</h3>}
          <div className="metrics">
            {output.values.map((m) => (
              <div className="metric" key={m.name} data-name={m.name}>
                <div className="name">{m.name}</div>
                <div className="value">
                  {formatScalar(m.value)}
                  {m.unit ? ` ${m.unit}` : ''}
                </div>
              </div>
            ))}
          </div>
        </>
      );
    case 'markdown':
      return <Markdown text={output.text} />;
    case 'log':
      return (
        <>
          {output.title && <h3>{output.title}</h3>}
          <pre className="log">{output.lines.join('\n')}</pre>
        </>
      );
    case 'graph':
      return <GraphOutput output={output} />;
    case 'chart':
      return <SavedChart output={output} />;
    default:
      return assertNever(output, 'output kind');
  }
}

function formatScalar(v: Scalar): string {
  if (v === null) return '–';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toPrecision(4);
  return String(v);
}

function TableOutput({ output }: { output: Extract<CellOutput, { kind: 'table' }> }) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(output.rows.length / PAGE));
  const rows = output.rows.slice(page * PAGE, page * PAGE + PAGE);
  return (
    <>
      {output.title && <h3>{output.title}</h3>}
      <div className="table-wrap">
        <table className="data">
          <thead>
            <tr>
              {output.columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {r.map((v, j) => (
                  <td key={j} className={typeof v === 'number' ? 'num' : undefined} title={v === null ? '' : String(v)}>
                    {formatScalar(v)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {(pages > 1 || (output.totalRows ?? 0) > output.rows.length) && (
        <div className="pager">
          <button disabled={page === 0} onClick={() => setPage(page - 1)}>
            ‹
          </button>
          page {page + 1} / {pages}
          <button disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
            ›
          </button>
          <span>
            {output.rows.length.toLocaleString('en-US')} rows
            {output.totalRows && output.totalRows > output.rows.length ? ` shown of ${output.totalRows.toLocaleString('en-US')}` : ''}
          </span>
        </div>
      )}
    </>
  );
}

function PlotOutput({ output }: { output: Extract<CellOutput, { kind: 'plot' }> }) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    try {
      const chart = Plot.plot({ width: 640, ...(output.plot as Plot.PlotOptions) });
      el.replaceChildren(chart);
      // Plot renders into the DOM imperatively; its failure is only known here.
      // eslint-disable-next-line react-hooks/set-state-in-effect
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
    return () => el.replaceChildren();
  }, [output]);
  return (
    <>
      {output.title && <h3>{output.title}</h3>}
      {error && <div className="error-box">Chart failed: {error}</div>}
      <div ref={ref} className="plot" />
    </>
  );
}

function GraphOutput({ output }: { output: Extract<CellOutput, { kind: 'graph' }> }) {
  // A radial layout: the first node in the centre, the rest on rings by group.
  const size = 420;
  const c = size / 2;
  const groups = [...new Set(output.nodes.slice(1).map((n) => n.group))];
  const pos = new Map<string, { x: number; y: number }>();
  output.nodes.forEach((n, i) => {
    if (i === 0) return pos.set(n.id, { x: c, y: c });
    const ring = groups.indexOf(n.group);
    const peers = output.nodes.slice(1).filter((m) => m.group === n.group);
    const k = peers.indexOf(n);
    const r = 70 + (ring % 3) * 60;
    const a = (2 * Math.PI * k) / Math.max(1, peers.length) + ring * 0.4;
    pos.set(n.id, { x: c + r * Math.cos(a), y: c + r * Math.sin(a) });
  });
  const palette = ['#7a4b2a', '#2f6f8f', '#6a8f2f', '#8f2f6a', '#a86b00', '#4b4b8f', '#2f8f7a'];
  const colour = (g: string) => palette[(groups.indexOf(g) + 1) % palette.length];
  return (
    <>
      {output.title && <h3>{output.title}</h3>}
      <svg width={size} height={size} role="img" aria-label={output.title ?? 'graph'} style={{ background: '#fbfaf8', borderRadius: 8 }}>
        {output.links.map((l, i) => {
          const a = pos.get(l.source);
          const b = pos.get(l.target);
          return a && b ? <line key={i} x1={a.x} y1={a.y} x2={b.x} y2={b.y} stroke="#ccc" /> : null;
        })}
        {output.nodes.map((n, i) => {
          const p = pos.get(n.id)!;
          return (
            <g key={n.id} transform={`translate(${p.x},${p.y})`}>
              <circle r={i === 0 ? 10 : 6} fill={i === 0 ? '#1d1d1f' : colour(n.group)} />
              <text x={9} y={4} fontSize={10}>
                {n.label.length > 22 ? `${n.label.slice(0, 21)}…` : n.label}
              </text>
            </g>
          );
        })}
      </svg>
    </>
  );
}

/** A chart restored from a notebook file: its SVG as an image (a file's markup never runs script), or its data. */
function SavedChart({ output }: { output: Extract<CellOutput, { kind: 'chart' }> }) {
  if (output.svg) {
    return (
      <>
        {output.title && <h3>{output.title}</h3>}
        {/* eslint-disable-next-line @next/next/no-img-element -- a data URL of saved SVG markup */}
        <img className="plot" data-testid="saved-chart" alt={output.title ?? 'chart'} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(output.svg)}`} />
      </>
    );
  }
  const columns = [...new Set(output.data.flatMap((r) => Object.keys(r)))];
  return <TableOutput output={{ kind: 'table', title: `${output.title ?? 'Chart'} (data as drawn)`, columns, rows: output.data.map((r) => columns.map((c) => r[c] ?? null)) }} />;
}
