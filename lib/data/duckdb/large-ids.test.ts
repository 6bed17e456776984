/**
 * The large path's id checks (formats and joins on distinct ids, after loading) against the in-memory
 * path's (formats per cell, then the joins of buildDataset): generated transactions damaged in one id
 * give the same file, row, line and column on both, and "skip" keeps the same rows. Also: a file that is
 * not UTF-8 fails both paths with the same message, and reads the same on both as latin-1. The large path runs
 * on DuckDB-WASM (the browser's engine, Node build) and on native DuckDB.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../build';
import { badRowsCsv, DataError, mergeBadRows } from '../errors';
import { HM_TRANSACTIONS } from '../schema';
import { readCsvTable } from '../validate';
import { csvIntoDuckDb, rowMap } from './csv-load';
import { LARGE_ID_COLUMNS, checkLargeJoins } from './large';
import { literal } from './sql';
import { staging } from './staging';
import { ENGINES, type TestHandle } from './test-engines';

/** The engine the running describe block reads with. */
let db: TestHandle;

const HEADER = ['t_dat', 'customer_id', 'article_id', 'price', 'sales_channel_id'];
const hex = fc.constantFrom(...'0123456789abcdef'.split(''));
const validRow = fc.tuple(
  fc.date({ min: new Date('2018-09-20T00:00:00Z'), max: new Date('2020-09-22T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.array(hex, { minLength: 64, maxLength: 64 }).map((a) => a.join('')),
  fc.integer({ min: 108775015, max: 959461001 }).map((n) => String(n).padStart(10, '0')),
  fc.integer({ min: 1, max: 59_000 }).map((n) => String(n / 1e5)),
  fc.constantFrom('1', '2'),
);
const DAMAGES = [
  { column: 2, name: 'article_id', value: '108775015' }, // the leading zero lost
  { column: 2, name: 'article_id', value: '0999999999' }, // well formed, not an article
  { column: 1, name: 'customer_id', value: 'not-a-hex-id' },
  { column: 1, name: 'customer_id', value: 'A'.repeat(64) }, // upper-case hex
];
const csv = (rows: string[][]) => [HEADER, ...rows].map((r) => r.join(',')).join('\n') + '\n';
const file = (name: string, bytes: Uint8Array | string) => new File([(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes) as Uint8Array<ArrayBuffer>], name);

async function large(text: string) {
  const tx = staging('transactions');
  const r = await csvIntoDuckDb(db, file('transactions_train.csv', text), HM_TRANSACTIONS, tx, 'skip', {}, LARGE_ID_COLUMNS);
  const joins = await checkLargeJoins(db, 'skip', false, 'transactions_train.csv', r.rowOf, r.lines);
  const kept = await db.rows<{ a: string }>(`SELECT article_id AS a FROM ${tx} ORDER BY rowid`);
  return { bad: mergeBadRows('transactions_train.csv', [r.bad, ...joins]), kept: kept.map((x) => x.a) };
}

function small(text: string, articles: string[]) {
  const v = readCsvTable(new TextEncoder().encode(text), HM_TRANSACTIONS, { file: 'transactions_train.csv' });
  const col = (values: string[]) => ({ type: 'string' as const, values });
  const d = buildDataset(
    { articles: { name: 'articles', length: articles.length, columns: { article_id: col(articles) } }, customers: { name: 'customers', length: 0, columns: { customer_id: col([]) } }, transactions: v.table },
    { kind: 'hm', name: 't', fingerprint: 'f', transactionsFile: 'transactions_train.csv' },
  );
  return { bad: mergeBadRows('transactions_train.csv', [v.bad, ...d.joinIssues]), kept: d.interactions.itemKeys.length ? [...d.interactions.item].map((i) => d.interactions.itemKeys[i]) : [] };
}

describe.each(ENGINES)('the large path checks ids on distinct values with the in-memory contract ($name)', ({ open }) => {
  beforeAll(async () => {
    db = await open();
  });
  afterAll(() => db.close());

  it('one damaged id: same file, row, line and column on both paths; skip keeps the other rows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(validRow, { minLength: 2, maxLength: 25 }), fc.nat(), fc.nat({ max: DAMAGES.length - 1 }), async (rows, at, d) => {
        const k = at % rows.length;
        const damage = DAMAGES[d];
        const articles = [...new Set(rows.map((r) => r[2]))];
        await db.run(`CREATE OR REPLACE TABLE ${staging('articles')} AS SELECT unnest([${articles.map(literal).join(', ')}]) AS article_id`);
        const damaged = rows.map((r, i) => (i === k ? r.map((v, c) => (c === damage.column ? damage.value : v)) : r));
        const text = csv(damaged);
        const l = await large(text);
        const s = small(text, articles);
        for (const r of [l, s]) {
          expect(r.bad.count).toBe(1);
          expect(r.bad.file).toBe('transactions_train.csv');
          expect(r.bad.examples[0]).toMatchObject({ row: k + 1, line: k + 2, column: damage.name });
        }
        expect(l.bad.examples[0].expected).toBe(s.bad.examples[0].expected);
        // The in-memory log is sorted by day; the staged table keeps file order: compare as multisets.
        expect([...l.kept].sort()).toEqual([...s.kept].sort());
        expect(l.kept).toEqual(rows.filter((_, i) => i !== k).map((r) => r[2]));
      }),
      { numRuns: 30, seed: 7 },
    );
  });

  it('a byte that is not UTF-8 fails both paths with the same line and byte; as latin-1 both read it', async () => {
    const rows = fc.sample(validRow, { numRuns: 5, seed: 3 });
    // The last line's customer_id holds the one non-ASCII character (DuckDB checks the encoding of the columns it reads).
    const text = csv(rows.map((r, i) => (i === 4 ? [r[0], `café${r[1].slice(4)}`, ...r.slice(2)] : r)));
    // "café" in latin-1: é is the one byte 0xe9.
    const bytes = Uint8Array.from([...text].map((ch) => ch.charCodeAt(0)));
    const errs: DataError[] = [];
    try {
      readCsvTable(bytes, HM_TRANSACTIONS, { file: 'transactions_train.csv' });
    } catch (e) {
      errs.push(e as DataError);
    }
    await csvIntoDuckDb(db, file('transactions_train.csv', bytes), HM_TRANSACTIONS, 'enc_utf8', 'skip').catch((e) => errs.push(e as DataError));
    expect(errs).toHaveLength(2);
    expect(errs[0]).toBeInstanceOf(DataError);
    expect(errs[1]).toBeInstanceOf(DataError);
    expect(errs[1].message).toBe(errs[0].message);
    expect(errs[0].message).toMatch(/^transactions_train\.csv, line 6, column customer_id: expected UTF-8 text, found a byte 0xe9 that is not UTF-8 at line 6 \(byte \d+\); .*latin-1/);
    const s = readCsvTable(bytes, HM_TRANSACTIONS, { file: 'transactions_train.csv', encoding: 'latin1' });
    const l = await csvIntoDuckDb(db, file('transactions_train.csv', bytes), HM_TRANSACTIONS, 'enc_latin1', 'skip', {}, [], 'latin1');
    // Read as latin-1, the id is decoded on both paths, and is then a bad customer_id on both.
    for (const r of [s, l]) {
      expect(r.bad.count).toBe(1);
      expect(r.bad.examples[0]).toMatchObject({ line: 6, column: 'customer_id', found: expect.stringMatching(/^"café/) });
    }
    expect(l.rows).toBe(4);
    expect(s.table.length).toBe(4);
  });

  it('maps table rows to file rows past rejected rows, and lists skipped rows as CSV', () => {
    const of = rowMap([2, 3, 7]);
    expect([0, 1, 2, 3, 4, 5].map((r) => of(r).row)).toEqual([1, 4, 5, 6, 8, 9]);
    expect(badRowsCsv([{ file: 'a.csv', count: 1, examples: [], listed: [{ row: 3, line: 4, column: 'price', expected: 'a number > 0', found: '"-1, or so"' }] }])).toBe(
      'file,line,row,column,expected,found\na.csv,4,3,price,a number > 0,"""-1, or so"""\n',
    );
  });
});
