/**
 * Server-side Neo4j access: one driver per process and connection (kept on `globalThis` so Next.js
 * dev reloads do not leak pools), configured from the environment. Server-only: never import this
 * from browser code (credentials live here).
 */
import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';

/** Where one graph lives. */
export interface Neo4jConfig {
  /** bolt://, neo4j:// (routing) or their +s/+ssc variants. */
  uri: string;
  user: string;
  password: string;
  /** Database name; Community Edition has only `neo4j`. */
  database: string;
}

/** Default Bolt address of the embedded server started by `npm run neo4j` / `npm start`. */
export const DEFAULT_NEO4J_URI = 'bolt://127.0.0.1:7687';
/** Password file the embedded launcher writes when NEO4J_PASSWORD is unset. */
export const EMBEDDED_PASSWORD_FILE = path.join('.data', 'neo4j', 'password');

type Env = Record<string, string | undefined>;

/**
 * The main graph's configuration: NEO4J_URI (default bolt://127.0.0.1:7687), NEO4J_USERNAME (neo4j),
 * NEO4J_PASSWORD (else, when NEO4J_URI is unset, the embedded server's generated password file),
 * NEO4J_DATABASE (neo4j).
 */
export function configFromEnv(env: Env = process.env, cwd: string = process.cwd()): Neo4jConfig {
  const uri = env.NEO4J_URI || DEFAULT_NEO4J_URI;
  let password = env.NEO4J_PASSWORD ?? '';
  if (!password && !env.NEO4J_URI) password = readEmbeddedPassword(cwd);
  return {
    uri,
    user: env.NEO4J_USERNAME || 'neo4j',
    password,
    database: env.NEO4J_DATABASE || 'neo4j',
  };
}

/**
 * The products graph's configuration for split mode: NEO4J_PRODUCTS_URI, NEO4J_PRODUCTS_USERNAME,
 * NEO4J_PRODUCTS_PASSWORD, NEO4J_PRODUCTS_DATABASE (each falling back to the main graph's value), or
 * `null` when NEO4J_PRODUCTS_URI is unset (products live in the main graph).
 */
export function productsConfigFromEnv(env: Env = process.env, cwd: string = process.cwd()): Neo4jConfig | null {
  if (!env.NEO4J_PRODUCTS_URI) return null;
  const main = configFromEnv(env, cwd);
  return {
    uri: env.NEO4J_PRODUCTS_URI,
    user: env.NEO4J_PRODUCTS_USERNAME || main.user,
    password: env.NEO4J_PRODUCTS_PASSWORD ?? main.password,
    database: env.NEO4J_PRODUCTS_DATABASE || main.database,
  };
}

function readEmbeddedPassword(cwd: string): string {
  const file = path.join(cwd, EMBEDDED_PASSWORD_FILE);
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return ''; // No embedded server has run here yet; the login fails with a credentials hint.
  }
}

interface DriverCache {
  drivers: Map<string, Driver>;
}

const CACHE_KEY = Symbol.for('atelier.neo4j.drivers');

function cache(): DriverCache {
  const g = globalThis as typeof globalThis & { [CACHE_KEY]?: DriverCache };
  g[CACHE_KEY] ??= { drivers: new Map() };
  return g[CACHE_KEY];
}

function cacheKey(cfg: Neo4jConfig): string {
  return `${cfg.uri}\u0000${cfg.user}\u0000${cfg.password}`;
}

/**
 * The process-wide driver for a configuration (created on first use, never closed per request).
 * Integers come back as JS numbers (ids and counts stay below 2^53).
 */
export function getDriver(cfg: Neo4jConfig = configFromEnv()): Driver {
  const drivers = cache().drivers;
  const key = cacheKey(cfg);
  let driver = drivers.get(key);
  if (!driver) {
    driver = neo4j.driver(cfg.uri, neo4j.auth.basic(cfg.user, cfg.password), {
      disableLosslessIntegers: true,
      connectionTimeout: 10_000,
      // Retry transient failures for 10 s (default 30 s): a stopped server should surface quickly.
      maxTransactionRetryTime: 10_000,
      maxConnectionPoolSize: 20,
      userAgent: 'atelier/0.1',
    });
    drivers.set(key, driver);
  }
  return driver;
}

