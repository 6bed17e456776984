#!/usr/bin/env node
// `npm test`: every test, in order: static checks (tsc, eslint), unit tests of
// lib/ in Node, integration tests against a real Neo4j (started by the test
// setup), end-to-end specs in Debian's Chromium against the built app. All
// stages run even when one fails; the last line sums them up.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, '.data', 'test-results');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const stages = [];
function run(name, cmd, args, env = {}) {
  if (only.length && !only.includes(name)) return null;
  console.log(`\n=== ${name}: ${[path.basename(cmd), ...args].join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const stage = { name, ok: r.status === 0, seconds: (Date.now() - t0) / 1000, passed: 0, failed: 0, skipped: 0 };
  stages.push(stage);
  return stage;
}

function vitestCounts(stage, file) {
  if (!stage || !existsSync(file)) return;
  const j = JSON.parse(readFileSync(file, 'utf8'));
  stage.passed = j.numPassedTests ?? 0;
  stage.failed = j.numFailedTests ?? 0;
  stage.skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  // Skipped tests say why (missing datasets): list them so nothing passes in silence.
  for (const f of j.testResults ?? []) {
    for (const t of f.assertionResults ?? []) {
      if (t.status === 'pending' || t.status === 'skipped') console.log(`  skipped: ${path.relative(root, f.name)} › ${t.fullName}`);
    }
  }
}

function playwrightCounts(stage, file) {
  if (!stage || !existsSync(file)) return;
  const s = JSON.parse(readFileSync(file, 'utf8')).stats ?? {};
  stage.passed = (s.expected ?? 0) + (s.flaky ?? 0);
  stage.failed = s.unexpected ?? 0;
  stage.skipped = s.skipped ?? 0;
}

// 1. Static checks: one test each.
for (const [name, cmd, args] of [
  ['typecheck', bin('tsc'), ['--noEmit', '-p', '.']],
  ['lint', bin('eslint'), ['.', '--max-warnings', '0']],
]) {
  const s = run(name, cmd, args);
  if (s) s.ok ? (s.passed = 1) : (s.failed = 1);
}

// 2. Unit and 3. integration tests (vitest projects).
for (const project of ['unit', 'integration']) {
  const file = path.join(out, `${project}.json`);
  const s = run(project, bin('vitest'), ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${file}`]);
  vitestCounts(s, file);
}

// 4. End to end: build (if sources changed), then Playwright starts the servers.
const build = run('build', process.execPath, [path.join(root, 'scripts/start.mjs'), '--build-only']);
if (build) build.ok ? (build.passed = 1) : (build.failed = 1);
if (!build || build.ok) {
  const file = path.join(out, 'e2e.json');
  const s = run('e2e', bin('playwright'), ['test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: file });
  playwrightCounts(s, file);
} else if (!only.length || only.includes('e2e')) {
  stages.push({ name: 'e2e', ok: false, seconds: 0, passed: 0, failed: 1, skipped: 0, note: 'not run: the build failed' });
}

const sum = (k) => stages.reduce((a, s) => a + s[k], 0);
const bad = stages.filter((s) => !s.ok || s.failed > 0);
// A stage that exited non-zero without a counted failure (a crash) still fails the run.
for (const s of bad) if (s.failed === 0) s.failed = 1;
console.log('');
for (const s of stages) console.log(`  ${s.ok && s.failed === 0 ? 'ok  ' : 'FAIL'} ${s.name.padEnd(12)} ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped (${s.seconds.toFixed(0)} s)${s.note ? ` – ${s.note}` : ''}`);
console.log(`TESTS: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped${bad.length ? ` (failing: ${bad.map((s) => s.name).join(', ')})` : ''}`);
process.exit(bad.length ? 1 : 0);
