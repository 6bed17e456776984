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
    files: ['*.js', '*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];

export default config;
