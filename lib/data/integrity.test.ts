/** A file that cannot be read to its end is an error, never a shorter table; bad rows are counted without limit. */
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';
import { openQuoteAtEnd } from './duckdb/lines';
import { DataError } from './errors';
import { HM_TRANSACTIONS, type TableSchema } from './schema';
import { readCsvTable, validateColumns } from './validate';

const enc = (s: string) => new TextEncoder().encode(s);
const HEADER = 't_dat,customer_id,article_id,price,sales_channel_id';
const row = (k: number) => `2020-09-0${1 + (k % 9)},${'a'.repeat(63)}${k % 10},010877501${k % 10},0.05,${1 + (k % 2)}`;

function thrown(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    if (e instanceof DataError) return e;
    throw e;
  }
  throw new Error('expected a DataError');
}

describe('CSV files that cannot be parsed to their end', () => {
  it('an unterminated quote is an error naming the file and the line where the field opens, not a shorter table', () => {
    const text = [HEADER, row(1), row(2), `2020-09-03,"${'b'.repeat(64)},0108775015,0.05,1`, row(4), row(5)].join('\n');
    const e = thrown(() => readCsvTable(enc(text), HM_TRANSACTIONS, { file: 'transactions_train.csv' }));
    expect(e.file).toBe('transactions_train.csv');
    expect(e.message).toMatch(/expected a closing quote for the field that opens on line 4 \(field 2\), found the end of the file/);
    // Under "skip bad rows" too: the parse fails before any row is kept.
    expect(() => parseCsv(text, { file: 'x.csv' })).toThrow(DataError);
  });

  it('a field longer than the limit is an error with its line, quoted or not', () => {
    const big = 'x'.repeat(2000);
    expect(thrown(() => parseCsv(`a,b\n1,2\n3,${big}\n`, { file: 'f.csv', maxField: 1000 })).message).toMatch(/f\.csv, line 3: expected fields of at most 1000 characters, found a field of 2000 characters starting on line 3 \(field 2\)/);
    expect(thrown(() => parseCsv(`a,b\n1,"${big}"\n`, { file: 'f.csv', maxField: 1000 })).message).toMatch(/2000 characters starting on line 2/);
    // The default limit stops a 20 MB field.
    expect(() => parseCsv(`a\n${'y'.repeat(20 * 2 ** 20)}\n`, { file: 'big.csv' })).toThrow(/starting on line 2/);
  });

  it('the byte walk (the large path\'s) finds a quote that runs to the end of the file, where the in-memory parser does', async () => {
    const lines = [HEADER, row(1), '2020-09-02,"a\nb",0108775015,0.05,1', `2020-09-03,${'b'.repeat(64)},0108775015,0.05,"1`, row(4)];
    const text = lines.join('\n') + '\n';
    const e = thrown(() => readCsvTable(enc(text), HM_TRANSACTIONS, { file: 'transactions_train.csv' }));
    // Small chunks, so the walk carries its state across chunk edges.
    expect(await openQuoteAtEnd(new Blob([enc(text)]), 7)).toEqual({ line: e.line, field: 4 });
    expect(e.line).toBe(5);
    expect(e.column).toBe('sales_channel_id');
    expect(await openQuoteAtEnd(new Blob([enc(lines.slice(0, 3).join('\n'))]), 7)).toBeNull();
  });

  it('a quoted field that spans lines still parses, and lines after it are counted', () => {
    const rows = parseCsv('a,b\n"x\ny",1\nz,2\n');
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4]);
  });
});

describe('validateColumns', () => {
  it('counts more than 2^31/1000 bad rows without wrapping, and keeps none of them', () => {
    const schema: TableSchema = { table: 't', columns: [{ name: 'id', type: 'string', nullable: false }, { name: 'price', type: 'float', nullable: false, min: 0 }] };
    const n = 2_300_000;
    const price = new Float64Array(n).fill(-1);
    const good = [3, 1_000_000, 2_299_999];
    for (const g of good) price[g] = 1.5;
    const id = Array.from({ length: n }, (_, k) => (k === 7 ? '' : 'x'));
    const v = validateColumns({ id, price }, n, schema, 'big.parquet');
    expect(v.bad.count).toBe(n - good.length);
    expect(v.table.length).toBe(good.length);
    expect(Array.from(v.table.columns.price.values as Float64Array)).toEqual([1.5, 1.5, 1.5]);
    // Examples are the first bad rows, each with its leftmost bad column.
    expect(v.bad.examples.map((e) => [e.row, e.column])).toEqual([[1, 'price'], [2, 'price'], [3, 'price'], [5, 'price'], [6, 'price']]);
    const small = validateColumns({ id: ['x', '', ''], price: [-1, -1, 1] }, 3, schema, 'b.parquet').bad.examples;
    expect(small.map((e) => [e.row, e.column, e.found])).toEqual([[1, 'price', '"-1"'], [2, 'id', 'an empty value'], [3, 'id', 'an empty value']]);
  });
});
