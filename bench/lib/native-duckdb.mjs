// Drives bench/node/duckdb-native.ts (native DuckDB in a child process): one
// JSON line per SQL statement. A fresh child per measurement gives a clean
// peak-RSS figure (VmHWM).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { root } from './report.mjs';

/** Starts the peer; returns {info, sql(text) → {seconds, rows, result, peakRss}, close()}. */
export async function startNativeDuckDb() {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench/node/duckdb-native.ts')], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const queue = [];
  lines.on('line', (l) => queue.shift()?.(JSON.parse(l)));
  const next = () => new Promise((resolve) => queue.push(resolve));
  const info = await next();
  return {
    info,
    async sql(text) {
      const p = next();
      child.stdin.write(JSON.stringify({ sql: text }) + '\n');
      const r = await p;
      if (r.error) throw new Error(`native DuckDB: ${r.error}`);
      return r;
    },
    close() {
      child.stdin.end();
      return new Promise((r) => child.on('exit', r));
    },
  };
}
