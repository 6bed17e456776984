/**
 * Errors about input data. Every message names the file, the row or column
 * where that applies, what was expected and what was found, so a person can
 * fix the file without opening a debugger.
 */

/**
 * Where in a file a problem is. Rows are 1-based data rows (the header is row 0); `line` is the
 * 1-based line of a text file where the row starts, counting the header (what an editor shows).
 * Messages name the line where there is one (CSV), else the row (Parquet).
 */
export interface DataLocation {
  file: string;
  row?: number;
  line?: number;
  column?: string;
}

/** A fatal problem with an input file (the load stops; what was loaded before stays). */
export class DataError extends Error {
  readonly file: string;
  readonly row?: number;
  readonly line?: number;
  readonly column?: string;
  readonly expected: string;
  readonly found: string;

  constructor(at: DataLocation, expected: string, found: string) {
    super(`${describeLocation(at)}: expected ${expected}, found ${found}`);
    this.name = 'DataError';
    this.file = at.file;
    this.row = at.row;
    this.line = at.line;
    this.column = at.column;
    this.expected = expected;
    this.found = found;
  }
}

/** "articles.csv, line 13, column article_id" (text files) or "articles.parquet, row 12, column article_id". */
export function describeLocation(at: DataLocation): string {
  const parts = [at.file];
  if (at.line !== undefined) parts.push(`line ${at.line}`);
  else if (at.row !== undefined) parts.push(`row ${at.row}`);
  if (at.column !== undefined) parts.push(`column ${at.column}`);
  return parts.join(', ');
}

/** One rejected row, kept as an example for the person to look at. */
export interface BadRow {
  /** 1-based data row. */
  row: number;
  /** 1-based line in a text file, counting the header (absent for Parquet). */
  line?: number;
  column: string;
  expected: string;
  found: string;
}

/** Bad rows of one file: how many, the first few, and (for the download of skipped rows) the first MAX_LISTED. */
export interface BadRows {
  file: string;
  count: number;
  examples: BadRow[];
  /** The first bad rows in file order, at most MAX_LISTED (absent where only examples were kept). */
  listed?: BadRow[];
}

/** Most bad rows of one file kept for the download of skipped rows. */
export const MAX_LISTED = 100_000;

/** What to do with bad rows: drop them and go on, or stop the load. */
export type BadRowPolicy = 'skip' | 'abort';

/** Renders one example as a sentence. */
export function describeBadRow(file: string, b: BadRow): string {
  return `${describeLocation({ file, row: b.row, line: b.line, column: b.column })}: expected ${b.expected}, found ${b.found}`;
}

/** Collects bad rows, keeping at most `maxExamples` examples and the first `maxListed` rows for the download. */
export class BadRowCollector {
  count = 0;
  readonly examples: BadRow[] = [];
  readonly listed: BadRow[] = [];
  constructor(
    readonly file: string,
    private readonly maxExamples = 5,
    private readonly maxListed = MAX_LISTED,
  ) {}

  add(b: BadRow): void {
    this.count++;
    if (this.examples.length < this.maxExamples) this.examples.push(b);
    if (this.listed.length < this.maxListed) this.listed.push(b);
  }

  result(): BadRows {
    return { file: this.file, count: this.count, examples: this.examples.slice(), listed: this.listed.slice() };
  }
}

/** Merges bad rows of one file found by several checks, in file order. */
export function mergeBadRows(file: string, parts: readonly BadRows[]): BadRows {
  const byRow = (a: BadRow, b: BadRow) => a.row - b.row;
  const listed = parts.flatMap((p) => p.listed ?? p.examples).sort(byRow).slice(0, MAX_LISTED);
  return { file, count: parts.reduce((s, p) => s + p.count, 0), examples: parts.flatMap((p) => p.examples).sort(byRow).slice(0, 5), listed };
}

/** The skipped rows as CSV (file, line, row, column, expected, found), for the download the Data cell offers. */
export function badRowsCsv(all: readonly BadRows[]): string {
  const q = (v: string | number | undefined) => (v === undefined ? '' : /[",\n\r]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const lines = ['file,line,row,column,expected,found'];
  for (const b of all) for (const r of b.listed ?? b.examples) lines.push([b.file, r.line, r.row, r.column, r.expected, r.found].map(q).join(','));
  return lines.join('\n') + '\n';
}

/** Throws a DataError for the first bad row when the policy is `abort` and any row was bad. */
export function enforceBadRowPolicy(bad: BadRows, policy: BadRowPolicy): void {
  if (policy === 'skip' || bad.count === 0) return;
  const first = bad.examples[0];
  throw new DataError(
    { file: bad.file, row: first.row, line: first.line, column: first.column },
    first.expected,
    `${first.found} (${bad.count} bad row${bad.count === 1 ? '' : 's'} in all; choose "skip bad rows" to load the rest)`,
  );
}

/**
 * A quoted field that is never closed: read as RFC 4180 says, it swallows the rest of the file, so the
 * load fails (under "skip bad rows" too) instead of loading a shorter table. Both paths word it so.
 */
export function unterminatedQuote(file: string, line: number, column: string | undefined, field: number): DataError {
  return new DataError(
    { file, line, column },
    `a closing quote for the field that opens on line ${line} (field ${field})`,
    'the end of the file; the quote swallows the rest of the file, so nothing was loaded',
  );
}

/**
 * A file cut short: its last row is damaged and there is no line break after it (a copy or download
 * that stopped). The load fails, under "skip bad rows" too: the file is incomplete, not one row bad.
 */
export function truncatedFile(file: string, b: BadRow): DataError {
  return new DataError(
    { file, row: b.row, line: b.line, column: b.column },
    `a complete last row (${b.expected})`,
    `${b.found} where the file ends, with no line break after it: the file looks cut short (truncated), so nothing was loaded`,
  );
}

/** Default of the Data cell's "minimum share of rows kept" (a load that keeps less is a failure). */
export const MIN_KEPT_SHARE = 0.5;

/**
 * Throws a DataError when a load under "skip bad rows" keeps nothing, or less than `minShare`
 * (0..1) of a file's rows: such a file is wrong as a whole (every price negative, every date
 * in another format), and loading what is left would silently replace a good dataset.
 */
export function enforceKeptShare(bad: BadRows, kept: number, minShare: number = MIN_KEPT_SHARE): void {
  const total = kept + bad.count;
  if (total === 0) throw new DataError({ file: bad.file }, 'at least one row', 'no rows');
  if (kept > 0 && kept / total >= minShare) return;
  const first = bad.examples[0];
  const pct = (x: number) => `${(100 * x).toFixed(x > 0 && x < 0.01 ? 2 : 0)}%`;
  throw new DataError(
    first ? { file: bad.file, row: first.row, line: first.line, column: first.column } : { file: bad.file },
    kept === 0 ? 'at least one valid row' : `at least ${pct(minShare)} of the rows to be valid`,
    `${bad.count} bad row${bad.count === 1 ? '' : 's'} of ${total} (${kept} kept, ${pct(kept / total)})${first ? `; the first: expected ${first.expected}, found ${first.found}` : ''}. Nothing was loaded`,
  );
}

/** Quotes a found value for messages, shortened so a 3 MB line does not end up in the UI. */
export function shown(value: string | null | undefined): string {
  if (value === null || value === undefined) return 'nothing';
  if (value === '') return 'an empty value';
  const v = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return JSON.stringify(v);
}
