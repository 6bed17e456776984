// Runs benchmark code in headless Chromium: bundles a TS entry with esbuild,
// serves it cross-origin isolated (COOP/COEP) with the TF.js wasm files,
// DuckDB files, worker bundles and models (public/vendor, prepared here when
// missing or stale, so a fresh clone needs no build) and any extra folders,
// and opens it.
import { build } from 'esbuild';
import { createReadStream, existsSync, mkdtempSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { copyVendor } from '../../scripts/copy-vendor.mjs';
import { buildWorkers } from '../../scripts/build-workers.mjs';
import { vendorModels } from '../../scripts/vendor-models.mjs';
import { root } from './report.mjs';

const prepared = new Map();

/**
 * Fills `vendorDir` (default public/vendor) with what pages load from
 * /vendor/: the wasm binaries and DuckDB worker (scripts/copy-vendor.mjs),
 * the app's worker bundles (scripts/build-workers.mjs) and the vendored
 * models (scripts/vendor-models.mjs). Each step skips files that are up to
 * date, so this is cheap after the first time; done once per folder per process.
 */
export function prepareVendor(vendorDir = path.join(root, 'public', 'vendor')) {
  if (!prepared.has(vendorDir)) {
    const p = (async () => {
      const copy = copyVendor(vendorDir);
      const workers = await buildWorkers({ outdir: path.join(vendorDir, 'workers'), ifStale: true });
      const models = vendorModels(path.join(vendorDir, 'models'));
      const did = [
        copy.copied ? `${copy.copied} vendor file(s) copied` : '',
        workers.built ? `workers bundled in ${workers.ms} ms (${workers.reason})` : '',
        models.length ? `${models.length} model(s) vendored` : '',
      ].filter(Boolean);
      if (did.length) console.error(`bench: prepared ${path.relative(root, vendorDir) || vendorDir}: ${did.join('; ')}`);
      return { copy, workers, models };
    })();
    prepared.set(vendorDir, p);
    p.catch(() => prepared.delete(vendorDir));
  }
  return prepared.get(vendorDir);
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.csv': 'text/csv',
  '.parquet': 'application/octet-stream',
};

/**
 * Bundles `entry` (a TS/JS module; in the page it runs as a module script),
 * serves it, opens it in Chromium and calls `fn(page, {url, serve})`.
 * Options: `webgpu` adds --enable-unsafe-webgpu; `mounts` maps URL prefixes
 * to folders (e.g. {'/data/': dataDir()}); `workers` lists extra TS entries
 * bundled next to the page (served as /<basename>.js); `vendorDir` is the
 * folder served as /vendor/ (prepared first by `prepareVendor`).
 * Range requests are supported so DuckDB can read served files.
 */
export async function withBrowserPage({ entry, workers = [], mounts = {}, webgpu = false, headless = true, vendorDir = path.join(root, 'public', 'vendor') }, fn) {
  await prepareVendor(vendorDir);
  const out = mkdtempSync(path.join(os.tmpdir(), 'atelier-bench-'));
  const entries = [entry, ...workers].map((e) => path.resolve(root, e));
  await build({
    entryPoints: entries,
    bundle: true,
    format: 'esm',
    outdir: out,
    platform: 'browser',
    target: 'es2022',
    sourcemap: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
    alias: { '@': root },
    // Node built-ins some libraries mention but never use in the browser.
    external: ['fs', 'path', 'crypto', 'worker_threads', 'perf_hooks', 'os', 'url', 'module'],
  });
  const mainJs = path.basename(entries[0]).replace(/\.[cm]?[jt]sx?$/, '.js');
  const allMounts = { '/vendor/': vendorDir, ...mounts };
  const server = createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    if (url === '/' || url === '/index.html') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html' });
      res.end(`<!doctype html><meta charset="utf-8"><title>bench</title><body><script type="module" src="/${mainJs}"></script></body>`);
      return;
    }
    let file = null;
    for (const [prefix, dir] of Object.entries(allMounts)) {
      if (url.startsWith(prefix)) file = path.join(dir, url.slice(prefix.length));
    }
    if (!file) file = path.join(out, url);
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, headers);
      res.end('not found');
      return;
    }
    const size = statSync(file).size;
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Number(range[2]) : size - 1;
      res.writeHead(206, { ...headers, 'Content-Type': type, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': end - start + 1, 'Accept-Ranges': 'bytes' });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file, { start, end }).pipe(res);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': size, 'Accept-Ranges': 'bytes' });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/`;
  // A unique (ignored) switch finds this browser's main process for memory sampling.
  const marker = `--atelier-bench-run=${process.pid}-${Date.now()}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless,
    args: [...CHROMIUM_ARGS, ...(webgpu ? ['--enable-unsafe-webgpu'] : []), marker],
  });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`bench page error: ${e.message}`));
    watchStart(page, mainJs);
    page.on('console', (m) => {
      if (m.type() === 'error' || process.env.BENCH_VERBOSE) console.error(`bench page: ${m.text()}`);
    });
    await page.goto(url);
    return await fn(page, { url, browserPid: await findPid(marker) });
  } finally {
    await browser.close();
    server.close();
  }
}

