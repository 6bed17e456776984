/**
 * Errors about input data. Every message names the file, the row or column
 * where that applies, what was expected and what was found, so a person can
 * fix the file without opening a debugger.
 */

/** Where in a file a problem is. Rows are 1-based data rows (the header is row 0). */
export interface DataLocation {
  file: string;
  row?: number;
  column?: string;
}

/** A fatal problem with an input file (the load stops; what was loaded before stays). */
export class DataError extends Error {
  readonly file: string;
  readonly row?: number;
  readonly column?: string;
  readonly expected: string;
  readonly found: string;

  constructor(at: DataLocation, expected: string, found: string) {
    super(`${describeLocation(at)}: expected ${expected}, found ${found}`);
    this.name = 'DataError';
    this.file = at.file;
    this.row = at.row;
    this.column = at.column;
    this.expected = expected;
    this.found = found;
  }
}

/** "articles.csv, row 12, column article_id" */
export function describeLocation(at: DataLocation): string {
  const parts = [at.file];
  if (at.row !== undefined) parts.push(`row ${at.row}`);
  if (at.column !== undefined) parts.push(`column ${at.column}`);
  return parts.join(', ');
}

/** One rejected row, kept as an example for the person to look at. */
export interface BadRow {
  row: number;
  column: string;
  expected: string;
  found: string;
}

/** Bad rows of one file: how many and the first few. */
export interface BadRows {
  file: string;
  count: number;
  examples: BadRow[];
}

/** What to do with bad rows: drop them and go on, or stop the load. */
export type BadRowPolicy = 'skip' | 'abort';

/** Renders one example as a sentence. */
export function describeBadRow(file: string, b: BadRow): string {
  return `${describeLocation({ file, row: b.row, column: b.column })}: expected ${b.expected}, found ${b.found}`;
}

/** Collects bad rows, keeping at most `maxExamples` examples. */
export class BadRowCollector {
  count = 0;
  readonly examples: BadRow[] = [];
  constructor(
    readonly file: string,
    private readonly maxExamples = 5,
  ) {}

  add(b: BadRow): void {
    this.count++;
    if (this.examples.length < this.maxExamples) this.examples.push(b);
  }

  result(): BadRows {
    return { file: this.file, count: this.count, examples: this.examples.slice() };
  }
}

/** Throws a DataError for the first bad row when the policy is `abort` and any row was bad. */
export function enforceBadRowPolicy(bad: BadRows, policy: BadRowPolicy): void {
  if (policy === 'skip' || bad.count === 0) return;
  const first = bad.examples[0];
  throw new DataError(
    { file: bad.file, row: first.row, column: first.column },
    first.expected,
    `${first.found} (${bad.count} bad row${bad.count === 1 ? '' : 's'} in all; choose "skip bad rows" to load the rest)`,
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
    first ? { file: bad.file, row: first.row, column: first.column } : { file: bad.file },
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
