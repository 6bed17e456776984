// Start and stop the embedded Neo4j launcher (neo4j/) from Node: used by `npm run neo4j`,
// `npm start` (when NEO4J_URI is unset), the integration-test global setup and the benchmarks.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import neo4j from 'neo4j-driver';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROJECT = path.join(ROOT, 'neo4j');
const CLASSES = path.join(PROJECT, 'target', 'classes');
const CLASSPATH_FILE = path.join(PROJECT, 'target', 'classpath.txt');
const MAIN_CLASS = 'atelier.neo4j.Launcher';
const MAIN_CLASS_FILE = path.join(CLASSES, 'atelier', 'neo4j', 'Launcher.class');
const BUILD_LOCK = '/tmp/atelier-neo4j-build.lock';

/** JVM flags Neo4j 5 needs on Java 17/21 (from Neo4j's own embedded test runner). */
export const JVM_ADD_OPENS = [
  'java.base/java.lang',
  'java.base/java.nio',
  'java.base/java.io',
  'java.base/java.util',
  'java.base/java.util.concurrent',
  'java.base/sun.net.www.protocol.http',
  'java.base/sun.nio.ch',
].map((p) => `--add-opens=${p}=ALL-UNNAMED`);

/** Username of the embedded server's only user. */
export const NEO4J_USER = 'neo4j';

/** Newest modification time (ms) of the launcher's sources. */
function sourcesMtime() {
  let newest = fs.statSync(path.join(PROJECT, 'pom.xml')).mtimeMs;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  walk(path.join(PROJECT, 'src'));
  return newest;
}

function isBuilt() {
  if (!fs.existsSync(MAIN_CLASS_FILE) || !fs.existsSync(CLASSPATH_FILE)) return false;
  const built = Math.min(fs.statSync(MAIN_CLASS_FILE).mtimeMs, fs.statSync(CLASSPATH_FILE).mtimeMs);
  return built >= sourcesMtime();
}

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Builds the launcher with Maven unless its classes and classpath are newer than its sources.
 * Several processes may call this at once: the build runs under a file lock (flock) when available.
 * The first build downloads the Neo4j jars into ~/.m2 (about a minute); later builds take seconds.
 * @param {{quiet?: boolean}} [opts]
 * @returns {{classpath: string}} the Java classpath (launcher classes first)
 */
export function ensureBuilt(opts = {}) {
  if (!isBuilt()) {
    const mvn = ['mvn', '-q', '-B', '-f', PROJECT, 'package', 'dependency:build-classpath',
      `-Dmdep.outputFile=${CLASSPATH_FILE}`];
    const useLock = hasCommand('flock');
    // Under the lock, re-check: another process may have finished the build while we waited.
    const script = `if [ -f "${MAIN_CLASS_FILE}" ] && [ -f "${CLASSPATH_FILE}" ] && [ -z "$ATELIER_FORCE_BUILD" ]; then exit 0; fi; ${mvn.map((a) => `'${a}'`).join(' ')}`;
    if (!opts.quiet) console.error('[neo4j] building the launcher with Maven (first run downloads Neo4j jars)...');
    const stale = fs.existsSync(MAIN_CLASS_FILE);
    const res = useLock
      ? spawnSync('flock', [BUILD_LOCK, 'sh', '-c', script], {
          cwd: ROOT, encoding: 'utf8', env: { ...process.env, ATELIER_FORCE_BUILD: stale ? '1' : '' },
        })
      : spawnSync(mvn[0], mvn.slice(1), { cwd: ROOT, encoding: 'utf8' });
    if (res.status !== 0) {
      const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.split('\n').slice(-40).join('\n');
      throw new Error(`neo4j launcher build failed (exit ${res.status ?? res.signal}): is Maven installed and Maven Central reachable?\n${out}`);
    }
  }
  const deps = fs.readFileSync(CLASSPATH_FILE, 'utf8').trim();
  return { classpath: `${CLASSES}${path.delimiter}${deps}` };
}

/**
 * A free TCP port on 127.0.0.1 (the OS picks it; another process may still take it before use,
 * so startNeo4j retries on "address in use" when it chose the port itself).
 * @returns {Promise<number>}
 */
export function findFreePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The password for a data directory: `NEO4J_PASSWORD`, else `<dataDir>/password`, else a new random
 * one written there (mode 0600). The launcher applies the same rule, so both sides agree.
 * @param {string} dataDir
 * @returns {string}
 */
export function resolvePassword(dataDir) {
  if (process.env.NEO4J_PASSWORD) return process.env.NEO4J_PASSWORD;
  const file = path.join(dataDir, 'password');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const pw = randomBytes(18).toString('base64url');
  fs.writeFileSync(file, `${pw}\n`, { mode: 0o600 });
  return pw;
}

/**
 * @typedef {object} StartOptions
 * @property {number} [port] Bolt port on 127.0.0.1; default: a free port
 * @property {string} [dataDir] Neo4j home (store, logs, password file); default `.data/neo4j`
 * @property {string} [password] password for user neo4j (>= 8 chars); default: resolvePassword(dataDir)
 * @property {string} [heap] JVM -Xmx, e.g. '512m' (default '512m')
 * @property {string} [pagecache] page cache size, e.g. '128m' (default '128m')
 * @property {boolean} [inheritOutput] also echo the launcher's output to this process's stderr
 * @property {number} [readyTimeoutMs] give up after this long (default 600000: a loaded 2-core machine is slow)
 * @property {boolean} [fastStartup] JVM flags that cut startup CPU (C1-only JIT, serial GC): for tests,
 *   not for benchmarks
 * @property {Record<string,string>} [conf] extra Neo4j settings (key=value)
 */

