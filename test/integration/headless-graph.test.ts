/**
 * The headless runner's Graph cell against a real Neo4j (the test setup's server, given to the runner
 * as NEO4J_URI like any server or cluster): it loads the example notebook's dataset through the same
 * server actions and lib/graph code as the browser, and its figures equal the ones the browser saved in
 * notebooks/demo.json, by the notebook's tolerance rule.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { closeDrivers } from '../../lib/graph/server/driver';
import { parseNotebookFile } from '../../lib/notebook/file';
import { runNotebook } from '../../scripts/notebook/run';

const { main } = inject('neo4j');
const DEMO = path.join(import.meta.dirname, '../../notebooks/demo.json');

afterAll(() => closeDrivers());

describe('headless Graph cell', () => {
  it('loads notebooks/demo.json into Neo4j (NEO4J_URI) with the browser’s figures', async () => {
    const parsed = parseNotebookFile(readFileSync(DEMO, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error);
    const nb = parsed.file;
    expect(nb.cells.graph.status).toBe('done');
    // Data and Graph only: the other cells have their own tests.
    for (const id of ['als', 'towers', 'evaluate', 'embeddings', 'hybrid']) nb.cells[id] = { ...nb.cells[id], status: 'idle' };
    const env = { NEO4J_URI: process.env.NEO4J_URI, NEO4J_USERNAME: process.env.NEO4J_USERNAME, NEO4J_PASSWORD: process.env.NEO4J_PASSWORD };
    Object.assign(process.env, { NEO4J_URI: main.uri, NEO4J_USERNAME: main.user, NEO4J_PASSWORD: main.password });
    try {
      const lines: string[] = [];
      const r = await runNotebook(nb, { onLine: (l) => lines.push(l) });
      expect(r.failure).toBeNull();
      expect(r.ran).toEqual(['data', 'graph']);
      const c = r.comparisons.get('graph')!;
      expect(c.figures.filter((f) => f.verdict === 'different')).toEqual([]);
      expect(c.figures.filter((f) => f.verdict === 'identical').length).toBeGreaterThan(0);
      expect(['identical', 'within tolerance']).toContain(c.verdict);
      expect(lines.some((l) => /▶ Graph/.test(l))).toBe(true);
    } finally {
      for (const [k, v] of Object.entries(env)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
