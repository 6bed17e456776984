/**
 * The headless runner on the repository's example notebook (saved in the
 * browser on the tiny demo by e2e/headless.spec.ts: Data, Image embeddings,
 * ALS, Neural models, Evaluate): same figures as saved, by the compare rule; a
 * failing cell stops the run with its message and a non-zero exit.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsJson } from '@/lib/notebook/export';
import { parseNotebookFile, type NotebookFile } from '@/lib/notebook/file';
import { runNotebook } from './run';

const DEMO = path.join(import.meta.dirname, '../../notebooks/demo.json');

function demo(): NotebookFile {
  const parsed = parseNotebookFile(readFileSync(DEMO, 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.file;
}

describe('headless runner', () => {
  it('runs notebooks/demo.json and reproduces the browser’s saved figures', async () => {
    const lines: string[] = [];
    // The Graph cell needs a Neo4j: test/integration/headless-graph.test.ts runs it.
    const r = await runNotebook(demo(), { onLine: (l) => lines.push(l), skip: ['graph'] });
    expect(r.failure).toBeNull();
    expect(r.ran).toEqual(['data', 'als', 'towers', 'evaluate']);
    expect(r.skipped.map((x) => [x.cell, x.why])).toEqual([['graph', 'asked with --skip'], ['embeddings', expect.stringContaining('canvas')]]);
    for (const id of ['data', 'als', 'towers', 'evaluate']) {
      const c = r.comparisons.get(id)!;
      expect(c.figures.filter((f) => f.verdict === 'different')).toEqual([]);
      expect(['identical', 'within tolerance']).toContain(c.verdict);
    }
    expect(lines.some((l) => /▶ Collaborative filtering/.test(l))).toBe(true);
    expect(lines.some((l) => /als: .*iterations/.test(l))).toBe(true);
    const m = metricsJson(r.file);
    expect(m.format).toBe('atelier-metrics');
    expect(m.cells.als.figures.map_at_12).toBe(demo().cells.als.summary!.map_at_12);
    expect(r.file.dataset).toMatchObject({ kind: 'demo', preset: 'tiny', fingerprint: demo().dataset!.fingerprint });
    // The Evaluate cell without image neighbours: no seed-hybrid or hybrid strategy; those saved figures are shown, not judged.
    const names = Object.keys(m.cells.evaluate.figures);
    for (const s of ['random', 'popularity', 'repurchase', 'als', 'two-stage']) expect(names).toContain(`${s}.map_at_12`);
    expect(names.filter((n) => n.startsWith('hybrid.') || n.startsWith('seed-hybrid.'))).toEqual([]);
    expect(r.comparisons.get('evaluate')!.figures.filter((f) => f.name.startsWith('hybrid.')).every((f) => f.verdict === 'not compared')).toBe(true);
    expect(m.cells.towers.figures.ndcg_at_10).toBe(demo().cells.towers.summary!.ndcg_at_10);
    expect(r.file.submission).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), rows: m.cells.evaluate.figures.submission_rows });
    expect(lines.some((l) => /evaluate: Backtest .* fits/.test(l))).toBe(true);
  });

  it('stops at a failing cell with its message; the command exits 1 and prints it', async () => {
    const bad = demo();
    bad.cells.als.params = { ...bad.cells.als.params, minUserCount: 100000 };
    const r = await runNotebook(bad, { skip: ['graph'] });
    expect(r.ok).toBe(false);
    expect(r.failure).toMatchObject({ cell: 'Collaborative filtering (ALS)', message: expect.stringMatching(/No purchases are left to train on/) });
    const dir = mkdtempSync(path.join(tmpdir(), 'atelier-nb-'));
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(bad));
    let status = 0;
    let stderr = '';
    try {
      execFileSync('npx', ['tsx', '--conditions=react-server', 'scripts/notebook/cli.ts', 'run', file, '--skip', 'graph'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      status = (err as { status: number }).status;
      stderr = String((err as { stderr: string }).stderr);
    }
    expect(status).toBe(1);
    expect(stderr).toMatch(/✗ Collaborative filtering \(ALS\) failed: No purchases are left to train on/);
  });
});
