#!/usr/bin/env node
// Bundles the app's Web Workers with esbuild into public/vendor/workers/
// (gitignored). Why not `new Worker(new URL(...))` through Turbopack: the
// TF.js WASM backend starts its pthreads from `factory.toString()` in a blob,
// and Turbopack's module rewriting leaves that function referring to names
// that do not exist in the blob (`__TURBOPACK__imported__module__…`), so
// threaded WASM crashes. esbuild keeps the factory self-contained.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');

/** Entry → output name (served as /vendor/workers/<name>.js). */
export const WORKERS = { 'ml.worker': 'workers/ml.worker.ts', 'parquet.worker': 'workers/parquet.worker.ts' };

const options = {
  entryPoints: Object.fromEntries(Object.entries(WORKERS).map(([name, src]) => [name, path.join(root, src)])),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outdir: path.join(root, 'public', 'vendor', 'workers'),
  alias: { '@': root },
  define: { 'process.env.NODE_ENV': '"production"' },
  // Whitespace only: renaming identifiers would break the same factory.toString() trick.
  minifyWhitespace: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  external: ['fs', 'path', 'crypto', 'worker_threads', 'perf_hooks', 'os', 'url', 'module'],
};

if (watch) {
  const { context } = await import('esbuild');
  const ctx = await context(options);
  await ctx.watch();
  console.log('build-workers: watching');
} else {
  const t0 = Date.now();
  await build(options);
  console.log(`build-workers: ${Object.keys(WORKERS).join(', ')} bundled in ${Date.now() - t0} ms`);
}
