/**
 * Live cell outputs ↔ the outputs saved in a notebook file. Tables, metrics,
 * markdown, logs and graphs are data already; a Plot chart is saved as drawn
 * (SVG from the host's renderer) plus the data rows of its marks; image
 * galleries keep data URLs and turn anything else (object URLs of picked
 * photos) into thumbnails through the host, or drop the picture.
 */
import type { SavedOutput } from './file-schema';
import type { CellOutput, Scalar } from './types';
import { assertNever } from '../util/assert';

/** Rows of chart data kept per chart (the rest is counted in the title). */
export const MAX_CHART_ROWS = 5000;

export interface SaveOutputOptions {
  /** Draws Plot options to SVG markup (browser: Plot.plot(...).outerHTML); null or absent: data only. */
  renderPlot?: (plot: Record<string, unknown>) => string | null;
  /** Turns an image URL that is not a data URL into a small data URL; null drops the picture (caption kept). */
  thumbnail?: (src: string) => Promise<string | null>;
}

/** Converts live outputs for a file. */
export async function toSavedOutputs(outputs: readonly CellOutput[], options: SaveOutputOptions = {}): Promise<SavedOutput[]> {
  const out: SavedOutput[] = [];
  for (const o of outputs) {
    switch (o.kind) {
      case 'plot': {
        let svg: string | null = null;
        try {
          svg = options.renderPlot?.(o.plot) ?? null;
        } catch {
          svg = null; // The data rows below are still saved; the chart is drawn from them.
        }
        out.push({ kind: 'chart', ...(o.title ? { title: o.title } : {}), svg, data: chartData(o.plot) });
        break;
      }
      case 'chart':
        out.push({ kind: 'chart', ...(o.title ? { title: o.title } : {}), svg: o.svg, data: o.data.map((r) => ({ ...r })) });
        break;
      case 'images': {
        const items = [];
        for (const it of o.items) {
          const src = it.src.startsWith('data:') ? it.src : ((await options.thumbnail?.(it.src).catch(() => null)) ?? '');
          items.push({ src, caption: it.caption, ...(it.detail ? { detail: it.detail } : {}), ...(it.highlight ? { highlight: true } : {}) });
        }
        out.push({ kind: 'images', ...(o.title ? { title: o.title } : {}), items, ...(o.columns ? { columns: o.columns } : {}) });
        break;
      }
      case 'table':
        out.push({ kind: 'table', ...(o.title ? { title: o.title } : {}), columns: [...o.columns], rows: o.rows.map((r) => r.map(finite)), ...(o.totalRows !== undefined ? { totalRows: o.totalRows } : {}) });
        break;
      case 'metrics':
        out.push({ kind: 'metrics', ...(o.title ? { title: o.title } : {}), values: o.values.map((v) => ({ name: v.name, value: finite(v.value), ...(v.unit ? { unit: v.unit } : {}) })) });
        break;
      case 'markdown':
        out.push({ kind: 'markdown', text: deadLinks(o.text) });
        break;
      case 'log':
        out.push({ kind: 'log', ...(o.title ? { title: o.title } : {}), lines: [...o.lines] });
        break;
      case 'graph':
        out.push({ kind: 'graph', ...(o.title ? { title: o.title } : {}), nodes: o.nodes.map((n) => ({ ...n })), links: o.links.map((l) => ({ ...l })) });
        break;
      default:
        assertNever(o, 'output kind');
    }
  }
  return out;
}

/** Saved outputs as live ones (charts stay charts: they are shown as drawn). */
export function fromSavedOutputs(saved: readonly SavedOutput[]): CellOutput[] {
  return saved.map((o) => ({ ...o }) as CellOutput);
}

/** Object URLs (a download made by the run) die with the page: the file keeps the link text, marked as not saved. */
function deadLinks(text: string): string {
  return text.replace(/\[([^\]]*)\]\(blob:[^)]*\)/g, '$1 (not in the file: re-run the cell to download)');
}

/** JSON has no NaN or Infinity: they are saved as null. */
function finite(v: Scalar): Scalar {
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}

/**
 * The data behind a chart: every mark's data rows (Plot keeps them on `mark.data`), scalar fields
 * only (dates as ISO strings), each row tagged with its mark's index when there are several marks.
 */
export function chartData(plot: Record<string, unknown>): Record<string, Scalar>[] {
  const marks = Array.isArray(plot.marks) ? (plot.marks as unknown[]) : [];
  const rows: Record<string, Scalar>[] = [];
  const withData = marks.filter((m) => Array.isArray((m as { data?: unknown })?.data));
  withData.forEach((m, k) => {
    for (const d of (m as { data: unknown[] }).data) {
      if (rows.length >= MAX_CHART_ROWS) return;
      const row: Record<string, Scalar> = withData.length > 1 ? { mark: k } : {};
      if (d !== null && typeof d === 'object' && !Array.isArray(d)) {
        for (const [key, v] of Object.entries(d as Record<string, unknown>)) {
          const s = toScalar(v);
          if (s !== undefined) row[key] = s;
        }
      } else {
        const s = toScalar(d);
        if (s === undefined) continue;
        row.value = s;
      }
      rows.push(row);
    }
  });
  return rows;
}

function toScalar(v: unknown): Scalar | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  return undefined;
}