/**
 * @typedef {object} RunningNeo4j
 * @property {string} uri bolt://127.0.0.1:PORT
 * @property {number} port
 * @property {string} user always 'neo4j'
 * @property {string} password
 * @property {string} dataDir absolute path
 * @property {number} pid the JVM's process id
 * @property {() => string} logTail the last lines the launcher printed
 * @property {() => Promise<void>} stop SIGTERM, wait for a clean shutdown (SIGKILL after 60 s); idempotent
 * @property {Promise<number|null>} exited resolves with the exit code when the JVM exits
 */

/**
 * Starts an embedded Neo4j and resolves once it printed READY and a Bolt connection with the password
 * succeeded. Rejects with the launcher's log tail when it fails. The JVM exits by itself when this
 * process dies (its stdin closes).
 * @param {StartOptions} [opts]
 * @returns {Promise<RunningNeo4j>}
 */
export async function startNeo4j(opts = {}) {
  const { classpath } = ensureBuilt();
  const chosePort = opts.port === undefined;
  for (let attempt = 0; ; attempt++) {
    const port = opts.port ?? (await findFreePort());
    try {
      return await startOnce({ ...opts, port }, classpath);
    } catch (err) {
      const inUse = err instanceof Error && /address already in use|bindexception/i.test(err.message);
      if (!(chosePort && inUse && attempt < 3)) throw err;
    }
  }
}

/** @param {StartOptions & {port: number}} opts @param {string} classpath @returns {Promise<RunningNeo4j>} */
async function startOnce(opts, classpath) {
  const { port } = opts;
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`invalid port: ${port}; expected an integer in 1..65535`);
  }
  const dataDir = path.resolve(ROOT, opts.dataDir ?? path.join('.data', 'neo4j'));
  fs.mkdirSync(dataDir, { recursive: true });
  const password = opts.password ?? resolvePassword(dataDir);
  if (password.length < 8) throw new Error(`invalid password: length ${password.length}; expected at least 8 characters`);
  const heap = opts.heap ?? '512m';
  const args = [
    `-Xmx${heap}`, '-XX:+ExitOnOutOfMemoryError', '-Dfile.encoding=UTF-8', ...JVM_ADD_OPENS,
    ...(opts.fastStartup ? ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'] : []),
    MAIN_CLASS, '--port', String(port), '--data-dir', dataDir,
    '--pagecache', opts.pagecache ?? '128m', '--exit-on-stdin-eof',
  ];
  for (const [k, v] of Object.entries(opts.conf ?? {})) args.push('--conf', `${k}=${v}`);

  // The classpath goes through the environment so `ps` lines stay readable.
  const child = spawn('java', args, {
    cwd: ROOT,
    env: { ...process.env, CLASSPATH: classpath, NEO4J_PASSWORD: password },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const tail = [];
  const logFile = fs.createWriteStream(path.join(dataDir, 'launcher.log'), { flags: 'a' });
  let onLine = (_line) => {};
  const feed = (chunk) => {
    logFile.write(chunk);
    if (opts.inheritOutput) process.stderr.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      tail.push(line);
      if (tail.length > 80) tail.shift();
      onLine(line);
    }
  };
  child.stdout.on('data', feed);
  child.stderr.on('data', feed);
  child.stdin.on('error', () => {}); // EPIPE when the JVM is already gone: nothing to do.
  const exited = new Promise((resolve) => child.on('exit', (code) => { logFile.end(); resolve(code); }));
  const killOnExit = () => { try { child.kill('SIGKILL'); } catch { /* already gone */ } };
  process.on('exit', killOnExit);
  const logTail = () => tail.slice(-40).join('\n');

  const timeoutMs = opts.readyTimeoutMs ?? 600_000;
  const ready = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, why: `no READY line within ${timeoutMs} ms` }), timeoutMs);
    onLine = (line) => {
      if (line.startsWith('READY ')) { clearTimeout(timer); resolve({ ok: true }); }
      else if (line.startsWith('FAILED ')) { clearTimeout(timer); resolve({ ok: false, why: line }); }
    };
    exited.then((code) => { clearTimeout(timer); resolve({ ok: false, why: `launcher exited with code ${code}` }); });
  });
  onLine = () => {};

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        await exited;
        clearTimeout(killer);
      }
      process.off('exit', killOnExit);
    })();
    return stopping;
  };

  if (!ready.ok) {
    await stop();
    throw new Error(`neo4j failed to start on 127.0.0.1:${port} (${ready.why}); data dir ${dataDir}\n--- launcher output ---\n${logTail()}`);
  }
  const uri = `bolt://127.0.0.1:${port}`;
  const driver = neo4j.driver(uri, neo4j.auth.basic(NEO4J_USER, password));
  try {
    await driver.verifyAuthentication();
  } catch (err) {
    await stop();
    throw new Error(`neo4j printed READY but a Bolt login to ${uri} failed: ${err instanceof Error ? err.message : String(err)}\n--- launcher output ---\n${logTail()}`);
  } finally {
    await driver.close();
  }
  return { uri, port, user: NEO4J_USER, password, dataDir, pid: child.pid ?? -1, logTail, stop, exited };
}