/** Closes and forgets one cached driver (e.g. after a failed login), or all of them. */
export async function closeDrivers(cfg?: Neo4jConfig): Promise<void> {
  const drivers = cache().drivers;
  const entries = cfg ? [[cacheKey(cfg), drivers.get(cacheKey(cfg))] as const] : [...drivers.entries()];
  for (const [key, driver] of entries) {
    drivers.delete(key);
    if (driver) await driver.close();
  }
}

/** What went wrong talking to Neo4j, in three kinds the UI can explain. */
export type Neo4jFailureKind = 'unreachable' | 'credentials' | 'other';

/** A failure with a message for people and a hint on what to do. */
export interface Neo4jFailure {
  ok: false;
  kind: Neo4jFailureKind;
  error: string;
  hint: string;
}

/** Classifies a driver error into unreachable / wrong credentials / other, with a hint. */
export function describeNeo4jError(err: unknown, cfg: Pick<Neo4jConfig, 'uri' | 'user'>): Neo4jFailure {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ServiceUnavailable' || code === 'SessionExpired' || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT/.test(message)) {
    return {
      ok: false,
      kind: 'unreachable',
      error: `Neo4j is unreachable at ${cfg.uri}: ${firstLine(message)}`,
      hint: 'Start the embedded server with `npm run neo4j` (or `npm start`), or set NEO4J_URI to a running Neo4j.',
    };
  }
  if (code.startsWith('Neo.ClientError.Security.Unauthorized') || code.startsWith('Neo.ClientError.Security.AuthenticationRateLimit')) {
    return {
      ok: false,
      kind: 'credentials',
      error: `Neo4j at ${cfg.uri} rejected the credentials of user ${cfg.user}: ${firstLine(message)}`,
      hint: 'Check NEO4J_USERNAME and NEO4J_PASSWORD (the embedded server keeps its generated password in .data/neo4j/password).',
    };
  }
  return {
    ok: false,
    kind: 'other',
    error: `Neo4j error at ${cfg.uri}${code ? ` (${code})` : ''}: ${firstLine(message)}`,
    hint: 'See the server log; for the embedded server it is under .data/neo4j/logs/debug.log.',
  };
}

function firstLine(s: string): string {
  return s.split('\n')[0].slice(0, 300);
}

/** A reachable server, as the System cell shows it. */
export interface ServerInfoOk {
  ok: true;
  /** e.g. "5.26.30" */
  version: string;
  /** "community" or "enterprise" */
  edition: string;
  database: string;
  /** host:port the driver talked to */
  address: string;
  /** Round trip of a trivial query, in milliseconds. */
  latencyMs: number;
}

/**
 * Connects, reads the server's version and edition and times a trivial query. Never throws: failures
 * come back as `{ok:false, kind, error, hint}`. A rejected login drops the cached driver so a fixed
 * password takes effect without a restart.
 */
export async function serverInfo(cfg: Neo4jConfig = configFromEnv()): Promise<ServerInfoOk | Neo4jFailure> {
  const driver = getDriver(cfg);
  try {
    const info = await driver.getServerInfo({ database: cfg.database });
    const started = performance.now();
    const res = await driver.executeQuery(
      'CALL dbms.components() YIELD versions, edition RETURN versions[0] AS version, edition',
      {},
      { database: cfg.database, routing: neo4j.routing.READ },
    );
    const latencyMs = performance.now() - started;
    const row = res.records[0];
    return {
      ok: true,
      version: String(row?.get('version') ?? info.agent ?? 'unknown'),
      edition: String(row?.get('edition') ?? 'unknown'),
      database: cfg.database,
      address: info.address ?? cfg.uri,
      latencyMs: Math.round(latencyMs * 10) / 10,
    };
  } catch (err) {
    const failure = describeNeo4jError(err, cfg);
    if (failure.kind !== 'other') await closeDrivers(cfg);
    return failure;
  }
}
