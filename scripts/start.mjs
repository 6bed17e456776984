#!/usr/bin/env node
// `npm start`: the whole app on one command. When NEO4J_URI is not set it
// starts the embedded Neo4j (Bolt on 127.0.0.1:NEO4J_PORT, data in
// .data/neo4j), builds the app if its sources changed (a content hash of
// them, kept next to the build), serves it with
// `next start`, and prints the URL. Ctrl-C stops everything.
//
// Flags: --port N (or PORT; default 3000), --host H (default 127.0.0.1),
// --neo4j-port N|auto, --neo4j-data DIR|tmp (tmp: a temporary folder deleted
// on exit; tests use it), --no-build, --build-only (build if needed, then exit).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNeo4j } from './neo4j-lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const port = Number(flag('port', process.env.PORT ?? 3000));
const host = flag('host', process.env.HOST ?? '127.0.0.1');
const log = (m) => console.error(`[atelier] ${m}`);

// What the build depends on. public/vendor is generated from node_modules
// (package-lock.json stands for it); the scripts that generate it count.
const SOURCES = ['app', 'lib', 'workers', 'public', 'scripts/copy-vendor.mjs', 'scripts/vendor-models.mjs', 'scripts/build-workers.mjs',
  'package.json', 'package-lock.json', 'next.config.js', 'tsconfig.json'];
const SKIP = new Set(['node_modules', 'vendor']);
const STAMP = path.join(root, '.next', 'atelier-sources.sha256');

/** A hash of every source file's path and content: unlike mtimes it survives a fresh clone, and edits made during a build count. */
function sourcesHash() {
  const h = createHash('sha256');
  const walk = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) if (!SKIP.has(e) && !e.startsWith('.')) walk(path.join(p, e));
      return;
    }
    h.update(path.relative(root, p));
    h.update('\0');
    h.update(readFileSync(p));
    h.update('\0');
  };
  for (const s of SOURCES) walk(path.join(root, s));
  return h.digest('hex');
}

function needsBuild(hash) {
  if (!existsSync(path.join(root, '.next', 'BUILD_ID')) || !existsSync(STAMP)) return true;
  return readFileSync(STAMP, 'utf8').trim() !== hash;
}

const cleanups = [];
let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const f of cleanups.reverse()) {
    try {
      await f();
    } catch (err) {
      log(`cleanup failed: ${err instanceof Error ? err.message : err}`);
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

function buildIfNeeded() {
  // Hashed before building: a file edited while the build runs makes the next start build again.
  const hash = sourcesHash();
  if (!needsBuild(hash)) {
    log('the build is up to date with the sources (nothing to rebuild)');
    return;
  }
  log('building the app (vendor files, workers, next build)…');
  const steps = [
    [path.join(root, 'scripts/copy-vendor.mjs')],
    [path.join(root, 'scripts/vendor-models.mjs')],
    [path.join(root, 'scripts/build-workers.mjs')],
    [path.join(root, 'node_modules/next/dist/bin/next'), 'build'],
  ];
  for (const step of steps) {
    const b = spawnSync(process.execPath, step, { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    if (b.status !== 0) throw new Error(`${path.basename(step[0])} failed (see above)`);
  }
  writeFileSync(STAMP, `${hash}\n`);
}

if (argv.includes('--build-only')) {
  try {
    buildIfNeeded();
    process.exit(0);
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}

try {
  // Build first: a failed build should not leave a Neo4j behind.
  if (!argv.includes('--no-build')) buildIfNeeded();
  const env = { ...process.env };
  if (!process.env.NEO4J_URI) {
    const portFlag = flag('neo4j-port', process.env.NEO4J_PORT ?? '7687');
    let dataDir = flag('neo4j-data', process.env.NEO4J_DATA_DIR ?? path.join('.data', 'neo4j'));
    if (dataDir === 'tmp') {
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-neo4j-'));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    }
    log(`starting the embedded Neo4j (data in ${dataDir})…`);
    const server = await startNeo4j({
      port: portFlag === 'auto' ? undefined : Number(portFlag),
      dataDir,
      heap: process.env.NEO4J_HEAP ?? '1g',
      pagecache: process.env.NEO4J_PAGECACHE ?? '256m',
    });
    cleanups.push(() => server.stop());
    server.exited.then((code) => {
      if (!stopping) log(`Neo4j exited unexpectedly (code ${code}); the app keeps running and the System cell will say how to restart it.`);
    });
    env.NEO4J_URI = server.uri;
    env.NEO4J_USERNAME = server.user;
    env.NEO4J_PASSWORD = server.password;
    log(`Neo4j ready at ${server.uri}`);
  } else {
    log(`using NEO4J_URI=${process.env.NEO4J_URI}`);
  }


  const next = spawn(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', host], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  cleanups.push(
    () =>
      new Promise((resolve) => {
        if (next.exitCode !== null) return resolve();
        next.once('exit', resolve);
        next.kill('SIGTERM');
      }),
  );
  next.on('exit', (code) => {
    if (!stopping) {
      log(`next start exited (code ${code})`);
      void shutdown(code ?? 1);
    }
  });
  log(`Atelier is starting at http://${host}:${port}/ (Ctrl-C stops it)`);
} catch (err) {
  log(err instanceof Error ? err.message : String(err));
  await shutdown(1);
}
