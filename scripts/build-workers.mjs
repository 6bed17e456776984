#!/usr/bin/env node
// Bundles the app's Web Workers with esbuild into public/vendor/workers/
// (gitignored). Why not `new Worker(new URL(...))` through Turbopack: the
// TF.js WASM backend starts its pthreads from `factory.toString()` in a blob,
// and Turbopack's module rewriting leaves that function referring to names
// that do not exist in the blob (`__TURBOPACK__imported__module__…`), so
// threaded WASM crashes. esbuild keeps the factory self-contained.
// `--if-stale` (and bench/lib/browser.mjs, through `buildWorkers`) skips the
// build when every bundle is newer than every file it was built from.
import { build } from 'esbuild';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Entry → output name (served as /vendor/workers/<name>.js). */
export const WORKERS = { 'ml.worker': 'workers/ml.worker.ts', 'parquet.worker': 'workers/parquet.worker.ts' };

/** The inputs of the last build (esbuild's metafile), kept next to the bundles. */
const INPUTS = '.inputs.json';

const options = (outdir) => ({
  entryPoints: Object.fromEntries(Object.entries(WORKERS).map(([name, src]) => [name, path.join(root, src)])),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outdir,
  alias: { '@': root },
  define: { 'process.env.NODE_ENV': '"production"' },
  // Whitespace only: renaming identifiers would break the same factory.toString() trick.
  minifyWhitespace: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
  external: ['fs', 'path', 'crypto', 'worker_threads', 'perf_hooks', 'os', 'url', 'module'],
});

/**
 * Why the bundles in `outdir` must be rebuilt (a missing bundle, no record of
 * the last build's inputs, or an input newer than the oldest bundle), or null
 * when they are up to date.
 */
export function workersStale(outdir = path.join(root, 'public', 'vendor', 'workers')) {
  const outputs = Object.keys(WORKERS).map((name) => path.join(outdir, `${name}.js`));
  const missing = outputs.find((o) => !existsSync(o));
  if (missing) return `${path.basename(missing)} is missing`;
  const record = path.join(outdir, INPUTS);
  if (!existsSync(record)) return `no record of the last build's inputs (${INPUTS})`;
  const built = Math.min(...outputs.map((o) => statSync(o).mtimeMs));
  for (const input of JSON.parse(readFileSync(record, 'utf8'))) {
    const file = path.resolve(root, input);
    if (!existsSync(file)) return `${input} (an input of the last build) is gone`;
    if (statSync(file).mtimeMs > built) return `${input} changed since the last build`;
  }
  return null;
}

/**
 * Bundles the workers into `outdir` (default public/vendor/workers). With
 * `ifStale`, only when `workersStale` gives a reason. Returns {built, reason, ms}.
 */
export async function buildWorkers({ outdir = path.join(root, 'public', 'vendor', 'workers'), ifStale = false } = {}) {
  const reason = ifStale ? workersStale(outdir) : 'asked to build';
  if (!reason) return { built: false, reason: null, ms: 0 };
  const t0 = Date.now();
  const result = await build(options(outdir));
  // Inputs relative to the repository root; esbuild names them relative to the working directory.
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !p.includes(':'))
    .map((p) => path.relative(root, path.resolve(p)));
  writeFileSync(path.join(outdir, INPUTS), JSON.stringify(inputs));
  return { built: true, reason, ms: Date.now() - t0 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--watch')) {
    const { context } = await import('esbuild');
    const ctx = await context(options(path.join(root, 'public', 'vendor', 'workers')));
    await ctx.watch();
    console.log('build-workers: watching');
  } else {
    const r = await buildWorkers({ ifStale: process.argv.includes('--if-stale') });
    console.log(r.built ? `build-workers: ${Object.keys(WORKERS).join(', ')} bundled in ${r.ms} ms (${r.reason})` : 'build-workers: up to date');
  }
}
