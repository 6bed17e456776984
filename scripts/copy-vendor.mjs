#!/usr/bin/env node
// Copies the wasm binaries and worker scripts the browser loads at run time
// into public/vendor/ (gitignored), so every asset is same-origin: the page is
// cross-origin isolated (COEP require-corp) and the machine may be offline.
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nm = (...p) => path.join(root, 'node_modules', ...p);

/** [source, destination folder under public/vendor] */
const files = [
  [nm('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'), 'tfjs'],
  [nm('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'), 'tfjs'],
  [nm('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm'), 'tfjs'],
  // DuckDB-WASM: only the `eh` bundle (the threaded `coi` bundle breaks file handles here).
  [nm('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'), 'duckdb'],
  [nm('@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js'), 'duckdb'],
  // parquet-wasm (lib/data/parquet.ts): Parquet → Arrow IPC in the page, offline.
  [nm('parquet-wasm/esm/parquet_wasm_bg.wasm'), 'parquet-wasm'],
];

let copied = 0;
for (const [src, dir] of files) {
  if (!existsSync(src)) {
    console.error(`copy-vendor: missing ${path.relative(root, src)}; run npm ci`);
    process.exit(1);
  }
  const destDir = path.join(root, 'public', 'vendor', dir);
  mkdirSync(destDir, { recursive: true });
  const dest = path.join(destDir, path.basename(src));
  if (existsSync(dest) && statSync(dest).size === statSync(src).size && statSync(dest).mtimeMs >= statSync(src).mtimeMs) continue;
  copyFileSync(src, dest);
  copied++;
}
console.log(`copy-vendor: ${copied} file(s) copied, ${files.length - copied} up to date`);
