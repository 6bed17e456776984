import { test } from 'vitest';
import { duckdbWasm } from './test-engines';
const mode = process.env.MODE ?? 'plain';
const every = Number(process.env.EVERY ?? 0);
test('compress ' + mode, async () => {
  const rss0 = process.memoryUsage().rss;
  const h = await duckdbWasm();
  if (mode !== 'plain') { await h.run(`ATTACH ':memory:' AS m (COMPRESS)`); await h.run('USE m'); }
  const NC = 170000, CH = 250000, N = Number(process.env.ROWS ?? 4000000);
  await h.run(`CREATE TABLE customers AS SELECT sha256(i::VARCHAR) AS customer_id, sha256((i*7)::VARCHAR) AS postal_code, 20 + i % 50 AS age FROM range(${NC}) t(i)`);
  await h.run(`CREATE TYPE ck AS ENUM (SELECT customer_id FROM customers)`);
  await h.run(`CREATE TABLE tx (t_dat DATE, customer_id ck, article_id VARCHAR, price DOUBLE, sales_channel_id INTEGER)`);
  const t0 = Date.now(); let tc = 0;
  for (let k = 0; k * CH < N; k++) {
    await h.run(`CREATE TABLE _c AS SELECT DATE '2018-09-20' + ((${k * CH} + i) * 735 // ${N})::INTEGER AS t_dat, sha256((hash(i + ${k * CH}) % ${NC})::VARCHAR) AS customer_id, (100000000 + hash((i + ${k * CH}) * 7) % 13000)::VARCHAR AS article_id, round((hash(i*3) % 1000) * 100 / 590.0) / 100 / 590 AS price, (1 + hash(i*5) % 2)::INTEGER AS sales_channel_id FROM range(${CH}) t(i)`);
    await h.run(`INSERT INTO tx SELECT t_dat, CAST(customer_id AS ck), article_id, price, sales_channel_id FROM _c`);
    await h.run('DROP TABLE _c');
    if (every && (k + 1) % every === 0) { const c = Date.now(); await h.run('CHECKPOINT'); tc += Date.now() - c; }
  }
  if (mode !== 'plain') { const c = Date.now(); await h.run('CHECKPOINT'); tc += Date.now() - c; }
  const secs = (Date.now() - t0) / 1000;
  const [mem] = await h.rows<{ memory_usage: string }>('PRAGMA database_size');
  const tags = await h.rows<{ tag: string; b: number }>('SELECT tag, memory_usage_bytes AS b FROM duckdb_memory() WHERE memory_usage_bytes > 0');
  const [{ n }] = await h.rows<{ n: number }>('SELECT count(*) AS n FROM tx');
  const t1 = Date.now(); const [{ s }] = await h.rows<{ s: number }>("SELECT count(DISTINCT customer_id) + sum(price) + count(DISTINCT article_id) AS s FROM tx"); const qs = (Date.now() - t1) / 1000;
  console.log(mode, 'every', every, 'rows', n, 'secs', secs, 'checkpoint s', tc / 1000, 'query s', qs, 'db', mem.memory_usage, JSON.stringify(tags.map((t) => `${t.tag} ${Math.round(t.b / 2 ** 20)}`)), 'rss growth MiB', Math.round((process.memoryUsage().rss - rss0) / 2 ** 20), s);
  h.close();
}, 3600000);
