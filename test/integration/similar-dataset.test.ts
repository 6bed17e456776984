/**
 * The Image embeddings cell writes SIMILAR only into a graph that holds its own dataset: run headless
 * (the cells' own code and server actions) against the real Neo4j of the test setup, a notebook on one
 * demo dataset loads the graph; the same notebook on another dataset (another seed) is refused, naming
 * both datasets and the Graph cell, and nothing is written; after its own Graph cell runs, it writes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeDrivers } from '../../lib/graph/server/driver';
import { parseNotebookFile, type NotebookFile } from '../../lib/notebook/file';
import { runNotebook } from '../../scripts/notebook/run';

const { main } = inject('neo4j');
const DEMO = path.join(import.meta.dirname, '../../notebooks/demo.json');
const env = { NEO4J_URI: process.env.NEO4J_URI, NEO4J_USERNAME: process.env.NEO4J_USERNAME, NEO4J_PASSWORD: process.env.NEO4J_PASSWORD, NEO4J_PRODUCTS_URI: process.env.NEO4J_PRODUCTS_URI };
const driver = neo4j.driver(main.uri, neo4j.auth.basic(main.user, main.password));

/** The example notebook with the given seed, running Data, Graph (when asked) and Image embeddings (writing to Neo4j). */
function notebook(seed: number, graph: boolean): NotebookFile {
  const parsed = parseNotebookFile(readFileSync(DEMO, 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error);
  const nb = parsed.file;
  nb.seed = seed;
  for (const id of Object.keys(nb.cells)) if (!['data', 'graph', 'embeddings'].includes(id)) nb.cells[id] = { ...nb.cells[id], status: 'idle' };
  nb.cells.graph = { ...nb.cells.graph, status: graph ? 'done' : 'idle' };
  nb.cells.embeddings = { ...nb.cells.embeddings, status: 'done', params: { ...nb.cells.embeddings.params, backbone: 'histogram', writeNeo4j: true, gdsKnn: false } };
  return nb;
}

async function count(cypher: string): Promise<number> {
  const r = await driver.executeQuery(cypher, {}, { database: 'neo4j' });
  return Number(r.records[0].get(0));
}

beforeAll(() => {
  Object.assign(process.env, { NEO4J_URI: main.uri, NEO4J_USERNAME: main.user, NEO4J_PASSWORD: main.password });
  delete process.env.NEO4J_PRODUCTS_URI;
});

afterAll(async () => {
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await driver.close();
  await closeDrivers();
});

describe('SIMILAR is written only into a graph of the same dataset (real Neo4j)', () => {
  it('refuses another dataset’s graph, naming both, then writes once the Graph cell loaded its own', async () => {
    const a = await runNotebook(notebook(1001, true));
    expect(a.failure).toBeNull();
    expect(a.ran).toEqual(['data', 'graph', 'embeddings']);
    const similarOfA = await count('MATCH ()-[s:SIMILAR]->() RETURN count(s)');
    expect(similarOfA).toBeGreaterThan(0);
    const productsOfA = await count('MATCH (p:Product) RETURN count(p)');

    // Another seed is another dataset: the graph still holds the first one.
    const b = await runNotebook(notebook(1002, false));
    expect(b.ok).toBe(false);
    expect(b.failure?.cell).toBe('Image embeddings');
    expect(b.failure?.message).toMatch(/^Neo4j holds Demo \(tiny, seed 1001\) \(fingerprint [0-9a-f]{12}\), not this notebook's Demo \(tiny, seed 1002\) \(fingerprint [0-9a-f]{12}\): SIMILAR relationships and embeddings were not written\.$/);
    expect(b.failure?.hint).toMatch(/^Re-run the Graph cell to load Demo \(tiny, seed 1002\) into Neo4j/);
    // Nothing of the second dataset reached the graph.
    expect(await count('MATCH ()-[s:SIMILAR]->() RETURN count(s)')).toBe(similarOfA);
    expect(await count('MATCH (p:Product) RETURN count(p)')).toBe(productsOfA);

    // With its own Graph cell first, the second dataset's SIMILAR is written.
    const c = await runNotebook(notebook(1002, true));
    expect(c.failure).toBeNull();
    expect(c.ran).toEqual(['data', 'graph', 'embeddings']);
    const loads = await driver.executeQuery('MATCH (l:AtelierLoad) RETURN l.name AS name', {}, { database: 'neo4j' });
    expect(loads.records.map((r) => r.get('name'))).toEqual(['Demo (tiny, seed 1002)']);
    expect(await count('MATCH ()-[s:SIMILAR]->() RETURN count(s)')).toBeGreaterThan(0);
    expect(await count("MATCH (p:Product)-[:SIMILAR]->() WHERE p.embeddingBackbone = 'histogram' RETURN count(DISTINCT p)")).toBe(c.file.cells.embeddings.summary!.embedded);
  });
});
