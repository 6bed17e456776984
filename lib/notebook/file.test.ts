import { describe, expect, it } from 'vitest';
import { NotebookRuntime } from './runtime';
import { cellId, defineCell, type CellDefinition } from './types';
import { NOTEBOOK_VERSION, parseNotebookFile, restoreInput, toNotebookFile } from './file';
import { chartData } from './saved-output';

const A = cellId('a');
const B = cellId('b');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- cells with different parameter types in one list
function cells(runs: string[]): CellDefinition<any, null>[] {
  return [
    defineCell({
      id: A,
      title: 'A',
      explanation: '',
      params: { n: { kind: 'number', label: 'n', default: 2, integer: true }, label: { kind: 'text', label: 'label', default: 'x' } },
      dependsOn: [],
      async run(ctx) {
        runs.push('a');
        return {
          outputs: [
            { kind: 'metrics', title: 'Fit', values: [{ name: 'loss', value: Number(ctx.params.n) / 3 }, { name: 'time per iteration', value: 0.1, unit: 's' }] },
            { kind: 'plot', title: 'loss', plot: { marks: [{ data: [{ i: 1, loss: 0.5, day: new Date(0) }, { i: 2, loss: Infinity }] }, { data: [0] }] } },
            { kind: 'images', items: [{ src: 'data:image/svg+xml,<svg/>', caption: 'one' }, { src: 'blob:http://x/1', caption: 'two' }] },
            { kind: 'markdown', text: 'Download: [submission.csv](blob:http://x/2), see [docs](https://example.org)' },
          ],
          artifacts: { value: Number(ctx.params.n) * 10 },
          summary: { n: Number(ctx.params.n), map_at_12: Number(ctx.params.n) / 100 },
        };
      },
    }),
    defineCell({
      id: B,
      title: 'B',
      explanation: '',
      params: {},
      dependsOn: [A],
      async run(ctx) {
        runs.push('b');
        return { outputs: [{ kind: 'markdown', text: `b ${ctx.artifacts.get<number>(A, 'value')}` }] };
      },
    }),
  ];
}

async function savedNotebook() {
  const rt = new NotebookRuntime({ cells: cells([]), services: null, seed: 7 });
  rt.setParams(A, { n: 64, label: 'hello' });
  await rt.run(A);
  return toNotebookFile(
    { snapshot: rt.getSnapshot(), ids: rt.cells.map((c) => c.id), dataset: { kind: 'demo', name: 'Demo (tiny, seed 7)', fingerprint: 'f', preset: 'tiny', seed: 7 }, backend: 'cpu' },
    { renderPlot: () => '<svg id="drawn"></svg>' },
  );
}

