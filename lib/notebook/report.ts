/**
 * The self-contained HTML report of a notebook file: every cell's saved
 * outputs (tables, charts as SVG images, galleries with their thumbnail data
 * URLs, markdown, logs, graphs) in one file with inline CSS and no script, so
 * it opens anywhere without the app or the network.
 */
import type { NotebookFile, SavedOutput } from './file-schema';
import type { Scalar } from './types';
import { assertNever } from '../util/assert';

export interface ReportCell {
  id: string;
  title: string;
  explanation?: string;
}

/** Builds the HTML. `cells` gives order and titles; cells of the file not listed follow by id. */
export function reportHtml(file: NotebookFile, cells: readonly ReportCell[] = []): string {
  const known = new Set(cells.map((c) => c.id));
  const order = [...cells.filter((c) => file.cells[c.id]), ...Object.keys(file.cells).filter((id) => !known.has(id)).map((id): ReportCell => ({ id, title: id }))];
  const ds = file.dataset;
  const head = [
    `saved ${esc(file.savedAt)}`,
    `${esc(file.app.name)} ${esc(file.app.version)}`,
    `seed ${file.seed}`,
    file.backend ? `backend ${esc(file.backend)}` : null,
    ds ? `dataset ${esc(ds.name)} (fingerprint <code>${esc(ds.fingerprint.slice(0, 16))}</code>)` : 'no dataset loaded',
  ].filter(Boolean);
  const files = ds?.kind === 'files' ? `<ul>${ds.files.map((f) => `<li>${esc(f.name)}: ${f.size.toLocaleString('en-US')} bytes, SHA-256 <code>${esc(f.sha256)}</code></li>`).join('')}</ul>` : '';
  const body = order
    .map(({ id, title, explanation }) => {
      const c = file.cells[id];
      const outputs = c.outputs.map((o, i) => `<div class="output" data-kind="${o.kind}" data-testid="report-output-${esc(id)}-${i}">${renderOutput(o)}</div>`).join('\n');
      const error = c.error ? `<div class="error"><b>${esc(c.error.message)}</b>${c.error.hint ? `<br>${esc(c.error.hint)}` : ''}</div>` : '';
      return `<section class="cell" id="${esc(id)}" data-status="${c.status}">
<h2>${esc(title)} <span class="badge ${c.status}">${c.status}</span>${c.finishedAt ? ` <span class="muted">${esc(c.finishedAt)}</span>` : ''}</h2>
${explanation ? `<div class="explain">${markdownHtml(explanation)}</div>` : ''}
${paramsTable(c.params)}${error}${outputs || (c.status === 'idle' ? '<p class="muted">Not run.</p>' : '')}
</section>`;
    })
    .join('\n');
  const sub = file.submission ? `<p>Submission: ${file.submission.rows.toLocaleString('en-US')} rows, SHA-256 <code>${esc(file.submission.sha256)}</code></p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>Atelier notebook report</title><style>${CSS}</style></head>
<body><header><h1>Atelier notebook report</h1><p class="muted">${head.join(' · ')}</p>${files}${sub}</header>
${body}
</body></html>
`;
}

