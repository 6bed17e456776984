/**
 * The native DuckDB peer (@duckdb/node-api) as a child process speaking one
 * JSON line per command on stdin/stdout, so a benchmark can alternate it with
 * the browser run by run. Commands: {"sql": "..."} runs SQL and answers
 * {"seconds", "rows"}; every answer carries "peakRss" (VmHWM of this process).
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import duckdb, { DuckDBInstance } from '@duckdb/node-api';

function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

async function main(): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const threads = (await con.runAndReadAll("SELECT current_setting('threads') AS t")).getRowObjectsJson()[0].t;
  process.stdout.write(JSON.stringify({ ready: true, version: duckdb.version(), threads }) + '\n');
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const { sql } = JSON.parse(line) as { sql: string };
    try {
      const t0 = performance.now();
      const r = await con.runAndReadAll(sql);
      const seconds = (performance.now() - t0) / 1000;
      process.stdout.write(JSON.stringify({ seconds, rows: r.currentRowCount, result: r.getRowObjectsJson().slice(0, 3), peakRss: peakRss() }) + '\n');
    } catch (e) {
      process.stdout.write(JSON.stringify({ error: (e as Error).message, peakRss: peakRss() }) + '\n');
    }
  }
  con.closeSync();
}

void main();
