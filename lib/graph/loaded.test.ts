import { describe, expect, it } from 'vitest';
import { otherDatasetRefusal } from './loaded';

const mine = { fingerprint: 'aaaaaaaaaaaaaaaa1111', name: 'Demo (tiny, seed 42)' };
const refuse = (loaded: Parameters<typeof otherDatasetRefusal>[0]) => otherDatasetRefusal(loaded, mine, 'SIMILAR relationships', 'Write SIMILAR');

describe('writing for one dataset into the graph', () => {
  it('goes ahead when the graph holds this dataset', () => {
    expect(refuse([{ fingerprint: mine.fingerprint, name: mine.name, complete: true }])).toBeNull();
  });

  it('refuses when it holds another one, naming both and what to do', () => {
    const r = refuse([{ fingerprint: 'bbbbbbbbbbbbbbbb2222', name: 'H&M (transactions_train.csv)', complete: true }]);
    expect(r?.error).toBe('Neo4j holds H&M (transactions_train.csv) (fingerprint bbbbbbbbbbbb), not this notebook\'s Demo (tiny, seed 42) (fingerprint aaaaaaaaaaaa): SIMILAR relationships were not written.');
    expect(r?.hint).toMatch(/^Re-run the Graph cell to load Demo \(tiny, seed 42\) into Neo4j .*untick “Write SIMILAR”/);
  });

  it('names a load recorded before names were, and an unfinished one', () => {
    expect(refuse([{ fingerprint: 'cccccccccccccccc', name: null, complete: false }])?.error).toMatch(/holds a dataset loaded before names were recorded \(fingerprint cccccccccccc, load not finished\)/);
  });

  it('refuses when the graph holds no dataset at all', () => {
    expect(refuse([])).toMatchObject({ error: expect.stringMatching(/^Neo4j holds no dataset loaded by the Graph cell/), hint: expect.stringMatching(/^Run the Graph cell to load Demo/) });
  });
});