/**
 * Peak resident memory (bytes) of one browser's process tree (renderers, GPU
 * and utility processes included), sampled from /proc while `work` runs.
 * `rootPid` is the browser's pid (`browser.process().pid`); without it every
 * Chromium child process on the machine counts. Linux only.
 */
export async function samplePeakRss(work, intervalMs = 100, rootPid = null) {
  const { readdirSync, readFileSync } = await import('node:fs');
  let peak = 0;
  const tree = () => {
    const parent = new Map();
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        // The command name may hold spaces: the ppid is the 2nd field after its closing paren.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        parent.set(Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      } catch {
        /* process ended while listing */
      }
    }
    const inTree = new Set([rootPid]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [pid, ppid] of parent) if (!inTree.has(pid) && inTree.has(ppid)) (inTree.add(pid), (grew = true));
    }
    return inTree;
  };
  const sample = () => {
    const pids = rootPid ? tree() : null;
    let total = 0;
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        if (pids ? !pids.has(Number(pid)) : !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=')) continue;
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) total += Number(m[1]) * 1024;
      } catch {
        /* process ended while sampling */
      }
    }
    peak = Math.max(peak, total);
  };
  const timer = setInterval(sample, intervalMs);
  try {
    sample();
    const result = await work();
    sample();
    return { result, peakBytes: peak };
  } finally {
    clearInterval(timer);
  }
}

/** The pid of the process whose command line holds `marker`, or null. */
export async function findPid(marker) {
  const { readdirSync, readFileSync } = await import('node:fs');
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(marker) && !cmd.includes('--type=')) return Number(pid);
    } catch {
      /* process ended while listing */
    }
  }
  return null;
}

/** Per page: why its entry may have failed to start (an uncaught error, the entry script not served), since the last navigation. */
const startState = new WeakMap();

/** Records what would keep `pageResult` waiting forever: uncaught page errors and a failed load of the entry script. */
function watchStart(page, mainJs) {
  const state = { problems: [], listeners: new Set() };
  startState.set(page, state);
  const add = (why) => {
    state.problems.push(why);
    for (const l of state.listeners) l(why);
  };
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) state.problems.length = 0;
  });
  page.on('pageerror', (e) => add(`uncaught error: ${e.message}`));
  page.on('response', (r) => {
    if (new URL(r.url()).pathname === `/${mainJs}` && r.status() >= 400) add(`the entry /${mainJs} answered ${r.status()}`);
  });
  page.on('requestfailed', (r) => {
    if (new URL(r.url()).pathname === `/${mainJs}`) add(`the entry /${mainJs} failed to load: ${r.failure()?.errorText ?? 'unknown'}`);
  });
}

/**
 * Waits for the entry to set `window.benchResult` (a promise or value) and
 * returns it. Fails with a message, instead of waiting forever, when the page
 * cannot start: its entry script is not served, or an uncaught error comes
 * while the result is still unset.
 */
export async function pageResult(page, name = 'benchResult') {
  const state = startState.get(page);
  let listener = null;
  const failed = new Promise((_, reject) => {
    const check = async (why) => {
      // A later, unrelated error does not count once the entry has set its result.
      const set = await page.evaluate((n) => window[n] !== undefined, name).catch(() => false);
      if (!set) reject(new Error(`bench page did not start (${why}); see the page errors above`));
    };
    listener = (why) => void check(why);
    state?.listeners.add(listener);
    for (const why of state?.problems ?? []) void check(why);
  });
  // A check that settles after the result came must not be an unhandled rejection.
  failed.catch(() => {});
  try {
    await Promise.race([page.waitForFunction((n) => window[n] !== undefined, name, { timeout: 0 }), failed]);
  } finally {
    state?.listeners.delete(listener);
  }
  return page.evaluate((n) => window[n], name);
}
