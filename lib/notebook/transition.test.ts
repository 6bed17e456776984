import { describe, expect, it } from 'vitest';
import { initialCellState, transitionCell, type CellEvent } from './transition';
import type { CellState, CellStatus } from './types';

const progress = { label: 'x', done: 1, total: 2, unit: 'items', rate: null, etaSeconds: null, elapsedSeconds: 0 };
const at = (status: CellStatus): CellState => ({ ...initialCellState({ a: 1 }), status });
const run = (s: CellState, ...events: CellEvent[]) => events.reduce(transitionCell, s);

describe('transitionCell', () => {
  it('walks idle → queued → running → done', () => {
    const s = run(at('idle'), { type: 'queue' }, { type: 'start', at: 1 }, { type: 'progress', progress }, { type: 'succeed', at: 2, outputs: [{ kind: 'markdown', text: 'hi' }], summary: { n: 1 } });
    expect(s.status).toBe('done');
    expect(s.runCount).toBe(1);
    expect(s.progress).toBeNull();
    expect(s.outputs).toHaveLength(1);
    expect(s.summary).toEqual({ n: 1 });
  });

  it('keeps an error inside the cell, and clears it on the next start', () => {
    const failed = run(at('idle'), { type: 'queue' }, { type: 'start', at: 1 }, { type: 'fail', at: 2, error: { message: 'boom', hint: 'fix it' } });
    expect(failed.status).toBe('error');
    expect(failed.error).toEqual({ message: 'boom', hint: 'fix it' });
    const again = run(failed, { type: 'queue' }, { type: 'start', at: 3 });
    expect(again.status).toBe('running');
    expect(again.error).toBeNull();
  });

  it('marks finished cells stale on a parameter change, and leaves idle ones idle', () => {
    for (const status of ['done', 'error', 'cancelled', 'stale'] as const) {
      const s = transitionCell(at(status), { type: 'setParams', params: { a: 2 } });
      expect(s.status).toBe('stale');
      expect(s.params).toEqual({ a: 2 });
    }
    expect(transitionCell(at('idle'), { type: 'setParams', params: { a: 2 } }).status).toBe('idle');
  });

  it('invalidate only affects cells with results', () => {
    expect(transitionCell(at('done'), { type: 'invalidate' }).status).toBe('stale');
    expect(transitionCell(at('idle'), { type: 'invalidate' }).status).toBe('idle');
    expect(transitionCell(at('running'), { type: 'invalidate' }).status).toBe('running');
  });

  it('cancel applies to queued and running cells only', () => {
    expect(transitionCell(at('running'), { type: 'cancel', at: 1 }).status).toBe('cancelled');
    expect(transitionCell(at('queued'), { type: 'cancel', at: 1 }).status).toBe('cancelled');
    expect(transitionCell(at('done'), { type: 'cancel', at: 1 }).status).toBe('done');
  });

  it('ignores events that make no sense in the current status', () => {
    const done = at('done');
    expect(transitionCell(done, { type: 'start', at: 1 })).toBe(done);
    expect(transitionCell(done, { type: 'progress', progress })).toBe(done);
    expect(transitionCell(done, { type: 'succeed', at: 1, outputs: [], summary: null })).toBe(done);
    const running = at('running');
    expect(transitionCell(running, { type: 'queue' })).toBe(running);
  });

  it('restore gives stale for cells that had run, idle otherwise', () => {
    expect(transitionCell(at('done'), { type: 'restore', params: { a: 5 }, hadRun: true })).toMatchObject({ status: 'stale', params: { a: 5 }, outputs: [] });
    expect(transitionCell(at('done'), { type: 'restore', params: { a: 5 }, hadRun: false }).status).toBe('idle');
  });

  it('shows previews only while running, and drops them when the run ends', () => {
    const preview = [{ kind: 'markdown' as const, text: 'epoch 1' }];
    const running = transitionCell(at('running'), { type: 'preview', outputs: preview });
    expect(running.preview).toEqual(preview);
    expect(transitionCell(running, { type: 'succeed', at: 1, outputs: [], summary: null }).preview).toBeNull();
    expect(transitionCell(running, { type: 'fail', at: 1, error: { message: 'x' } }).preview).toBeNull();
    expect(transitionCell(at('done'), { type: 'preview', outputs: preview }).preview).toBeNull();
  });

  it('caps the log', () => {
    let s = at('running');
    for (let i = 0; i < 600; i++) s = transitionCell(s, { type: 'log', line: String(i) });
    expect(s.logs).toHaveLength(500);
    expect(s.logs[499]).toBe('599');
  });
});
