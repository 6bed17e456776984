// Types for scripts/neo4j-lib.mjs (kept next to it so TypeScript callers get exact signatures).

/** JVM flags Neo4j 5 needs on Java 17/21. */
export const JVM_ADD_OPENS: string[];
/** Username of the embedded server's only user. */
export const NEO4J_USER: 'neo4j';

/** Builds the launcher with Maven unless it is up to date; returns the Java classpath. */
export function ensureBuilt(opts?: { quiet?: boolean }): { classpath: string };
/** A free TCP port on 127.0.0.1. */
export function findFreePort(): Promise<number>;
/** NEO4J_PASSWORD, else `<dataDir>/password`, else a new random one written there. */
export function resolvePassword(dataDir: string): string;

export interface StartOptions {
  /** Bolt port on 127.0.0.1; default: a free port. */
  port?: number;
  /** Neo4j home (store, logs, password file); default `.data/neo4j`. */
  dataDir?: string;
  /** Password for user neo4j (>= 8 chars); default resolvePassword(dataDir). */
  password?: string;
  /** JVM -Xmx, e.g. '512m' (default '512m'). */
  heap?: string;
  /** Page cache size, e.g. '128m' (default '128m'). */
  pagecache?: string;
  /** Also echo the launcher's output to stderr. */
  inheritOutput?: boolean;
  /** Give up after this long (default 600000 ms). */
  readyTimeoutMs?: number;
  /** JVM flags that cut startup CPU (C1-only JIT, serial GC): for tests, not benchmarks. */
  fastStartup?: boolean;
  /** Extra Neo4j settings. */
  conf?: Record<string, string>;
}

export interface RunningNeo4j {
  uri: string;
  port: number;
  user: string;
  password: string;
  dataDir: string;
  pid: number;
  logTail(): string;
  /** SIGTERM, wait for a clean shutdown (SIGKILL after 60 s); idempotent. */
  stop(): Promise<void>;
  exited: Promise<number | null>;
}

/** Starts an embedded Neo4j; resolves once READY was printed and a Bolt login succeeded. */
export function startNeo4j(opts?: StartOptions): Promise<RunningNeo4j>;
