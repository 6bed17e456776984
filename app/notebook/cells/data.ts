/**
 * Cell 1, Data: get a dataset into DuckDB-WASM (tables `articles`,
 * `customers`, `transactions`) and hand the model cells its interaction log,
 * catalogue and customers (lib/data/dataset.ts) plus the `db` handle.
 * Sources: the seeded demo (three sizes), H&M files, ASOS, MovieLens, or any
 * interactions file. A load that fails leaves the previous dataset in place.
 */
import { buildDataset, catalogFor, customerTableFor, type BuiltDataset } from '@/lib/data/build';
import { DEMO_PRESETS, generateDemo, generateDemoTables, scaledSizes, type DemoPreset } from '@/lib/data/demo';
import type { TextEncoding } from '@/lib/data/csv';
import { DataError, MIN_KEPT_SHARE, describeBadRow, enforceKeptShare, type BadRowPolicy, type BadRows } from '@/lib/data/errors';
import { Fingerprint, fingerprintTable } from '@/lib/data/fingerprint';
import { InteractionLogBuilder } from '@/lib/data/interactions';
import { CellFailure, cellId, type CellOutput, type JsonValue } from '@/lib/notebook/types';
import { CancelledError } from '@/lib/util/cancel';
import { defineAppCell } from '../define';
import { getDuckDb } from '@/workers/duckdb';
import { LARGE_FILE_BYTES, dropStaged, loadLargeHm, stage, stageEnumKeyedTransactions, swapIn, type DuckDbHandle } from '@/lib/data/duckdb';
import { dataFiles, imageFiles, isTableFile, roleOf } from '../data/files';
import { photoResolver, releaseObjectUrls, svgResolver } from '../data/images';
import { readSource, SOURCES, type ReadResult, type SourceName } from '../data/load';
import { canPersist, loadStored, saveDataset } from '../data/persist';
import { datasetOutputs } from '../data/outputs';
import { isAsosValidationFile, readAsosValidation, type HeldOutPairs } from '@/lib/data/readers/asos';

export const DATA_CELL = cellId('data');

/** Bumped when the generator's output changes, so demo fingerprints change with it. */
export const DEMO_VERSION = 'demo-v1';

/** The Data cell's artifacts (read by later cells with ctx.artifacts.get(DATA_CELL, name)). */
export interface DataArtifacts {
  interactions: BuiltDataset['interactions'];
  catalog: BuiltDataset['catalog'];
  customers: BuiltDataset['customers'];
  info: BuiltDataset['info'];
  db: DuckDbHandle;
  /** Held-out pairs from a validation file picked with the data (ASOS `dsf_asos_valid...`), or null. */
  validation: HeldOutPairs | null;
}

/** The dataset in force: kept so that a failed load can fall back to it. */
let current: { artifacts: DataArtifacts; outputs: CellOutput[] } | null = null;

const PRESET: Record<string, DemoPreset> = { 'demo-tiny': 'tiny', 'demo-small': 'small', 'demo-hm-scale': 'hm-scale' };

