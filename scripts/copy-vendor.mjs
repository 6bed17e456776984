#!/usr/bin/env node
// Copies the wasm binaries and worker scripts the browser loads at run time
// into public/vendor/ (gitignored), so every asset is same-origin: the page is
// cross-origin isolated (COEP require-corp) and the machine may be offline.
// Also imported by bench/lib/browser.mjs, which prepares the files itself.
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nm = (...p) => path.join(root, 'node_modules', ...p);

/** [source, destination folder under public/vendor] */
export const VENDOR_FILES = [
  [nm('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'), 'tfjs'],
  [nm('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'), 'tfjs'],
  [nm('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm'), 'tfjs'],
  // DuckDB-WASM: only the `eh` bundle (the threaded `coi` bundle breaks file handles here).
  [nm('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'), 'duckdb'],
  [nm('@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js'), 'duckdb'],
  // parquet-wasm (lib/data/parquet.ts): Parquet → Arrow IPC in the page, offline.
  [nm('parquet-wasm/esm/parquet_wasm_bg.wasm'), 'parquet-wasm'],
];

/**
 * Copies every file of VENDOR_FILES under `destRoot` (default public/vendor)
 * unless the copy there has the source's size and is not older than it.
 * Returns {copied, upToDate}; throws naming a missing source.
 */
export function copyVendor(destRoot = path.join(root, 'public', 'vendor')) {
  let copied = 0;
  for (const [src, dir] of VENDOR_FILES) {
    if (!existsSync(src)) throw new Error(`copy-vendor: missing ${path.relative(root, src)}; run npm ci`);
    const destDir = path.join(destRoot, dir);
    mkdirSync(destDir, { recursive: true });
    const dest = path.join(destDir, path.basename(src));
    if (existsSync(dest) && statSync(dest).size === statSync(src).size && statSync(dest).mtimeMs >= statSync(src).mtimeMs) continue;
    copyFileSync(src, dest);
    copied++;
  }
  return { copied, upToDate: VENDOR_FILES.length - copied };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const { copied, upToDate } = copyVendor();
    console.log(`copy-vendor: ${copied} file(s) copied, ${upToDate} up to date`);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
