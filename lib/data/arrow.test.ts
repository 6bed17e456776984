import { describe, expect, it } from 'vitest';
import { tableFromIPC, tableToIPC } from 'apache-arrow';
import { fromArrowTable, toArrowTable } from './arrow';
import { generateDemoTables } from './demo';
import type { ColumnTable } from './table';

describe('Arrow round trip', () => {
  it('keeps strings, nulls, ints, floats and dates through IPC', () => {
    const t: ColumnTable = {
      name: 'x',
      length: 3,
      columns: {
        id: { type: 'string', values: ['0108775015', null, 'b'] },
        code: { type: 'int', values: Float64Array.from([108775, NaN, 3]) },
        age: { type: 'float', values: Float64Array.from([21.5, NaN, 40]) },
        day: { type: 'date', values: Int32Array.from([18506, 0, -1]) },
      },
    };
    const arrow = toArrowTable(t);
    expect(String(arrow.schema.fields[1].type)).toBe('Int32');
    expect(arrow.getChild('code')!.nullCount).toBe(1);
    const back = fromArrowTable(tableFromIPC(tableToIPC(arrow)), 'x');
    expect(back.columns.id.values).toEqual(['0108775015', null, 'b']);
    expect(Array.from(back.columns.code.values as Float64Array)).toEqual([108775, NaN, 3]);
    expect(back.columns.code.type).toBe('int');
    expect(Array.from(back.columns.age.values as Float64Array)).toEqual([21.5, NaN, 40]);
    expect(Array.from(back.columns.day.values as Int32Array)).toEqual([18506, 0, -1]);
  });

  it('round-trips the demo tables', () => {
    const d = generateDemoTables('tiny', 3);
    const back = fromArrowTable(tableFromIPC(tableToIPC(toArrowTable(d.transactions))), 'transactions');
    expect(back.length).toBe(3000);
    expect(back.columns.article_id.values).toEqual(d.transactions.columns.article_id.values);
    expect(Array.from(back.columns.t_dat.values as Int32Array)).toEqual(Array.from(d.transactions.columns.t_dat.values as Int32Array));
    expect(Array.from(back.columns.price.values as Float64Array)).toEqual(Array.from(d.transactions.columns.price.values as Float64Array));
  });
});

describe('utf8Vector', () => {
  it('encodes ASCII, non-ASCII and nulls like apache-arrow', async () => {
    const { utf8Vector } = await import('./arrow');
    const values = ['abc', null, 'Café', '', '日本', 'x'.repeat(100)];
    const v = utf8Vector(values);
    expect(v.toArray()).toEqual(values);
    expect(v.nullCount).toBe(1);
  });
});
