/**
 * Vitest global setup for the `integration` project: starts real embedded Neo4j servers (the same
 * launcher as `npm run neo4j`) on free ports with temporary data directories, and stops them in
 * teardown.
 *
 * Tests read the connection from `process.env` (set here before the test workers start) or from
 * `inject('neo4j')`:
 * - NEO4J_TEST_URI / NEO4J_TEST_USER / NEO4J_TEST_PASSWORD: the main server;
 * - NEO4J_TEST_PRODUCTS_URI / NEO4J_TEST_PRODUCTS_USER / NEO4J_TEST_PRODUCTS_PASSWORD: a second server
 *   for split mode (products graph on its own server). Set NEO4J_TEST_SPLIT=0 to skip it; split tests
 *   then report themselves as skipped.
 * If NEO4J_TEST_URI is already set, that server is used and nothing is started (handy for re-runs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startNeo4j, type RunningNeo4j } from '../../scripts/neo4j-lib.mjs';

/** Connection details of one test server. */
export interface TestServer {
  uri: string;
  user: string;
  password: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    neo4j: { main: TestServer; products: TestServer | null };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: RunningNeo4j[] = [];
  const tempDirs: string[] = [];
  const boot = async (label: string, heap: string): Promise<TestServer> => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `atelier-neo4j-${label}-`));
    tempDirs.push(dataDir);
    const server = await startNeo4j({ dataDir, heap, pagecache: '64m', password: `test-${label}-password`, fastStartup: true });
    started.push(server);
    return { uri: server.uri, user: server.user, password: server.password };
  };
  const teardown = async (): Promise<void> => {
    await Promise.all(started.map((s) => s.stop()));
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  };

  try {
    const external = process.env.NEO4J_TEST_URI;
    const wantSplit = process.env.NEO4J_TEST_SPLIT !== '0';
    const [main, products] = await Promise.all([
      external
        ? Promise.resolve<TestServer>({
            uri: external,
            user: process.env.NEO4J_TEST_USER ?? 'neo4j',
            password: process.env.NEO4J_TEST_PASSWORD ?? '',
          })
        : boot('main', '512m'),
      process.env.NEO4J_TEST_PRODUCTS_URI
        ? Promise.resolve<TestServer>({
            uri: process.env.NEO4J_TEST_PRODUCTS_URI,
            user: process.env.NEO4J_TEST_PRODUCTS_USER ?? 'neo4j',
            password: process.env.NEO4J_TEST_PRODUCTS_PASSWORD ?? '',
          })
        : wantSplit
          ? boot('products', '384m')
          : Promise.resolve(null),
    ]);
    process.env.NEO4J_TEST_URI = main.uri;
    process.env.NEO4J_TEST_USER = main.user;
    process.env.NEO4J_TEST_PASSWORD = main.password;
    if (products) {
      process.env.NEO4J_TEST_PRODUCTS_URI = products.uri;
      process.env.NEO4J_TEST_PRODUCTS_USER = products.user;
      process.env.NEO4J_TEST_PRODUCTS_PASSWORD = products.password;
    }
    project.provide('neo4j', { main, products });
    console.log(`[neo4j-setup] main ${main.uri}${products ? `, products ${products.uri}` : ' (no products server)'}`);
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
