import { defineConfig } from '@playwright/test';

/**
 * E2E specs run against `next start` (built app) with a real embedded Neo4j
 * on a free port and a temporary data folder (scripts/start.mjs does both).
 * A second server on :3101 points at a closed Bolt port: the "Neo4j down" spec
 * uses it. The timeouts only catch hangs on a slow, shared 2-core machine;
 * no spec asserts on time.
 */
const PORT = Number(process.env.E2E_PORT ?? 3100);
const DOWN_PORT = PORT + 1;

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 30 * 60_000,
  expect: { timeout: 10 * 60_000 },
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    headless: true,
    trace: 'on-first-retry',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
  },
  projects: [
    { name: 'default', testIgnore: /webgpu\.spec\.ts/ },
    {
      // SwiftShader WebGPU: the one extra flag makes navigator.gpu return an adapter.
      name: 'webgpu',
      testMatch: /webgpu\.spec\.ts/,
      use: { launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] } },
    },
  ],
  webServer: [
    {
      command: `node scripts/start.mjs --port ${PORT} --neo4j-port auto --neo4j-data tmp`,
      url: `http://127.0.0.1:${PORT}/`,
      timeout: 20 * 60_000,
      reuseExistingServer: !process.env.CI,
      stdout: 'pipe',
      stderr: 'pipe',
      env: { NEO4J_URI: '' },
      gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
    },
    {
      command: `node scripts/start.mjs --port ${DOWN_PORT} --no-build`,
      url: `http://127.0.0.1:${DOWN_PORT}/`,
      timeout: 20 * 60_000,
      reuseExistingServer: !process.env.CI,
      // Port 9 (discard) has no Bolt server: the app must say Neo4j is unreachable.
      env: { NEO4J_URI: 'bolt://127.0.0.1:9', NEO4J_PASSWORD: 'not-used' },
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
  ],
});