export const dataCell = defineAppCell({
  id: DATA_CELL,
  title: 'Data',
  explanation:
    'Loads a dataset into DuckDB-WASM as tables `articles`, `customers` and `transactions`. The **demo** is generated from the notebook seed in the H&M schema ' +
    '(power-law popularity, weekly seasonality, repeat purchases, customers with tastes, a rendered image per article). For your own data pick the files below ' +
    '(H&M: `articles`, `customers`, `transactions_train` as CSV or Parquet, plus the `images/` folder). Files are validated; bad rows are counted with examples and ' +
    'skipped or abort the load. A failed load keeps the previous dataset. Loaded files are kept in browser storage, so a reload needs no re-picking.',
  params: {
    source: { kind: 'select', label: 'Source', default: 'demo-small', options: SOURCES.map((s) => ({ value: s.value, label: s.label })) },
    badRows: {
      kind: 'select', label: 'Bad rows', default: 'skip',
      options: [{ value: 'skip', label: 'skip bad rows (show examples)' }, { value: 'abort', label: 'abort the load' }],
    },
    userColumn: { kind: 'text', label: 'User column', default: 'user_id', help: 'Any interactions file: the user id column' },
    itemColumn: { kind: 'text', label: 'Item column', default: 'item_id', help: 'Any interactions file: the item id column' },
    timeColumn: { kind: 'text', label: 'Time column (optional)', default: '', help: 'Dates (YYYY-MM-DD) or unix seconds' },
    weightColumn: { kind: 'text', label: 'Weight / rating column (optional)', default: '' },
    largeFileMB: {
      kind: 'number', label: 'Large-file threshold (MB)', default: LARGE_FILE_BYTES / 2 ** 20, min: 0, step: 64,
      help: 'H&M transactions files above this size are read by DuckDB from the file (not into memory) and not kept in browser storage',
    },
    hmScaleFraction: {
      kind: 'number', label: 'H&M-scale demo: share of the sizes', default: 1, min: 0.001, max: 1, step: 0.05,
      help: 'Demo: H&M scale only. Generates this share of the articles, customers and transactions (1: the full 105,542 / 1,371,980 / 31,788,324), to measure how memory grows with size',
    },
    encoding: {
      kind: 'select', label: 'Encoding', default: 'utf-8',
      options: [{ value: 'utf-8', label: 'UTF-8 (with or without BOM)' }, { value: 'latin1', label: 'latin-1 / Windows-1252' }],
      help: 'How CSV files are decoded; a file that is not UTF-8 fails with the line and byte, and can be read as latin-1 instead',
    },
    minKeptPercent: {
      kind: 'number', label: 'Minimum rows kept (%)', default: MIN_KEPT_SHARE * 100, min: 0, max: 100, step: 5,
      help: 'Under "skip bad rows", a file that keeps less than this share of its rows (or none) fails the load, and the previous dataset stays',
    },
  },
  dependsOn: [],
  async run(ctx) {
    const src = ctx.params.source as SourceName;
    const policy = ctx.params.badRows as BadRowPolicy;
    const minShare = (ctx.params.minKeptPercent as number) / 100;
    const check = () => {
      if (ctx.signal.aborted) throw new CancelledError();
    };
    const t0 = performance.now();
    ctx.progress({ label: 'Starting DuckDB', done: 0, total: 1, unit: 'steps' });
    const db = await getDuckDb();
    try {
      const built = src.startsWith('demo-') ? await loadDemo(PRESET[src], ctx.seed, db, ctx, check, ctx.params.hmScaleFraction as number) : await loadFiles(src as Exclude<SourceName, `demo-${string}`>, policy, minShare, ctx, db, check);
      const artifacts: DataArtifacts = { ...built.dataset, db, validation: built.validation ?? null };
      const outputs = await datasetOutputs(db, built.dataset, built.bad, built.notes, (performance.now() - t0) / 1000);
      current = { artifacts, outputs };
      const summary: Record<string, JsonValue> = {
        source: src, name: built.dataset.info.name, fingerprint: built.dataset.info.fingerprint,
        articles: built.dataset.info.counts.articles, customers: built.dataset.info.counts.customers, transactions: built.dataset.info.counts.transactions,
        badRows: built.bad.reduce((s, b) => s + b.count, 0),
      };
      return { outputs, artifacts: { ...artifacts }, summary };
    } catch (err) {
      await dropStaged(db).catch(() => undefined);
      if (err instanceof CancelledError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      if (!current) throw err instanceof DataError ? new CellFailure(message, 'Fix the file (or choose "skip bad rows") and run again.') : err;
      // A failed load is an error (Run all stops here), but the previous dataset is still in DuckDB, still in browser
      // storage, and still handed on: cells that used it keep working.
      const info = current.artifacts.info;
      throw new CellFailure(
        `Load failed: ${message}`,
        `Still using the previous dataset: ${info.name} (fingerprint ${info.fingerprint}). Fix the file and run again.`,
        err instanceof Error ? err.stack : undefined,
        { ...current.artifacts },
      );
    }
  },
});

interface Loaded {
  dataset: BuiltDataset;
  bad: BadRows[];
  notes: string[];
  validation?: HeldOutPairs | null;
}

type Ctx = Parameters<typeof dataCell.run>[0];

/** Rows generated and inserted at a time at H&M scale (smaller chunks: a lower high-water mark in the page and in DuckDB-WASM). */
export const HM_SCALE_CHUNK_ROWS = 250_000;

async function loadDemo(preset: DemoPreset, seed: number, db: DuckDbHandle, ctx: Ctx, check: () => void, fraction = 1): Promise<Loaded> {
  const scaled = preset === 'hm-scale' && fraction < 1;
  if (scaled && !(fraction > 0)) throw new CellFailure(`invalid H&M-scale share: ${fraction}; expected a number in (0, 1]`, 'Set "H&M-scale demo: share of the sizes" between 0.001 and 1.');
  const fp = new Fingerprint().text(DEMO_VERSION).text(preset).text(String(seed));
  const fingerprint = (scaled ? fp.text(`fraction ${fraction}`) : fp).hex();
  const name = `Demo (${preset}${scaled ? ` ×${fraction}` : ''}, seed ${seed})`;
  releaseObjectUrls();
  if (preset !== 'hm-scale') {
    ctx.progress({ label: 'Generating the demo', done: 0, total: 2, unit: 'steps' });
    const tables = generateDemoTables(preset, seed);
    check();
    ctx.progress({ label: 'Loading into DuckDB', done: 1, total: 2, unit: 'steps' });
    for (const t of ['articles', 'customers', 'transactions'] as const) await stage(db, t, tables[t], 'create');
    check();
    await swapIn(db);
    const dataset = buildDataset(tables, { kind: 'demo', name, fingerprint, imageUrl: svgResolver(tables.articles) });
    return { dataset, bad: [], notes: ['Demo data is regenerated from the seed, so it is not stored in the browser.'] };
  }
  // hm-scale: 31.8M rows are generated and inserted one chunk at a time.
  ctx.progress({ label: 'Generating articles and customers', done: 0, total: 1, unit: 'steps' });
  const full = DEMO_PRESETS['hm-scale'];
  const demo = generateDemo(scaled ? scaledSizes(full, fraction) : 'hm-scale', seed);
  await stage(db, 'articles', demo.articles, 'create', HM_SCALE_CHUNK_ROWS);
  await stage(db, 'customers', demo.customers, 'create', HM_SCALE_CHUNK_ROWS);
  const customerKeys = demo.customers.columns.customer_id.values as string[];
  const articleKeys = demo.articles.columns.article_id.values as string[];
  const builder = new InteractionLogBuilder(customerKeys, articleKeys, demo.sizes.transactions);
  // customer_id as an ENUM of the customers' ids keeps 31.8M rows within DuckDB-WASM's memory (lib/data/duckdb/staging.ts).
  const tx = await stageEnumKeyedTransactions(db, `customer_key_${Date.now().toString(36)}`);
  let done = 0;
  for (const chunk of demo.transactions(HM_SCALE_CHUNK_ROWS)) {
    check();
    // Customers as rows of the staged table: DuckDB looks their ENUM value up (no 64-character id per row goes over).
    await tx.append(chunk.table, chunk.customer);
    const cols = chunk.table.columns;
    builder.add(chunk.customer, chunk.article, cols.t_dat.values as Int32Array, cols.price.values as Float64Array, cols.sales_channel_id.values as Float64Array);
    done += chunk.table.length;
    ctx.progress({ label: 'Generating and loading transactions', done, total: demo.sizes.transactions, unit: 'rows' });
  }
  await tx.close();
  await swapIn(db);
  const interactions = builder.finish();
  const dataset: BuiltDataset = {
    interactions,
    // Images are optional at this scale: 105k SVG data URLs would take ~150 MB of strings.
    catalog: catalogFor(demo.articles, interactions.itemKeys),
    // Customers are the key list itself, in order: each log user's row comes from the builder, not from a map of 1.37M ids.
    customers: customerTableFor(demo.customers, interactions.userKeys, builder.kept!.users),
    info: { kind: 'demo', name, fingerprint, counts: { articles: demo.articles.length, customers: demo.customers.length, transactions: interactions.user.length } },
    joinIssues: [],
  };
  return {
    dataset,
    bad: [],
    notes: [
      'At H&M scale the catalogue has no images (they are optional at this size).',
      'transactions.customer_id is an ENUM of the customers ids in DuckDB (it keeps 31.8M rows within DuckDB-WASM memory); compare it with text through CAST(customer_id AS VARCHAR).',
    ],
  };
}

async function loadFiles(src: Exclude<SourceName, `demo-${string}`>, policy: BadRowPolicy, minShare: number, ctx: Ctx, db: DuckDbHandle, check: () => void): Promise<Loaded> {
  const files = dataFiles();
  let read: ReadResult;
  let photos: Map<string, File>;
  const notes: string[] = [];
  let restored = false;
  let storedFingerprint: string | null = null;
  let t = performance.now();
  const step = (what: string) => {
    const now = performance.now();
    ctx.log(`${what}: ${((now - t) / 1000).toFixed(2)} s`);
    t = now;
  };
  if (files.length === 0) {
    const stored = await loadStored();
    if (!stored || stored.meta.source !== src) {
      throw new CellFailure(`No files picked for ${SOURCES.find((s) => s.value === src)?.label ?? src}.`, 'Pick the files with the choosers above, then run the cell again.');
    }
    read = { tables: stored.tables, kind: stored.meta.kind, name: stored.meta.name, bad: [], options: '' };
    storedFingerprint = stored.meta.fingerprint;
    photos = stored.photos;
    restored = true;
    notes.push(`Restored from browser storage (saved ${stored.meta.savedAt}); nothing had to be picked again.`);
  } else {
    const large = (ctx.params.largeFileMB as number) * 2 ** 20;
    const big = src === 'hm-files' ? files.find((f) => roleOf(f) === 'transactions' && isTableFile(f) && f.size > large) : undefined;
    const articles = files.find((f) => roleOf(f) === 'articles' && isTableFile(f));
    if (big && articles) {
      releaseObjectUrls();
      const customers = files.find((f) => roleOf(f) === 'customers' && isTableFile(f));
      return loadLargeHm(db, { articles, customers, transactions: big }, policy, minShare, ctx.params.encoding as TextEncoding, photoResolver(imageFiles()), (label, done, total, unit) => ctx.progress({ label, done, total, unit }), ctx.log);
    }
    ctx.progress({ label: 'Reading and validating files', done: 0, total: files.length, unit: 'files' });
    read = await readSource(src, files, policy, minShare, ctx.params.encoding as TextEncoding, { user: ctx.params.userColumn, item: ctx.params.itemColumn, time: ctx.params.timeColumn || undefined, weight: ctx.params.weightColumn || undefined }, ctx.log);
    photos = imageFiles();
  }
  check();
  step(restored ? 'restored from browser storage' : 'read and validated');
  let fingerprint = storedFingerprint;
  if (!fingerprint) {
    const fp = new Fingerprint().text(read.kind).text(read.options);
    for (const name of ['articles', 'customers', 'transactions'] as const) fingerprintTable(fp, read.tables[name]);
    fingerprint = fp.hex();
    step('fingerprint');
  }
  // Validate the joins before touching DuckDB, so a bad file leaves the old tables alone.
  releaseObjectUrls();
  const dataset = buildDataset(read.tables, { kind: read.kind, name: read.name, fingerprint, badRows: policy, imageUrl: photoResolver(photos), transactionsFile: read.transactionsFile });
  step('built the interaction log and catalogue');
  if (!restored) {
    // Transactions dropped because their ids do not join count against the same threshold as unreadable rows.
    const kept = dataset.interactions.user.length;
    const dropped = read.tables.transactions.length - kept;
    if (dropped > 0 || kept === 0) enforceKeptShare({ file: dataset.joinIssues[0]?.file ?? read.transactionsFile ?? 'transactions', count: dropped, examples: dataset.joinIssues[0]?.examples ?? [] }, kept, minShare);
  }
  ctx.progress({ label: 'Loading into DuckDB', done: 0, total: 3, unit: 'tables' });
  let k = 0;
  for (const t of ['articles', 'customers', 'transactions'] as const) {
    await stage(db, t, read.tables[t], 'create');
    ctx.progress({ label: 'Loading into DuckDB', done: ++k, total: 3, unit: 'tables' });
  }
  check();
  await swapIn(db);
  step('loaded into DuckDB');
  const bad = [...read.bad, ...dataset.joinIssues];
  for (const b of bad) for (const e of b.examples) ctx.log(`skipped: ${describeBadRow(b.file, e)}`);
  if (!restored && canPersist()) {
    try {
      const keys = new Set(dataset.interactions.itemKeys);
      const inData = new Map([...photos].filter(([id]) => keys.has(id)));
      await saveDataset({ source: src, kind: read.kind, name: read.name, fingerprint }, read.tables, inData, (d, n) =>
        ctx.progress({ label: 'Saving to browser storage', done: d, total: n, unit: 'images' }),
      );
      notes.push('Saved in browser storage: after a reload, run this cell with the same source and no files picked.');
      step('saved to browser storage');
    } catch (e) {
      notes.push(`Not saved in browser storage: ${(e as Error).message}`);
    }
  }
  let validation: HeldOutPairs | null = null;
  const validFile = src === 'asos' && !restored ? files.find((f) => isAsosValidationFile(f.name)) : undefined;
  if (validFile) {
    validation = await readAsosValidation({ name: validFile.name, data: validFile }, dataset.interactions.userKeys, dataset.interactions.itemKeys);
    notes.push(
      `Validation file ${validFile.name}: ${validation.user.length} (user, product) pairs for the model cells' evaluation` +
        (validation.coldDropped ? ` (${validation.coldDropped} of ${validation.rows} rows dropped: user or product absent from training)` : '') +
        '. It is not a DuckDB table and is not kept in browser storage.',
    );
    step('read the validation file');
  } else if (src === 'asos') {
    notes.push('No validation file picked: the model cells hold out a seeded random share of each customer\'s purchases (ASOS has no dates).');
  }
  return { dataset, bad, notes, validation };
}
