/**
 * The Data cell for the headless runner: the browser cell's parameters, and
 * its load path with the same lib/ code (demo generator, readers, validation,
 * dataset build, fingerprint) into native DuckDB. Demo presets `tiny` and
 * `small`, or files from `--data DIR` (H&M, ASOS, MovieLens, any interactions
 * file) read through the same readers as picked files.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildDataset } from '@/lib/data/build';
import { generateDemoTables, type DemoPreset } from '@/lib/data/demo';
import { Fingerprint, fingerprintTable } from '@/lib/data/fingerprint';
import { enforceKeptShare, type BadRowPolicy } from '@/lib/data/errors';
import { sha256Hex } from '@/lib/notebook/export';
import type { FileIdentity } from '@/lib/notebook/file-schema';
import { CellFailure, defineCell, type CellDefinition, type JsonValue } from '@/lib/notebook/types';
import { dataCell, DEMO_VERSION, type DataArtifacts } from '@/app/notebook/cells/data';
import { svgResolver } from '@/app/notebook/data/images';
import { stage, swapIn, type DuckDbHandle } from '@/lib/data/duckdb';
import type { TextEncoding } from '@/lib/data/csv';
import { readSource, type SourceName } from '@/app/notebook/data/load';
import { datasetOutputs } from '@/app/notebook/data/outputs';
import { fileResolver, photoFiles } from './photos';
import type { HeadlessServices } from './services';

/** Data files of a folder (MovieLens 100k: u.data, u.item, u.user); photos are found by photoFiles. */
function filesIn(dir: string): string[] {
  return readdirSync(dir)
    .map((n) => path.join(dir, n))
    .filter((p) => statSync(p).isFile() && /\.(csv|parquet|tsv|dat|txt|json|data|item|user)$/i.test(p));
}

export const headlessDataCell: CellDefinition<typeof dataCell.params, HeadlessServices> = defineCell({
  ...dataCell,
  async run(ctx) {
    const src = ctx.params.source as SourceName;
    const t0 = performance.now();
    const db: DuckDbHandle = await ctx.services.duckdb();
    if (src.startsWith('demo-')) {
      const preset = src.slice('demo-'.length) as DemoPreset;
      if (preset === 'hm-scale') throw new CellFailure('The hm-scale demo is not available headless (31.8M rows generated in chunks).', 'Use demo-tiny or demo-small, or --data DIR.');
      ctx.progress({ label: 'Generating the demo', done: 0, total: 2, unit: 'steps' });
      const tables = generateDemoTables(preset, ctx.seed);
      ctx.progress({ label: 'Loading into DuckDB', done: 1, total: 2, unit: 'steps' });
      for (const t of ['articles', 'customers', 'transactions'] as const) await stage(db, t, tables[t], 'create');
      await swapIn(db);
      const fingerprint = new Fingerprint().text(DEMO_VERSION).text(preset).text(String(ctx.seed)).hex();
      const dataset = buildDataset(tables, { kind: 'demo', name: `Demo (${preset}, seed ${ctx.seed})`, fingerprint, imageUrl: svgResolver(tables.articles) });
      return done(db, src, dataset, [], [], t0);
    }
    const dir = ctx.services.dataDir;
    if (!dir) throw new CellFailure(`The notebook's Data cell reads files (${src}), and no --data DIR was given.`, 'Run with --data DIR pointing at the folder of the files.');
    const paths = filesIn(dir);
    const files: File[] = [];
    const ids: FileIdentity[] = [];
    for (const p of paths) {
      const bytes = readFileSync(p);
      files.push(new File([bytes], path.basename(p)));
      ids.push({ name: path.basename(p), size: bytes.length, sha256: await sha256Hex(bytes) });
    }
    ctx.services.pickedFiles = ids;
    ctx.progress({ label: 'Reading and validating files', done: 0, total: files.length, unit: 'files' });
    const policy = ctx.params.badRows as BadRowPolicy;
    const minShare = (ctx.params.minKeptPercent as number) / 100;
    const read = await readSource(src as Exclude<SourceName, `demo-${string}`>, files, policy, minShare, ctx.params.encoding as TextEncoding, { user: ctx.params.userColumn, item: ctx.params.itemColumn, time: ctx.params.timeColumn || undefined, weight: ctx.params.weightColumn || undefined }, ctx.log);
    const fp = new Fingerprint().text(read.kind).text(read.options);
    for (const name of ['articles', 'customers', 'transactions'] as const) fingerprintTable(fp, read.tables[name]);
    const photos = photoFiles(dir);
    const dataset = buildDataset(read.tables, { kind: read.kind, name: read.name, fingerprint: fp.hex(), badRows: policy, imageUrl: fileResolver(photos), transactionsFile: read.transactionsFile });
    // The browser cell's rule: transactions dropped because their ids do not join count against the same threshold.
    const kept = dataset.interactions.user.length;
    const dropped = read.tables.transactions.length - kept;
    if (dropped > 0 || kept === 0) enforceKeptShare({ file: dataset.joinIssues[0]?.file ?? read.transactionsFile ?? 'transactions', count: dropped, examples: dataset.joinIssues[0]?.examples ?? [] }, kept, minShare);
    for (const t of ['articles', 'customers', 'transactions'] as const) await stage(db, t, read.tables[t], 'create');
    await swapIn(db);
    return done(db, src, dataset, [...read.bad, ...dataset.joinIssues], [`Read from ${dir}${photos.size ? ` (${photos.size.toLocaleString('en')} product photos found under it)` : ''}.`], t0);
  },
});

async function done(db: DuckDbHandle, src: string, dataset: ReturnType<typeof buildDataset>, bad: Parameters<typeof datasetOutputs>[2], notes: string[], t0: number) {
  const artifacts: DataArtifacts = { ...dataset, db, validation: null };
  const outputs = await datasetOutputs(db, dataset, bad, notes, (performance.now() - t0) / 1000);
  const info = dataset.info;
  const summary: Record<string, JsonValue> = {
    source: src,
    name: info.name, fingerprint: info.fingerprint,
    articles: info.counts.articles, customers: info.counts.customers, transactions: info.counts.transactions,
    badRows: bad.reduce((s, b) => s + b.count, 0),
  };
  return { outputs, artifacts: { ...artifacts }, summary };
}
