/**
 * Writes a seeded demo dataset as CSV and Parquet files for the data
 * benchmarks: articles, customers and transactions (streamed chunk by chunk,
 * so hm-scale's 31.8M rows never sit in memory at once). Parquet files are
 * written from the CSVs by native DuckDB. Reuses the files when `done.json`
 * says they were made with the same sizes and seed.
 * Usage: node --import tsx bench/node/demo-files.ts OUT_DIR PRESET|articles,customers,transactions SEED
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateDemo, isDemoPreset, DEMO_PRESETS, type DemoSizes } from '../../lib/data/demo';
import { HM_SCHEMAS, duckdbType } from '../../lib/data/schema';
import { toCsv } from '../../lib/data/table';

const [outDir, sizeArg = 'hm-scale', seedArg = '1'] = process.argv.slice(2);
if (!outDir) throw new Error('usage: demo-files.ts OUT_DIR PRESET|a,c,t SEED');
const sizes: DemoSizes = isDemoPreset(sizeArg)
  ? DEMO_PRESETS[sizeArg]
  : (() => {
      const [articles, customers, transactions] = sizeArg.split(',').map(Number);
      return { articles, customers, transactions };
    })();
const seed = Number(seedArg);
const stamp = JSON.stringify({ sizes, seed, version: 'demo-v1' });
const donePath = path.join(outDir, 'done.json');
if (existsSync(donePath) && readFileSync(donePath, 'utf8') === stamp) {
  console.error(`demo-files: reusing ${outDir}`);
  process.exit(0);
}
mkdirSync(outDir, { recursive: true });
const t0 = Date.now();
const demo = generateDemo(sizes, seed);
writeFileSync(path.join(outDir, 'articles.csv'), toCsv(demo.articles));
writeFileSync(path.join(outDir, 'customers.csv'), toCsv(demo.customers));
const fd = openSync(path.join(outDir, 'transactions.csv'), 'w');
let first = true;
let rows = 0;
for (const chunk of demo.transactions(1_000_000)) {
  const csv = toCsv(chunk.table);
  writeSync(fd, first ? csv : csv.slice(csv.indexOf('\n') + 1));
  first = false;
  rows += chunk.table.length;
  console.error(`demo-files: ${rows.toLocaleString('en-US')} / ${sizes.transactions.toLocaleString('en-US')} transactions (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
closeSync(fd);

async function writeParquet(): Promise<void> {
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
for (const [name, schema] of Object.entries(HM_SCHEMAS)) {
  const cols = schema.columns.map((c) => `'${c.name}': '${c.type === 'int' ? 'INTEGER' : duckdbType(c.type)}'`).join(', ');
  const csv = path.join(outDir, `${name}.csv`);
  const pq = path.join(outDir, `${name}.parquet`);
  await con.run(`COPY (SELECT * FROM read_csv('${csv}', header = true, columns = {${cols}})) TO '${pq}' (FORMAT parquet, COMPRESSION snappy)`);
  console.error(`demo-files: wrote ${pq}`);
}
con.closeSync();
}

void writeParquet().then(() => {
writeFileSync(donePath, stamp);
console.error(`demo-files: done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
});
