import { describe, expect, it } from 'vitest';
import { NotebookRuntime } from './runtime';
import { CellFailure, cellId, defineCell, type CellDefinition } from './types';
import { parseNotebookFile, toNotebookFile } from './file';

type Log = string[];
const A = cellId('a');
const B = cellId('b');
const C = cellId('c');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- cells with different parameter types in one list
function cells(log: Log, opts: { failB?: boolean; slowC?: boolean } = {}): CellDefinition<any, Log>[] {
  return [
    defineCell({
      id: A,
      title: 'A',
      explanation: '',
      params: { n: { kind: 'number', label: 'n', default: 2, integer: true, min: 0 } },
      dependsOn: [],
      async run(ctx) {
        ctx.services.push('a');
        return { outputs: [], artifacts: { value: Number(ctx.params.n) * 10 }, summary: { n: Number(ctx.params.n) } };
      },
    }),
    defineCell({
      id: B,
      title: 'B',
      explanation: '',
      params: {},
      dependsOn: [A],
      async run(ctx) {
        ctx.services.push('b');
        if (opts.failB) throw new CellFailure('B broke', 'change n');
        return { outputs: [{ kind: 'markdown', text: 'b' }], artifacts: { value: ctx.artifacts.get<number>(A, 'value') + 1 } };
      },
    }),
    defineCell({
      id: C,
      title: 'C',
      explanation: '',
      params: {},
      dependsOn: [B],
      async run(ctx) {
        ctx.services.push('c');
        if (opts.slowC) {
          for (let i = 0; i < 1000; i++) {
            ctx.progress({ label: 'loop', done: i, total: 1000 });
            ctx.preview([{ kind: 'markdown', text: `step ${i}` }]);
            await new Promise((r) => setTimeout(r, 2));
            if (ctx.signal.aborted) throw ctx.signal.reason;
          }
        }
        return { outputs: [], artifacts: { value: ctx.artifacts.get<number>(B, 'value') * 2 } };
      },
    }),
  ];
}

