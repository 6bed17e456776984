// `npm run neo4j`: the embedded Neo4j in the foreground (Ctrl-C stops it).
// Env: NEO4J_PORT (7687), NEO4J_DATA_DIR (.data/neo4j), NEO4J_HEAP (1g), NEO4J_PAGECACHE (256m),
// NEO4J_PASSWORD (else the generated <data dir>/password).
import path from 'node:path';
import { startNeo4j } from './neo4j-lib.mjs';

const port = Number(process.env.NEO4J_PORT ?? 7687);
const dataDir = process.env.NEO4J_DATA_DIR ?? path.join('.data', 'neo4j');

try {
  const server = await startNeo4j({
    port,
    dataDir,
    heap: process.env.NEO4J_HEAP ?? '1g',
    pagecache: process.env.NEO4J_PAGECACHE ?? '256m',
    inheritOutput: true,
  });
  const pwSource = process.env.NEO4J_PASSWORD ? 'NEO4J_PASSWORD' : path.join(server.dataDir, 'password');
  console.log(`Neo4j is ready at ${server.uri} (user ${server.user}, password from ${pwSource}, pid ${server.pid}). Ctrl-C stops it.`);
  let stopping = false;
  const shutdown = async (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping Neo4j...`);
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  const code = await server.exited;
  if (!stopping) {
    console.error(`Neo4j exited unexpectedly (code ${code}).`);
    process.exit(code ?? 1);
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