describe('notebook file v2', () => {
  it('saves outputs as data: charts as drawn with their rows, images without object URLs', async () => {
    const file = await savedNotebook();
    expect(file.version).toBe(NOTEBOOK_VERSION);
    expect(file.app.name).toBe('atelier');
    expect(file.cells.a.status).toBe('done');
    expect(file.cells.a.finishedAt).toMatch(/^\d{4}-/);
    const [metrics, chart, images, markdown] = file.cells.a.outputs;
    expect(metrics).toMatchObject({ kind: 'metrics', values: [{ name: 'loss', value: 64 / 3 }, { name: 'time per iteration' }] });
    expect(chart).toEqual({
      kind: 'chart',
      title: 'loss',
      svg: '<svg id="drawn"></svg>',
      data: [{ mark: 0, i: 1, loss: 0.5, day: '1970-01-01T00:00:00.000Z' }, { mark: 0, i: 2, loss: null }, { mark: 1, value: 0 }],
    });
    expect(images).toMatchObject({ kind: 'images', items: [{ src: 'data:image/svg+xml,<svg/>', caption: 'one' }, { src: '', caption: 'two' }] });
    expect(markdown).toEqual({ kind: 'markdown', text: 'Download: submission.csv (not in the file: re-run the cell to download), see [docs](https://example.org)' });
    expect(file.cells.b).toMatchObject({ status: 'idle', outputs: [], finishedAt: null });
  });

  it('opens into a fresh runtime: parameters and saved results shown without running, marked saved', async () => {
    const file = await savedNotebook();
    const parsed = parseNotebookFile(JSON.stringify(file));
    expect(parsed).toMatchObject({ ok: true, migratedFrom: null });
    if (!parsed.ok) return;
    const runs: string[] = [];
    const rt = new NotebookRuntime({ cells: cells(runs), services: null });
    expect(rt.restore(restoreInput(parsed.file), parsed.file.seed)).toEqual([]);
    const a = rt.state(A);
    expect(runs).toEqual([]);
    expect(a).toMatchObject({ status: 'done', params: { n: 64, label: 'hello' }, savedAt: file.cells.a.finishedAt, summary: { n: 64 } });
    expect(a.outputs.map((o) => o.kind)).toEqual(['metrics', 'chart', 'images', 'markdown']);
    expect(rt.getSnapshot().seed).toBe(7);
    // Saved results have no artifacts: running B runs A first, and A's new results replace the saved ones.
    await rt.run(B);
    expect(runs).toEqual(['a', 'b']);
    expect(rt.state(A)).toMatchObject({ status: 'done', savedAt: null });
    expect(rt.state(B).outputs).toEqual([{ kind: 'markdown', text: 'b 640' }]);
  });

  it('migrates version 1: parameters, seed and summaries; cells that ran come back stale without outputs', () => {
    const v1 = {
      format: 'atelier-notebook', version: 1, savedAt: '2026-11-01T00:00:00.000Z', seed: 3,
      dataset: { fingerprint: 'abc', name: 'Demo (small, seed 3)' },
      cells: { a: { params: { n: 32 }, status: 'done', summary: { n: 32 } }, b: { params: {}, status: 'idle', summary: null } },
    };
    const parsed = parseNotebookFile(JSON.stringify(v1));
    expect(parsed).toMatchObject({ ok: true, migratedFrom: 1, file: { version: 2, dataset: { kind: 'other', fingerprint: 'abc' }, seed: 3 } });
    if (!parsed.ok) return;
    const rt = new NotebookRuntime({ cells: cells([]), services: null });
    rt.restore(restoreInput(parsed.file), parsed.file.seed);
    expect(rt.state(A)).toMatchObject({ status: 'stale', params: { n: 32, label: 'x' }, outputs: [], savedAt: null });
  });

  it('names what is wrong with bad files', async () => {
    const good = JSON.stringify(await savedNotebook());
    const cases: [string, RegExp][] = [
      ['', /the file is empty/],
      [good.slice(0, Math.floor(good.length / 2)), /the file is truncated: its JSON ends early after [\d,]+ characters/],
      ['{"a": 1,, }', /not JSON/],
      ['[1, 2]', /not an Atelier notebook: expected a JSON object, found an array/],
      ['{"cells": [], "name": "x"}', /not an Atelier notebook: it has no "format": "atelier-notebook" field \(top-level keys: cells, name\)/],
      ['{"format": "jupyter", "nbformat": 4}', /format is "jupyter", expected "atelier-notebook"/],
      [JSON.stringify({ ...JSON.parse(good), version: 9 }), /made by a newer Atelier \(notebook version 9\); this app opens versions 1 to 2/],
      [JSON.stringify({ ...JSON.parse(good), version: '2' }), /version: expected a whole number, found "2"/],
      [JSON.stringify({ ...JSON.parse(good), seed: 'seven' }), /^invalid notebook file: seed: /],
    ];
    for (const [text, message] of cases) {
      const r = parseNotebookFile(text);
      expect(r.ok, text.slice(0, 40)).toBe(false);
      if (!r.ok) expect(r.error).toMatch(message);
    }
    const bad = JSON.parse(good);
    bad.cells.a.outputs[0].values[0].value = { nested: true };
    const r = parseNotebookFile(JSON.stringify(bad));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/cells\.a\.outputs\.0\.values\.0\.value/);
  });

  it('chartData keeps scalar fields of every mark and caps nothing small', () => {
    expect(chartData({ marks: [{ data: [{ a: 1, f: () => 1, o: { x: 1 } }] }] })).toEqual([{ a: 1 }]);
    expect(chartData({})).toEqual([]);
  });
});
