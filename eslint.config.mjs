import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      'public/vendor/**',
      'neo4j/target/**',
      'bench/.venv/**',
      'bench/results/**',
      '.data/**',
      'test-results/**',
      'playwright-report/**',
      'next-env.d.ts',
      'tmp-*',
    ],
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Statement-position `a && f()` and comma sequences are used deliberately in tight loops.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  {
    // React and Next page rules apply to the UI only; lib/, workers/, scripts and
    // benchmarks are plain TypeScript where `useX` and `module` are ordinary names.
    files: ['lib/**', 'workers/**', 'bench/**', 'scripts/**', 'test/**', 'e2e/**'],
    rules: {
      'react-hooks/rules-of-hooks': 'off',
      '@next/next/no-assign-module-variable': 'off',
    },
  },
  {
    // The layout, checked (README "Architecture"): no import circles; lib/ and workers/ never reach
    // into app/; the Neo4j driver only on the server side; one RPC implementation (lib/rpc).
    files: ['app/**', 'lib/**', 'workers/**'],
    rules: {
      'import/no-cycle': ['error', { ignoreExternal: true }],
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'neo4j-driver', message: 'The Neo4j driver lives in lib/graph/server/ (and app/actions/ may use it).' }],
          patterns: [
            { group: ['**/lib/graph/server', '**/lib/graph/server/*', '@/lib/graph/server', '@/lib/graph/server/*'], message: 'lib/graph/server is server-only: reach it from app/actions/ (or lib/graph/server itself).' },
          ],
        },
      ],
    },
  },
  {
    files: ['lib/**', 'workers/**'],
    rules: {
      'import/no-restricted-paths': ['error', { zones: [{ target: ['./lib', './workers'], from: './app', message: 'lib/ and workers/ do not import app/.' }] }],
    },
  },
  {
    files: ['lib/**', 'workers/**', 'app/**'],
    ignores: ['lib/rpc/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "AssignmentExpression[left.property.name='onmessage']", message: 'Workers speak lib/rpc (serveRpc / RpcClient): one RPC implementation.' },
      ],
    },
  },
  {
    // The server side: the driver and the server-only graph modules are its to import.
    files: ['lib/graph/server/**', 'app/actions/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Unit tests of the references that sit beside the driver code run in Node (the server side).
    files: ['lib/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'neo4j-driver', message: 'The Neo4j driver lives in lib/graph/server/.' }] }] },
  },
  {
    files: ['*.js', '*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];

export default config;
