#!/usr/bin/env node
// node scripts/measure-embeddings-cell.mjs ROUNDS NAME=URL [NAME=URL ...]
// The Image embeddings cell's wall time on the default demo (small: 891 distinct drawings), default backbone
// (MobileNetV2 1.4) on WASM, nothing written to Neo4j, a fresh browser profile per run, the running apps at the
// given URLs measured alternately (e.g. two builds: before=http://127.0.0.1:3181 after=http://127.0.0.1:3180,
// each started with `NEO4J_URI=bolt://127.0.0.1:1 node scripts/start.mjs --port P --no-build`). One JSON line per run.
import { chromium } from 'playwright';
const rounds = Number(process.argv[2] ?? 2);
const targets = process.argv.slice(3).map((a) => a.split(/=(.*)/s).slice(0, 2));
if (!targets.length || targets.some(([n, u]) => !n || !u)) throw new Error('usage: node scripts/measure-embeddings-cell.mjs ROUNDS NAME=URL [NAME=URL ...]');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
for (let r = 0; r < rounds; r++) {
  for (const [name, base] of targets) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${base}/?backend=wasm`);
    await page.getByTestId('notebook').and(page.locator('[data-ready="true"]')).waitFor({ timeout: 300_000 });
    const run = async (id) => {
      const cell = page.getByTestId(`cell-${id}`);
      const t0 = Date.now();
      await cell.getByTestId(`run-${id}`).click();
      await page.waitForFunction((i) => ['done', 'error'].includes(document.querySelector(`[data-testid="cell-${i}"]`)?.getAttribute('data-status') ?? ''), id, { timeout: 1_800_000, polling: 200 });
      const status = await cell.getAttribute('data-status');
      if (status !== 'done') throw new Error(`${name} ${id}: ${status}: ${await cell.textContent()}`);
      return (Date.now() - t0) / 1000;
    };
    await run('data');
    await page.locator('#embeddings-writeNeo4j').uncheck();
    const wall = await run('embeddings');
    const text = await page.getByTestId('cell-embeddings').textContent();
    const thr = /throughput\s*([\d.]+)/.exec(text)?.[1];
    const emb = /embedded\s*([\d,]+)/.exec(text)?.[1];
    const line = { round: r, name, wallSeconds: wall, throughputShown: Number(thr), embedded: emb };
    console.log(JSON.stringify(line));
    await ctx.close();
  }
}
await browser.close();
