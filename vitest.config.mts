import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (lib/ in Node, no services) and `integration` (real
 * Neo4j started by the global setup). No test carries a time limit of its own;
 * the long timeouts below only stop a hung process.
 */
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${import.meta.dirname}/` },
      // lib/graph/server is guarded with 'server-only' (it fails a client build); Node tests are the server side.
      { find: /^server-only$/, replacement: `${import.meta.dirname}/node_modules/server-only/empty.js` },
    ],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'workers/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/neo4j-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
