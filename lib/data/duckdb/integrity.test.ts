/**
 * One validation contract on both paths: generated valid H&M transaction tables, damaged in one place,
 * give the same file / row / column on the in-memory reader (lib/data/validate) and on the large-file
 * path (DuckDB's read_csv plus SQL checks, run twice: on DuckDB-WASM in Node, the engine and wasm files
 * the browser runs, and on native DuckDB, the headless runner's), and "skip" keeps exactly the undamaged
 * rows on both.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, MAX_LISTED, shown, type BadRows } from '../errors';
import { HM_TRANSACTIONS } from '../schema';
import { readCsvTable } from '../validate';
import { csvIntoDuckDb } from './csv-load';
import { ENGINES, type TestHandle } from './test-engines';

/** The engine the running describe block reads with (each block opens its own). */
let db: TestHandle;

const HEADER = ['t_dat', 'customer_id', 'article_id', 'price', 'sales_channel_id'];
type Row = [string, string, string, string, string];

const hex = fc.constantFrom(...'0123456789abcdef'.split(''));
const validRow: fc.Arbitrary<Row> = fc.tuple(
  fc.date({ min: new Date('2018-09-20T00:00:00Z'), max: new Date('2020-09-22T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.array(hex, { minLength: 64, maxLength: 64 }).map((a) => a.join('')),
  fc.integer({ min: 108775015, max: 959461001 }).map((n) => String(n).padStart(10, '0')),
  fc.integer({ min: 1, max: 59_000 }).map((n) => String(n / 1e5)),
  fc.constantFrom('1', '2'),
);

/** One damage: which column (or, below 0, which change to the row's fields), and the bad text put there. */
const DAMAGES: { column: number; name: string; value: string }[] = [
  { column: 2, name: 'article_id', value: '108775015' }, // the leading zero lost
  { column: 1, name: 'customer_id', value: 'not-a-hex-id' },
  { column: 3, name: 'price', value: '-0.02' },
  { column: 3, name: 'price', value: '' },
  { column: 3, name: 'price', value: '?' }, // a literal "?" (how DuckDB shows a byte that is not UTF-8 in a number)
  { column: 4, name: 'sales_channel_id', value: '3' },
  { column: 0, name: 't_dat', value: '20/09/2020' },
  { column: 0, name: 't_dat', value: '' },
  { column: 3, name: 'price', value: '0' }, // a price must be > 0
  { column: 0, name: 't_dat', value: '1999-12-31' }, // before the dates allowed
  { column: 0, name: 't_dat', value: '2202-09-20' }, // a year typed wrong
  { column: 0, name: 't_dat', value: '2020-09-20x' }, // text after the date
  { column: 0, name: 't_dat', value: '2020-09-20 10:00:00' }, // a time after the date
  { column: 0, name: 't_dat', value: '2020-09-20T10:00:00Z' },
  { column: 0, name: 't_dat', value: '2018-9-2' }, // no zero padding
  { column: 0, name: 't_dat', value: '2018-09-2' },
  { column: 0, name: 't_dat', value: ' 2018-09-20' }, // a space before the date
  { column: 0, name: 't_dat', value: '2020-02-30' }, // no such day
  { column: -1, name: '(all)', value: '' }, // the header line again, mid-file (two files joined)
  { column: -2, name: '(all)', value: 'extra' }, // a field too many
  { column: -3, name: '(all)', value: '' }, // a field too few
  { column: -4, name: '(all)', value: 'x' }, // an empty field, then a field too many
];

/** The expected text of each damage where both paths must also agree on it (file, row, line, column always). */
const EXPECTED: Record<string, string> = {
  '2020-09-20 10:00:00': 'a date as YYYY-MM-DD',
  '2020-09-20T10:00:00Z': 'a date as YYYY-MM-DD',
  '2018-9-2': 'a date as YYYY-MM-DD',
  '2018-09-2': 'a date as YYYY-MM-DD',
  ' 2018-09-20': 'a date as YYYY-MM-DD',
  '2020-02-30': 'a date as YYYY-MM-DD',
  '20/09/2020': 'a date as YYYY-MM-DD',
  '2202-09-20': 'a date from 2000-01-01 to 2099-12-31',
  '?': 'a number',
};

/** Row `r` damaged as `damage` says (`header`: the file's header, for the header-again damage). */
const damageRow = (r: string[], damage: (typeof DAMAGES)[number], header: string[]): string[] =>
  damage.column === -1
    ? header
    : damage.column === -2
      ? [...r, damage.value]
      : damage.column === -3
        ? r.slice(0, -1)
        : damage.column === -4
          ? [...r, '', damage.value]
          : r.map((v, c) => (c === damage.column ? damage.value : v));

/** The "found" text of a wrong field count (damages -2, -3, -4) on line `line`. */
const fieldCount = (damage: (typeof DAMAGES)[number], line: number, extra = 0) => `${(damage.column === -2 ? 6 : damage.column === -3 ? 4 : 7) + extra} fields on line ${line}`;

const csv = (rows: string[][], header = HEADER) => [header, ...rows].map((r) => r.join(',')).join('\n') + '\n';
const file = (name: string, text: string) => new File([new TextEncoder().encode(text)], name);
let seq = 0;

async function large(text: string, policy: 'skip' | 'abort' = 'skip', types: Record<string, string> = {}): Promise<{ bad: BadRows; rows: string[][] }> {
  const table = `tx${seq++}`;
  const r = await csvIntoDuckDb(db, file('transactions_train.csv', text), HM_TRANSACTIONS, table, policy, types);
  const rows = await db.rows<Record<string, string>>(
    `SELECT strftime(t_dat, '%Y-%m-%d') AS t_dat, CAST(customer_id AS VARCHAR) AS customer_id, article_id, CAST(price AS VARCHAR) AS price, CAST(sales_channel_id AS VARCHAR) AS sales_channel_id FROM ${table} ORDER BY rowid`,
  );
  return { bad: r.bad, rows: rows.map((x) => HEADER.map((h) => String(x[h]))) };
}

function small(text: string): { bad: BadRows; rows: string[][] } {
  const v = readCsvTable(new TextEncoder().encode(text), HM_TRANSACTIONS, { file: 'transactions_train.csv' });
  const c = v.table.columns;
  const rows: string[][] = [];
  for (let i = 0; i < v.table.length; i++) {
    rows.push([
      new Date((c.t_dat.values as Int32Array)[i] * 86_400_000).toISOString().slice(0, 10),
      (c.customer_id.values as string[])[i],
      (c.article_id.values as string[])[i],
      String((c.price.values as Float64Array)[i]),
      String((c.sales_channel_id.values as Float64Array)[i]),
    ]);
  }
  return { bad: v.bad, rows };
}

const normal = (rows: string[][]) => rows.map((r) => [r[0], r[1], r[2], String(Number(r[3])), String(Number(r[4]))]);

describe.each(ENGINES)('the small and the large CSV path keep one contract (large path on $name)', ({ open }) => {
  beforeAll(async () => {
    db = await open();
  });
  afterAll(() => db.close());

  it('a table damaged in one place, by each damage (id, price, channel, date format or range, a time after a date, an unpadded date, empty value, header repeated, field count): same file, row, line and column on both paths; skip keeps exactly the undamaged rows', async () => {
    for (const damage of DAMAGES) {
      await fc.assert(
        fc.asyncProperty(fc.array(validRow, { minLength: 3, maxLength: 30 }), fc.nat(), async (rows, at) => {
          const k = at % rows.length;
          const damaged = rows.map((r, i) => (i !== k ? r : damageRow(r, damage, HEADER)));
          const text = csv(damaged);
          const want = normal(rows.filter((_, i) => i !== k));
          const s = small(text);
          const l = await large(text);
          for (const r of [s, l]) {
            expect(r.bad.file).toBe('transactions_train.csv');
            expect(r.bad.count).toBe(1);
            expect(r.bad.examples[0].row).toBe(k + 1);
            // The line in the file as an editor shows it: 1-based, the header is line 1.
            expect(r.bad.examples[0].line).toBe(k + 2);
            expect(r.bad.examples[0].column).toBe(damage.name);
            if (damage.column < -1) expect(r.bad.examples[0].found).toBe(fieldCount(damage, k + 2));
            if (damage.column >= 0 && EXPECTED[damage.value]) expect(r.bad.examples[0]).toMatchObject({ expected: EXPECTED[damage.value], found: JSON.stringify(damage.value) });
            expect(normal(r.rows)).toEqual(want);
          }
        }),
        { numRuns: 8, seed: 12 },
      );
    }
  });

  it('empty fields past the header\'s (a trailing comma, or several, quoted or not) hold no data: both paths load every row as it is', async () => {
    const trailing = fc.constantFrom([], [''], ['', ''], ['""'], ['', '', '']);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(validRow, trailing), { minLength: 1, maxLength: 20 }), fc.boolean(), async (rows, note) => {
        const header = note ? [...HEADER, 'note'] : HEADER;
        const text = csv(rows.map(([r, t]) => [...r, ...(note ? ['x'] : []), ...t]), header);
        for (const r of [small(text), await large(text)]) {
          expect(r.bad.count).toBe(0);
          expect(normal(r.rows)).toEqual(normal(rows.map(([r]) => r)));
        }
      }),
      { numRuns: 30, seed: 8 },
    );
  });

  it('columns in another order (and an extra column) map by name on both paths', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(validRow, { minLength: 1, maxLength: 10 }), fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 5, maxLength: 5 }), async (rows, order) => {
        const header = [...order.map((c) => HEADER[c]), 'note'];
        const text = csv(rows.map((r) => [...order.map((c) => r[c]), 'x']), header);
        for (const r of [small(text), await large(text)]) {
          expect(r.bad.count).toBe(0);
          expect(normal(r.rows)).toEqual(normal(rows));
        }
      }),
      { numRuns: 15, seed: 12 },
    );
  });

  it('a missing or repeated column fails both paths with the same message', async () => {
    const rows = fc.sample(validRow, { numRuns: 3, seed: 1 });
    const missing = csv(rows.map((r) => r.slice(0, 4)), HEADER.slice(0, 4));
    const twice = csv(rows.map((r) => [...r, r[3]]), [...HEADER, 'price']);
    for (const text of [missing, twice]) {
      let a: unknown, b: unknown;
      try {
        small(text);
      } catch (e) {
        a = e;
      }
      try {
        await large(text);
      } catch (e) {
        b = e;
      }
      expect(a).toBeInstanceOf(DataError);
      expect(b).toBeInstanceOf(DataError);
      expect((b as Error).message).toBe((a as Error).message);
    }
  });

  it('quoted fields with line breaks (in an extra column): both paths name the true line of the damaged row, counting the header', async () => {
    const note = fc.constantFrom('x', '"two\nlines"', '"three\r\nlines\n!"', '"a ""quoted"" word"', '""');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(validRow, note), { minLength: 3, maxLength: 25 }), fc.nat(), fc.nat({ max: DAMAGES.length - 1 }), async (rows, at, d) => {
        const k = at % rows.length;
        const damage = DAMAGES[d];
        const header = [...HEADER, 'note'];
        // Field-count damages change the end of the row (after the note).
        const lines = rows.map(([r, n], i) => (i !== k ? [...r, n] : damage.column === -1 ? header : damage.column < -1 ? damageRow([...r, n], damage, header) : [...damageRow(r, damage, header), n]));
        const text = csv(lines, header);
        // The true line: 1 + the line breaks before the row (the header's included).
        const line = 1 + (csv(lines.slice(0, k), header).match(/\n/g)?.length ?? 0);
        const want = normal(rows.filter((_, i) => i !== k).map(([r]) => r));
        for (const r of [small(text), await large(text)]) {
          expect(r.bad.count).toBe(1);
          expect(r.bad.examples[0]).toMatchObject({ row: k + 1, line, column: damage.name });
          expect(normal(r.rows)).toEqual(want);
        }
      }),
      { numRuns: 40, seed: 5 },
    );
  });

  /** The DataError a path throws (a failed expectation when it loads instead). */
  const failure = async (read: () => unknown): Promise<DataError> => {
    const e = await Promise.resolve().then(read).then(() => 'the file loaded', (x: unknown) => x);
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  };
  const where = (e: DataError) => ({ file: e.file, line: e.line, column: e.column });

  /** An ENUM of `ids` (the customers' ids, as the large H&M path types customer_id when a customers file is loaded). */
  const customerKey = async (ids: string[]) => {
    const type = `customer_key_t${seq++}`;
    await db.run(`CREATE TYPE ${type} AS ENUM (${[...new Set(ids)].map((v) => `'${v}'`).join(', ')})`);
    return { customer_id: type };
  };

  it('an unterminated quote (in any column, used or extra) fails both paths, under "skip" too, naming the same file, line and column: never a shorter table; also with customer_id typed as the customers\' ids (a customers file loaded)', async () => {
    const header = [...HEADER, 'note'];
    await fc.assert(
      fc.asyncProperty(fc.array(validRow, { minLength: 2, maxLength: 25 }), fc.nat(), fc.nat({ max: header.length - 1 }), fc.boolean(), fc.boolean(), async (rows, at, c, multiline, keyed) => {
        const k = at % rows.length;
        // Rows before the damage may hold quoted line breaks; the quote that opens on row k is never closed.
        const lines = rows.map((r, i) => [...r, i < k && multiline ? '"a\nb"' : 'x']).map((r, i) => (i === k ? r.map((v, j) => (j === c ? `"${v}` : v)) : r));
        const text = csv(lines, header);
        const line = 1 + (csv(lines.slice(0, k), header).match(/\n/g)?.length ?? 0);
        const s = await failure(() => small(text));
        // Typed as an ENUM inside read_csv, customer_id with such a quote crashed native DuckDB 1.5.6 (a segfault) and failed
        // DuckDB-WASM 1.4.3 with "Invalid unicode": csv-load.ts casts it after reading.
        const types = keyed ? await customerKey(rows.map((r) => r[1])) : {};
        const l = await failure(() => large(text, 'skip', types));
        expect(where(s)).toEqual({ file: 'transactions_train.csv', line, column: header[c] });
        expect(where(l)).toEqual(where(s));
        expect(l.message).toBe(s.message);
        expect(s.message).toMatch(/expected a closing quote for the field that opens on line \d+ \(field \d\), found the end of the file/);
      }),
      { numRuns: 60, seed: 3 },
    );
  });

  it('with customer_id typed as the customers\' ids, an id that is not a customer is one bad row naming its line and column: dropped under "skip", the load aborted under "abort"', async () => {
    const header = [...HEADER, 'note'];
    const note = fc.constantFrom('x', '"two\nlines"', '""');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(validRow, note), { minLength: 2, maxLength: 25 }), fc.nat(), fc.constantFrom('b'.repeat(64), 'not-a-hex-id', '"quoted, not a customer"', ''), async (rows, at, stranger) => {
        const k = at % rows.length;
        const lines = rows.map(([r, n], i) => (i === k ? [r[0], stranger, ...r.slice(2), n] : [...r, n]));
        const text = csv(lines, header);
        const line = 1 + (csv(lines.slice(0, k), header).match(/\n/g)?.length ?? 0);
        const types = await customerKey(rows.map(([r]) => r[1]).filter((v) => v !== stranger));
        const l = await large(text, 'skip', types);
        // An empty id is an empty value, as it was with read_csv's own cast to the ENUM.
        const [expected, found] = stranger === '' ? ['a value (customer_id may not be empty)', 'nothing'] : ['a customer_id present in the customers table', shown(stranger.replace(/^"|"$/g, ''))];
        expect(l.bad.count).toBe(1);
        expect(l.bad.examples[0]).toMatchObject({ row: k + 1, line, column: 'customer_id', expected, found });
        expect(normal(l.rows)).toEqual(normal(rows.filter((_, i) => i !== k).map(([r]) => r)));
        // The table keeps the ENUM (4 bytes a row), not the text read_csv read.
        const [{ t }] = await db.rows<{ t: string }>(`SELECT typeof(customer_id) AS t FROM tx${seq - 1} LIMIT 1`);
        expect(t).toMatch(/^ENUM\(/);
        const a = await failure(() => large(text, 'abort', types));
        expect(where(a)).toEqual({ file: 'transactions_train.csv', line, column: 'customer_id' });
        expect(a.message).toContain(`expected ${expected}, found ${found}`);
      }),
      { numRuns: 25, seed: 14 },
    );
  });

  it('a file cut short inside its last row fails both paths, under "skip" too, naming the same file, line and column', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(validRow, { minLength: 2, maxLength: 25 }), fc.nat(), async (rows, cut) => {
        const whole = csv(rows);
        const lastStart = whole.lastIndexOf('\n', whole.length - 2) + 1;
        const lastRow = whole.slice(lastStart, -1);
        // Cut anywhere up to just after the last comma: the row has too few fields, or an empty last one.
        const keep = 1 + (cut % (lastRow.lastIndexOf(',') + 1));
        const text = whole.slice(0, lastStart + keep);
        const s = await failure(() => small(text));
        const l = await failure(() => large(text));
        expect(where(s)).toEqual({ file: 'transactions_train.csv', line: rows.length + 1, column: keep === lastRow.lastIndexOf(',') + 1 ? 'sales_channel_id' : '(all)' });
        expect(where(l)).toEqual(where(s));
        expect(l.message).toMatch(/the file looks cut short \(truncated\), so nothing was loaded/);
        // The same rows with a line break after the cut row are one bad row, not a truncated file.
        expect(small(`${text}\n`).bad.count).toBe(1);
        expect((await large(`${text}\n`)).bad.count).toBe(1);
      }),
      { numRuns: 40, seed: 4 },
    );
  });

  it('a byte that is not UTF-8 in any column, used or extra, fails both paths with the same file, line and column; also with customer_id typed as the customers\' ids', async () => {
    const header = [...HEADER, 'note'];
    await fc.assert(
      fc.asyncProperty(fc.array(validRow, { minLength: 2, maxLength: 25 }), fc.nat(), fc.nat({ max: header.length - 1 }), fc.boolean(), async (rows, at, c, keyed) => {
        const k = at % rows.length;
        const lines = rows.map((r, i) => [...r, i === 0 ? '"a\nb"' : 'x']).map((r, i) => (i === k ? r.map((v, j) => (j === c ? `${v}\u00e9` : v)) : r));
        // Written as latin-1: é is the one byte 0xe9, the rest is ASCII.
        const bytes = Uint8Array.from([...csv(lines, header)].map((ch) => ch.charCodeAt(0)));
        const line = 1 + (csv(lines.slice(0, k), header).match(/\n/g)?.length ?? 0) + (k === 0 && c === 5 ? 1 : 0);
        const s = await failure(() => readCsvTable(bytes, HM_TRANSACTIONS, { file: 'transactions_train.csv' }));
        const types = keyed ? await customerKey(rows.map((r) => r[1])) : {};
        const l = await failure(() => csvIntoDuckDb(db, new File([bytes], 'transactions_train.csv'), HM_TRANSACTIONS, `enc${seq++}`, 'skip', types));
        expect(where(s)).toEqual({ file: 'transactions_train.csv', line, column: header[c] });
        expect(l.message).toBe(s.message);
      }),
      { numRuns: 40, seed: 6 },
    );
  });

  it('"abort" loads nothing on the large path and names the first bad row', async () => {
    const rows = fc.sample(validRow, { numRuns: 5, seed: 2 });
    rows[2] = [rows[2][0], rows[2][1], rows[2][2], '-1', rows[2][4]];
    await expect(large(csv(rows), 'abort')).rejects.toThrow(/transactions_train\.csv, line 4, column price: expected a number > 0, found "-1(\.0)?" \(1 bad row in all/);
  });

  /** `text` as bytes, each character one byte (latin-1): "é" is the byte 0xe9, which is not UTF-8. */
  const latin1 = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
  const bothFail = async (bytes: Uint8Array) => {
    const s = await failure(() => readCsvTable(bytes, HM_TRANSACTIONS, { file: 'transactions_train.csv' }));
    const l = await failure(() => csvIntoDuckDb(db, new File([bytes as Uint8Array<ArrayBuffer>], 'transactions_train.csv'), HM_TRANSACTIONS, `t${seq++}`, 'skip'));
    expect(l.message).toBe(s.message);
    return s;
  };

  it('a literal "?" is text, not a byte that is not UTF-8 (DuckDB shows such a byte as "?"), and the other way round: the file\'s bytes decide', async () => {
    const rows = fc.sample(validRow, { numRuns: 6, seed: 9 });
    const header = [...HEADER, 'note'];
    // "?" in a text column: a value like any other.
    const text = csv(rows.map((r, i) => [...r, i === 2 ? 'why?' : 'x']), header);
    for (const r of [small(text), await large(text)]) {
      expect(r.bad.count).toBe(0);
      expect(r.rows).toHaveLength(6);
    }
    // "?" in a number: a bad row, not an encoding error; a byte 0xe9 in a number on a later row: an encoding error
    // naming that byte, on both paths; with the byte on an earlier row than the "?", the same.
    const withQ = (q: number, e: number) => csv(rows.map((r, i) => (i === q ? [r[0], r[1], r[2], '?', r[4], 'x'] : i === e ? [r[0], r[1], r[2], `${r[3]}\u00e9`, r[4], 'x'] : [...r, 'x'])), header);
    for (const [q, e] of [[1, 4], [4, 1], [0, 5]]) {
      const err = await bothFail(latin1(withQ(q, e)));
      expect(err.message).toMatch(new RegExp(`line ${e + 2}, column price: expected UTF-8 text, found a byte 0xe9`));
    }
    const onlyQ = csv(rows.map((r, i) => (i === 3 ? [r[0], r[1], r[2], '?', r[4], 'x'] : [...r, 'x'])), header);
    for (const r of [small(onlyQ), await large(onlyQ)]) expect(r.bad.examples[0]).toMatchObject({ line: 5, column: 'price', expected: 'a number', found: '"?"' });
  });

  it(`more than ${MAX_LISTED.toLocaleString('en')} bad rows: a last row cut short, or a byte that is not UTF-8 past the rows listed, still fails both paths the same way; with neither, both count every bad row`, async () => {
    const [good] = fc.sample(validRow, { numRuns: 1, seed: 11 });
    const n = MAX_LISTED + 2_500;
    // Every row but one in a thousand has a literal "?" as its price: a bad row that is not an encoding error.
    const body = Array.from({ length: n }, (_, i) => (i % 1000 === 999 ? good : [good[0], good[1], good[2], '?', good[4]]));
    const nGood = body.filter((r) => r[3] !== '?').length;
    const cut = `${csv(body)}${good.slice(0, 3).join(',')}`;
    const s = await failure(() => small(cut));
    const l = await failure(() => large(cut));
    expect(where(s)).toEqual({ file: 'transactions_train.csv', line: n + 2, column: '(all)' });
    expect(where(l)).toEqual(where(s));
    expect(l.message).toMatch(/the file looks cut short \(truncated\), so nothing was loaded/);
    // The same last row followed by a line break: one more bad row, and the good rows load.
    for (const r of [small(`${cut}\n`), await large(`${cut}\n`)]) {
      expect(r.bad.count).toBe(n - nGood + 1);
      expect(r.rows).toHaveLength(nGood);
    }
    // A byte that is not UTF-8 in a price near the end (past the listed rows): the whole file fails.
    const bytes = latin1(csv(body.map((r, i) => (i === n - 10 ? [r[0], r[1], r[2], '0.5\u00e9', r[4]] : r))));
    const e = await bothFail(bytes);
    expect(where(e)).toEqual({ file: 'transactions_train.csv', line: n - 10 + 2, column: 'price' });
  });
});
