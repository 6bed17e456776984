/** What the Data cell shows after a load: counts, bad rows, top articles with images, a preview. */
import type { BuiltDataset } from '@/lib/data/build';
import { badRowsCsv, type BadRows } from '@/lib/data/errors';
import { formatIsoDay } from '@/lib/data/table';
import type { CellOutput, Scalar } from '@/lib/notebook/types';
import type { DuckDbHandle } from '@/lib/data/duckdb';

/** The last download of skipped rows (revoked when the next load makes a new one). */
let skippedUrl: string | null = null;

const scalar = (v: unknown): Scalar => (v === null || v === undefined ? null : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' ? v : String(v));

/** Outputs describing a loaded dataset. */
export async function datasetOutputs(db: DuckDbHandle, d: BuiltDataset, bad: BadRows[], notes: string[], seconds: number): Promise<CellOutput[]> {
  const log = d.interactions;
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < log.day.length; i++) {
    if (log.day[i] < first) first = log.day[i];
    if (log.day[i] > last) last = log.day[i];
  }
  const outputs: CellOutput[] = [
    {
      kind: 'metrics',
      title: d.info.name,
      values: [
        { name: 'articles', value: d.info.counts.articles },
        { name: 'customers', value: d.info.counts.customers },
        { name: 'transactions', value: d.info.counts.transactions },
        { name: 'users with interactions', value: log.nUsers },
        { name: 'items with interactions', value: log.nItems },
        { name: 'first day', value: Number.isFinite(first) && first > 0 ? formatIsoDay(first) : 'no dates' },
        { name: 'last day', value: Number.isFinite(last) && last > 0 ? formatIsoDay(last) : 'no dates' },
        { name: 'fingerprint', value: d.info.fingerprint },
        { name: 'DuckDB', value: db.version },
        { name: 'load time', value: Number(seconds.toFixed(1)), unit: 's' },
      ],
    },
  ];
  const nBad = bad.reduce((s, b) => s + b.count, 0);
  if (nBad > 0) {
    outputs.push({
      kind: 'markdown',
      text: `**${nBad.toLocaleString('en-US')} bad row${nBad === 1 ? ' was' : 's were'} skipped** (${bad.map((b) => `${b.file}: ${b.count.toLocaleString('en-US')}`).join('; ')}). Examples:`,
    });
    outputs.push({
      kind: 'table',
      title: 'Bad rows (examples)',
      columns: ['file', 'line', 'column', 'expected', 'found'],
      rows: bad.flatMap((b) => b.examples.map((e) => [b.file, e.line ?? `row ${e.row}`, e.column, e.expected, e.found])),
    });
    // Every skipped row (up to MAX_LISTED a file) as a CSV the person can download and fix the file from.
    if (skippedUrl) URL.revokeObjectURL(skippedUrl);
    skippedUrl = URL.createObjectURL(new Blob([badRowsCsv(bad)], { type: 'text/csv' }));
    const listed = bad.reduce((s, b) => s + (b.listed ?? b.examples).length, 0);
    outputs.push({
      kind: 'markdown',
      text: `Download the skipped rows (file, line, column, expected, found): [skipped-rows.csv](${skippedUrl})${listed < nBad ? ` (the first ${listed.toLocaleString('en-US')} of ${nBad.toLocaleString('en-US')})` : ''}.`,
    });
  }
  // The most bought items, with their pictures where the dataset has them.
  const counts = new Int32Array(log.nItems);
  for (let i = 0; i < log.item.length; i++) counts[log.item[i]]++;
  const top = Array.from(counts.keys()).sort((a, b) => counts[b] - counts[a]).slice(0, 12);
  const withImages = top.filter((i) => d.catalog.imageUrl[i]);
  if (withImages.length) {
    outputs.push({
      kind: 'images',
      title: 'Best sellers',
      items: withImages.map((i) => ({ src: d.catalog.imageUrl[i]!, caption: d.catalog.name[i] ?? log.itemKeys[i], detail: `${log.itemKeys[i]} · ${counts[i]} sold` })),
    });
  }
  // customer_id as text: as an ENUM (H&M scale) the result would carry its whole dictionary, 1.37M ids for 10 rows,
  // which grew DuckDB-WASM's heap by ~0.35 GiB at the end of the full-size demo. A table without the column reads as is.
  const preview = await db
    .rows('SELECT * REPLACE (CAST(customer_id AS VARCHAR) AS customer_id) FROM transactions LIMIT 10')
    .catch(() => db.rows('SELECT * FROM transactions LIMIT 10'));
  const columns = preview.length ? Object.keys(preview[0]) : [];
  outputs.push({
    kind: 'table',
    title: 'transactions (first rows)',
    columns,
    rows: preview.map((r) => columns.map((c) => (c === 't_dat' && typeof r[c] === 'number' ? new Date(r[c] as number).toISOString().slice(0, 10) : scalar(r[c])))),
  });
  if (notes.length) outputs.push({ kind: 'markdown', text: notes.map((n) => `- ${n}`).join('\n') });
  return outputs;
}