describe('NotebookRuntime', () => {
  it('a second Run all with nothing changed reuses every result and says so; a change re-runs only what it affects', async () => {
    const log: Log = [];
    let t = 1000;
    const rt = new NotebookRuntime({ cells: cells(log), services: log, now: () => t++ });
    await rt.runAll();
    expect(log).toEqual(['a', 'b', 'c']);
    expect(rt.state(C).reusedAt).toBeNull();
    await rt.runAll();
    expect(log).toEqual(['a', 'b', 'c']);
    for (const id of [A, B, C]) {
      expect(rt.state(id).status).toBe('done');
      expect(rt.state(id).reusedAt).not.toBeNull();
    }
    expect(rt.artifactsOf(C)).toEqual({ value: 42 });
    // A change upstream: B and C run again, A is reused; a forced Run all recomputes all.
    rt.invalidate(B);
    await rt.runAll();
    expect(log).toEqual(['a', 'b', 'c', 'b', 'c']);
    expect(rt.state(B).reusedAt).toBeNull();
    expect(rt.state(A).reusedAt).not.toBeNull();
    await rt.runAll({ reuse: false });
    expect(log.slice(5)).toEqual(['a', 'b', 'c']);
  });

  it('Run to here runs the cells above that are not done, then the cell', async () => {
    const log: Log = [];
    const rt = new NotebookRuntime({ cells: cells(log), services: log });
    await rt.runTo(B);
    expect(log).toEqual(['a', 'b']);
    expect(rt.state(C).status).toBe('idle');
    await rt.runTo(C);
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('runs stale ancestors first, then only what changed', async () => {
    const log: Log = [];
    const rt = new NotebookRuntime({ cells: cells(log), services: log });
    await rt.run(C);
    expect(log).toEqual(['a', 'b', 'c']);
    expect(rt.artifactsOf(C)).toEqual({ value: 42 });
    expect(rt.state(C).status).toBe('done');

    log.length = 0;
    await rt.run(C);
    expect(log).toEqual(['c']);

    // A parameter change marks the cell and its descendants stale and runs nothing.
    expect(rt.setParams(A, { n: 3 })).toEqual({ ok: true });
    expect(log).toEqual(['c']);
    expect([rt.state(A).status, rt.state(B).status, rt.state(C).status]).toEqual(['stale', 'stale', 'stale']);
    log.length = 0;
    await rt.run(C);
    expect(log).toEqual(['a', 'b', 'c']);
    expect(rt.artifactsOf(C)).toEqual({ value: 62 });
  });

  it('a failure that retains artifacts is an error, stops Run all, and keeps the old artifacts for later cells', async () => {
    const log: Log = [];
    let fail = false;
    const list = cells(log);
    const a = list[0];
    list[0] = {
      ...a,
      async run(ctx) {
        const r = await a.run(ctx);
        if (fail) throw new CellFailure('load failed', 'fix the file', undefined, { value: 20 });
        return r;
      },
    };
    const rt = new NotebookRuntime({ cells: list, services: log });
    await rt.runAll();
    expect(rt.artifactsOf(C)).toEqual({ value: 42 });
    fail = true;
    rt.setParams(A, { n: 5 });
    log.length = 0;
    await rt.runAll();
    expect(rt.state(A).status).toBe('error');
    expect(rt.state(A).error?.message).toBe('load failed');
    // Run all stops at the failed cell: B and C do not run on anything new.
    expect(log).toEqual(['a']);
    expect(rt.state(B).status).toBe('error');
    expect(rt.artifactsOf(A)).toEqual({ value: 20 });
    // Run on its own, a later cell uses the retained artifacts without re-running the failed cell.
    log.length = 0;
    await rt.run(B);
    expect(log).toEqual(['b']);
    expect(rt.state(B).status).toBe('done');
    expect(rt.artifactsOf(B)).toEqual({ value: 21 });
    expect(rt.state(A).status).toBe('error');
  });

  it('re-running a cell makes its descendants stale', async () => {
    const log: Log = [];
    const rt = new NotebookRuntime({ cells: cells(log), services: log });
    await rt.runAll();
    await rt.run(A);
    expect(rt.state(B).status).toBe('stale');
    expect(rt.state(C).status).toBe('stale');
  });

  it('rejects invalid parameters without changing state', () => {
    const rt = new NotebookRuntime({ cells: cells([]), services: [] as Log });
    const r = rt.setParams(A, { n: -1 });
    expect(r.ok).toBe(false);
    expect(rt.state(A).params).toEqual({ n: 2 });
  });

  it('keeps an error inside its cell; dependants report why they did not run; others keep working', async () => {
    const log: Log = [];
    const rt = new NotebookRuntime({ cells: cells(log, { failB: true }), services: log });
    await rt.runAll();
    expect(rt.state(A).status).toBe('done');
    expect(rt.state(B)).toMatchObject({ status: 'error', error: { message: 'B broke', hint: 'change n' } });
    expect(rt.state(C).status).toBe('error');
    expect(rt.state(C).error?.message).toMatch(/"B" has no results/);
    expect(log).toEqual(['a', 'b']);
    // The rest of the notebook still runs.
    await rt.run(A);
    expect(rt.state(A).status).toBe('done');
  });

  it('cancels the running cell and everything queued', async () => {
    const log: Log = [];
    const rt = new NotebookRuntime({ cells: cells(log, { slowC: true }), services: log });
    const done = rt.run(C);
    await new Promise((r) => setTimeout(r, 30));
    expect(rt.state(C).status).toBe('running');
    expect(rt.state(C).progress?.label).toBe('loop');
    // Live outputs are visible while it runs.
    expect(rt.state(C).preview?.[0]).toMatchObject({ kind: 'markdown', text: expect.stringMatching(/^step \d+$/) });
    rt.cancel();
    await done;
    expect(rt.state(C).status).toBe('cancelled');
    expect(rt.state(C).progress).toBeNull();
    expect(rt.state(C).preview).toBeNull();
    expect(rt.getSnapshot().running).toBeNull();
  });

  it('shows an AbortError it did not cause as an error, not a cancel', async () => {
    const lost = defineCell({
      id: cellId('gpu'),
      title: 'GPU',
      explanation: '',
      params: {},
      dependsOn: [],
      async run() {
        const e = new Error('GPU device was lost');
        e.name = 'AbortError';
        throw e;
      },
    });
    const rt = new NotebookRuntime({ cells: [lost], services: [] as Log });
    await rt.run(cellId('gpu'));
    expect(rt.state(cellId('gpu'))).toMatchObject({ status: 'error', error: { message: 'GPU device was lost' } });
  });

  it('saves and restores parameters and seed through a notebook file', async () => {
    const log: Log = [];
    const rt = new NotebookRuntime({ cells: cells(log), services: log, seed: 7 });
    rt.setParams(A, { n: 5 });
    await rt.run(A);
    const file = await toNotebookFile({
      snapshot: rt.getSnapshot(),
      ids: rt.cells.map((c) => c.id),
      dataset: { kind: 'other', fingerprint: 'abc', name: 'demo' },
      backend: null,
      now: new Date(0),
    });
    expect(file.cells.a).toMatchObject({ params: { n: 5 }, status: 'done', summary: { n: 5 } });
    const text = JSON.stringify(file);
    const parsed = parseNotebookFile(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;

    const fresh = new NotebookRuntime({ cells: cells([]), services: [] as Log });
    const warnings = fresh.restore(
      Object.fromEntries(Object.entries(parsed.file.cells).map(([id, c]) => [id, { params: c.params, hadRun: c.status === 'done' }])),
      parsed.file.seed,
    );
    expect(warnings).toEqual([]);
    expect(fresh.state(A)).toMatchObject({ params: { n: 5 }, status: 'stale' });
    expect(fresh.getSnapshot().seed).toBe(7);
  });

  it('Run all and Run to here recompute cells that only show saved results (they have no artifacts)', async () => {
    const log: Log = [];
    const rt = new NotebookRuntime({ cells: cells(log), services: log });
    const saved = { at: '2026-11-30T00:00:00.000Z', status: 'done' as const, outputs: [], summary: null, error: null };
    rt.restore({ a: { params: { n: 3 }, hadRun: true, saved }, b: { params: {}, hadRun: true, saved } });
    expect(rt.state(A)).toMatchObject({ status: 'done', savedAt: saved.at });
    await rt.runTo(B);
    expect(log).toEqual(['a', 'b']);
    expect(rt.state(B)).toMatchObject({ status: 'done', savedAt: null });
    log.length = 0;
    rt.restore({ a: { params: { n: 3 }, hadRun: true, saved }, b: { params: {}, hadRun: true, saved }, c: { params: {}, hadRun: true, saved } });
    await rt.runAll();
    expect(log).toEqual(['a', 'b', 'c']);
    expect(rt.state(C)).toMatchObject({ status: 'done', savedAt: null, reusedAt: null });
  });

  it('rejects malformed notebook files with the field named', () => {
    expect(parseNotebookFile('{')).toMatchObject({ ok: false });
    const r = parseNotebookFile(JSON.stringify({ format: 'atelier-notebook', version: 1, savedAt: 'x', seed: 1.5, dataset: null, cells: {} }));
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/^invalid notebook file: version 1 file: seed:/) });
  });

  it('refuses artifact reads from cells that are not ancestors', async () => {
    const sneaky = defineCell({
      id: cellId('s'),
      title: 'S',
      explanation: '',
      params: {},
      dependsOn: [],
      async run(ctx) {
        ctx.artifacts.get(A, 'value');
        return { outputs: [] };
      },
    });
    const rt = new NotebookRuntime({ cells: [...cells([]), sneaky], services: [] as Log });
    await rt.run(cellId('s'));
    expect(rt.state(cellId('s')).error?.message).toMatch(/does not depend on a/);
  });
});
