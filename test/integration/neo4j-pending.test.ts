/**
 * Catching up on writes skipped while Neo4j was down (the Graph cell runs them after its load): a write the
 * graph refuses (a CellFailure, e.g. SIMILAR of a dataset the graph no longer holds) is dropped with its reason
 * and the others still run; any other error (Neo4j gone again) fails the catch-up and stays queued.
 */
import { describe, expect, it } from 'vitest';
import { catchUp, deferredWrites, deferWrite } from '../../app/notebook/cells/neo4j-pending';
import { CellFailure } from '../../lib/notebook/types';

const signal = new AbortController().signal;
const none = () => undefined;

describe('catching up on skipped Neo4j writes', () => {
  it('drops a refused write with its reason and runs the rest', async () => {
    deferWrite('similar', { what: 'SIMILAR of 10 products', run: async () => Promise.reject(new CellFailure('Neo4j holds Demo (tiny, seed 1), not this notebook’s Demo (tiny, seed 2).', 'Re-run the Graph cell.')) });
    deferWrite('other', { what: 'something else', run: async () => [{ kind: 'markdown', text: 'written' }] });
    const outputs = await catchUp(none, signal);
    const texts = outputs.map((o) => (o.kind === 'markdown' ? o.text : ''));
    expect(texts).toContain('**Not caught up:** Neo4j holds Demo (tiny, seed 1), not this notebook’s Demo (tiny, seed 2). Re-run the Graph cell.');
    expect(texts).toContain('written');
    expect(deferredWrites()).toEqual([]);
  });

  it('keeps a write queued when it fails otherwise', async () => {
    deferWrite('similar', { what: 'SIMILAR of 10 products', run: async () => Promise.reject(new Error('connection refused')) });
    await expect(catchUp(none, signal)).rejects.toThrow('connection refused');
    expect(deferredWrites()).toEqual(['SIMILAR of 10 products']);
  });
});
