/**
 * The headless runner on the repository's example notebook (saved in the
 * browser on the tiny demo by e2e/headless.spec.ts: Data, Graph, Image
 * embeddings, ALS, Neural models, Hybrid, Evaluate): same figures as saved, by
 * the compare rule, image-based ones included; with --skip embeddings, Hybrid
 * is left out and Evaluate's image strategies are shown, not judged; a failing
 * cell stops the run with its message and a non-zero exit.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsJson } from '@/lib/notebook/export';
import { parseNotebookFile, type NotebookFile } from '@/lib/notebook/file';
import { photoFiles } from './photos';
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
    expect(r.ran).toEqual(['data', 'embeddings', 'als', 'towers', 'hybrid', 'evaluate']);
    expect(r.skipped.map((x) => [x.cell, x.why])).toEqual([['graph', 'asked with --skip']]);
    for (const id of r.ran) {
      const c = r.comparisons.get(id)!;
      expect(c.figures.filter((f) => f.verdict === 'different')).toEqual([]);
      expect(['identical', 'within tolerance']).toContain(c.verdict);
    }
    // The drawings' pixels are the browser's: the neighbours' precision is the saved figure exactly.
    expect(r.comparisons.get('embeddings')!.figures.find((f) => f.name === 'precision.productType')).toMatchObject({ verdict: 'identical' });
    expect(lines.some((l) => /▶ Collaborative filtering/.test(l))).toBe(true);
    expect(lines.some((l) => /als: .*iterations/.test(l))).toBe(true);
    const m = metricsJson(r.file);
    expect(m.format).toBe('atelier-metrics');
    expect(m.cells.als.figures.map_at_12).toBe(demo().cells.als.summary!.map_at_12);
    expect(r.file.dataset).toMatchObject({ kind: 'demo', preset: 'tiny', fingerprint: demo().dataset!.fingerprint });
    const names = Object.keys(m.cells.evaluate.figures);
    for (const s of ['random', 'popularity', 'repurchase', 'als', 'seed-hybrid', 'hybrid', 'two-stage']) expect(names).toContain(`${s}.map_at_12`);
    expect(r.comparisons.get('evaluate')!.figures.find((f) => f.name === 'hybrid.map_at_12')).toMatchObject({ verdict: 'identical' });
    expect(m.cells.towers.figures.ndcg_at_10).toBe(demo().cells.towers.summary!.ndcg_at_10);
    expect(r.file.submission).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), rows: m.cells.evaluate.figures.submission_rows });
    expect(lines.some((l) => /evaluate: Backtest .* fits/.test(l))).toBe(true);
  });

  it('with --skip embeddings, leaves Hybrid out and shows Evaluate’s image strategies without judging them', async () => {
    const r = await runNotebook(demo(), { skip: ['graph', 'embeddings'] });
    expect(r.failure).toBeNull();
    expect(r.ran).toEqual(['data', 'als', 'towers', 'evaluate']);
    expect(r.skipped.map((x) => [x.cell, x.why])).toEqual([
      ['graph', 'asked with --skip'],
      ['embeddings', 'asked with --skip'],
      ['hybrid', 'needs the Image embeddings cell, which is skipped (asked with --skip)'],
    ]);
    const evaluate = r.comparisons.get('evaluate')!;
    expect(evaluate.figures.filter((f) => f.verdict === 'different')).toEqual([]);
    expect(evaluate.figures.filter((f) => f.name.startsWith('hybrid.')).every((f) => f.verdict === 'not compared')).toBe(true);
    expect(evaluate.figures.find((f) => f.name === 'als.map_at_12')).toMatchObject({ verdict: 'identical' });
  });

  it('on --data files, reads the product photos under the folder (sharp) and embeds them', async () => {
    const dir = process.env.DATA_DIR ?? path.join(import.meta.dirname, '../../../shared/data');
    const hm = path.join(dir, 'hm');
    if (!existsSync(path.join(hm, 'images'))) return void console.warn(`skipped: ${hm}/images is absent`);
    const nb = demo();
    nb.cells.data.params = { ...nb.cells.data.params, source: 'hm-files' };
    nb.cells.embeddings.params = { ...nb.cells.embeddings.params, limit: 300 };
    for (const id of ['als', 'towers', 'hybrid', 'evaluate']) nb.cells[id] = { ...nb.cells[id], status: 'idle' };
    const r = await runNotebook(nb, { dataDir: hm, skip: ['graph'] });
    expect(r.failure).toBeNull();
    expect(r.ran).toEqual(['data', 'embeddings']);
    const s = r.file.cells.embeddings.summary!;
    const photos = photoFiles(hm);
    const catalog = r.file.cells.data.summary!;
    expect(Number(catalog.articles)).toBeGreaterThan(300);
    // Every one of the first 300 products with a photo file is embedded; the others are counted as missing.
    expect(Number(s.embedded) + Number(s.missing)).toBe(300);
    expect(Number(s.embedded)).toBeGreaterThan(0);
    expect(Number(s.embedded)).toBeLessThanOrEqual(photos.size);
    expect(s.corrupt).toEqual([]);
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
