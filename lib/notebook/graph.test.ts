import { describe, expect, it } from 'vitest';
import { ancestors, descendants, NotebookGraphError, planRun, validateGraph, type GraphNode } from './graph';
import { cellId, type CellStatus } from './types';

const n = (id: string, ...deps: string[]): GraphNode => ({ id: cellId(id), dependsOn: deps.map(cellId) });
// data → explore, data → als → hybrid ← embed ← data
const nodes = [n('data'), n('explore', 'data'), n('als', 'data'), n('embed', 'data'), n('hybrid', 'als', 'embed')];

describe('notebook dependency graph', () => {
  it('orders cells topologically, keeping the listed order', () => {
    expect(validateGraph(nodes)).toEqual(['data', 'explore', 'als', 'embed', 'hybrid']);
    expect(validateGraph([n('b', 'a'), n('a')])).toEqual(['a', 'b']);
  });

  it('rejects cycles, unknown dependencies and duplicate ids', () => {
    expect(() => validateGraph([n('a', 'c'), n('b', 'a'), n('c', 'b')])).toThrow(NotebookGraphError);
    expect(() => validateGraph([n('a', 'c'), n('b', 'a'), n('c', 'b')])).toThrow(/cycle a → c → b → a/);
    expect(() => validateGraph([n('a', 'a')])).toThrow(/cycle/);
    expect(() => validateGraph([n('a', 'zzz')])).toThrow(/unknown cell zzz/);
    expect(() => validateGraph([n('a'), n('a')])).toThrow(/duplicate id a/);
  });

  it('finds ancestors and descendants transitively', () => {
    expect([...ancestors(nodes, cellId('hybrid'))].sort()).toEqual(['als', 'data', 'embed']);
    expect([...descendants(nodes, cellId('data'))].sort()).toEqual(['als', 'embed', 'explore', 'hybrid']);
    expect([...descendants(nodes, cellId('hybrid'))]).toEqual([]);
  });

  it('plans a run: stale or never-run ancestors first, done ones skipped', () => {
    const status: Record<string, CellStatus> = { data: 'done', explore: 'idle', als: 'stale', embed: 'done', hybrid: 'done' };
    expect(planRun(nodes, [cellId('hybrid')], (id) => status[id])).toEqual(['als', 'hybrid']);
    status.data = 'error';
    expect(planRun(nodes, [cellId('hybrid')], (id) => status[id])).toEqual(['data', 'als', 'embed', 'hybrid']);
    expect(planRun(nodes, [cellId('data')], (id) => status[id])).toEqual(['data']);
  });
});