function renderOutput(o: SavedOutput): string {
  const title = 'title' in o && o.title ? `<h3>${esc(o.title)}</h3>` : '';
  switch (o.kind) {
    case 'table': {
      const more = o.totalRows !== undefined && o.totalRows > o.rows.length ? `<p class="muted">${o.rows.length} of ${o.totalRows.toLocaleString('en-US')} rows</p>` : '';
      return `${title}${table(o.columns, o.rows)}${more}`;
    }
    case 'chart': {
      if (o.svg) return `${title}<img class="chart" alt="${esc(o.title ?? 'chart')}" src="data:image/svg+xml;charset=utf-8,${encodeURIComponent(o.svg)}">`;
      const cols = [...new Set(o.data.flatMap((r) => Object.keys(r)))];
      return `${title}<p class="muted">Chart data as drawn:</p>${table(cols, o.data.slice(0, 200).map((r) => cols.map((c) => r[c] ?? null)))}`;
    }
    case 'images':
      return `${title}<div class="gallery" style="grid-template-columns:repeat(${o.columns ?? 6},minmax(0,1fr))">${o.items
        .map(
          (it) =>
            `<figure${it.highlight ? ' class="highlight"' : ''}>${it.src.startsWith('data:') ? `<img src="${esc(it.src)}" alt="${esc(it.caption)}">` : '<div class="nophoto">no picture saved</div>'}<figcaption>${esc(it.caption)}${it.detail ? `<br><small>${esc(it.detail)}</small>` : ''}</figcaption></figure>`,
        )
        .join('')}</div>`;
    case 'metrics':
      return `${title}<div class="metrics">${o.values.map((m) => `<div class="metric"><div class="name">${esc(m.name)}</div><div class="value">${esc(fmt(m.value))}${m.unit ? ` ${esc(m.unit)}` : ''}</div></div>`).join('')}</div>`;
    case 'markdown':
      return markdownHtml(o.text);
    case 'log':
      return `${title}<pre>${esc(o.lines.join('\n'))}</pre>`;
    case 'graph':
      return `${title}${table(['from', 'relationship', 'to'], o.links.map((l) => [label(o.nodes, l.source), l.label ?? '', label(o.nodes, l.target)]))}`;
    default:
      return assertNever(o, 'output kind');
  }
}

const label = (nodes: readonly { id: string; label: string }[], id: string) => nodes.find((n) => n.id === id)?.label ?? id;

function paramsTable(params: Record<string, string | number | boolean>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== '');
  if (!entries.length) return '';
  return `<p class="params">${entries.map(([k, v]) => `<span><b>${esc(k)}</b> ${esc(String(v))}</span>`).join(' ')}</p>`;
}

function table(columns: readonly string[], rows: readonly (readonly Scalar[])[]): string {
  return `<table><thead><tr>${columns.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((v) => `<td${typeof v === 'number' ? ' class="num"' : ''}>${esc(fmt(v))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function fmt(v: Scalar): string {
  if (v === null) return '–';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toPrecision(4);
  return String(v);
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The small markdown the cells write: paragraphs, `-` lists, `#` headings, **bold**, *italic*, `code`, [links](url). */
export function markdownHtml(text: string): string {
  const inline = (s: string) =>
    esc(s)
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
      .replace(/\*([^*]+)\*/g, '<i>$1</i>')
      .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2">$1</a>');
  return text
    .split(/\n{2,}/)
    .map((block) => {
      const lines = block.split('\n');
      if (lines.every((l) => /^\s*[-*] /.test(l))) return `<ul>${lines.map((l) => `<li>${inline(l.replace(/^\s*[-*] /, ''))}</li>`).join('')}</ul>`;
      const h = /^(#{1,4}) (.*)$/.exec(block);
      if (h && lines.length === 1) return `<h${h[1].length + 2}>${inline(h[2])}</h${h[1].length + 2}>`;
      return `<p>${lines.map(inline).join('<br>')}</p>`;
    })
    .join('\n');
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;max-width:1000px;margin:24px auto;padding:0 16px;color:#1d1d1f}
.muted{color:#777}.cell{border:1px solid #e3e0db;border-radius:8px;padding:12px 16px;margin:16px 0}
h2{font-size:18px;margin:0 0 8px}.badge{font-size:12px;padding:2px 8px;border-radius:10px;background:#eee}.badge.done{background:#dcefdc}.badge.error{background:#f6d6d6}
table{border-collapse:collapse;font-size:13px;margin:6px 0}td,th{border-bottom:1px solid #eee;padding:3px 8px;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.metrics{display:flex;flex-wrap:wrap;gap:8px}.metric{border:1px solid #eee;border-radius:6px;padding:6px 10px}.metric .name{font-size:12px;color:#777}.metric .value{font-size:16px}
.gallery{display:grid;gap:8px}figure{margin:0;font-size:11px}figure img{width:100%;border-radius:4px}figure.highlight img{outline:3px solid #2f8f3a}
.nophoto{aspect-ratio:2/3;background:#eee;display:flex;align-items:center;justify-content:center;color:#888}
img.chart{max-width:100%}pre{background:#f7f6f3;padding:8px;overflow:auto;font-size:12px}.error{background:#fbeaea;padding:8px;border-radius:6px}
.params span{display:inline-block;margin-right:10px;font-size:12px;color:#555}`;
