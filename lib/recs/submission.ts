/**
 * The Kaggle submission file of the H&M competition:
 * `customer_id,prediction` with up to 12 space-separated 10-digit article ids
 * per customer, one row for every customer.
 */
import { RecsInputError } from './types';

/** The header Kaggle expects. */
export const SUBMISSION_HEADER = 'customer_id,prediction';

/** An item key as a 10-digit article id: digits only, zero-padded (H&M keys already are). */
export function articleId10(key: string): string {
  if (!/^\d{1,10}$/.test(key)) throw new RecsInputError(`invalid article id: ${JSON.stringify(key)}; expected 1 to 10 digits`);
  return key.padStart(10, '0');
}

/**
 * The submission CSV. `listOf(c)` gives customer c's ranked item ids (dense)
 * or undefined for a customer without recommendations; missing slots are
 * filled from `fallback` (popularity), skipping duplicates, up to k.
 * Customer ids must not contain commas or line breaks.
 */
export function submissionCsv(
  customers: readonly string[],
  listOf: (c: number) => ArrayLike<number> | undefined,
  itemKeys: readonly string[],
  fallback: readonly number[],
  k = 12,
): string {
  if (!(Number.isInteger(k) && k >= 1)) throw new RecsInputError(`invalid k: ${k}; expected a whole number ≥ 1`);
  const ids = itemKeys.map((key) => articleId10(key));
  const lines = [SUBMISSION_HEADER];
  for (let c = 0; c < customers.length; c++) {
    const id = customers[c];
    if (!id || /[,\r\n"]/.test(id)) throw new RecsInputError(`invalid customer id at row ${c}: ${JSON.stringify(id)}; expected a non-empty id without commas, quotes or line breaks`);
    const picked: number[] = [];
    const used = new Set<number>();
    const take = (items: ArrayLike<number>) => {
      for (let j = 0; j < items.length && picked.length < k; j++) {
        const i = items[j];
        if (!(i >= 0 && i < ids.length)) throw new RecsInputError(`invalid item id for customer ${id}: ${i}; expected 0..${ids.length - 1}`);
        if (used.has(i)) continue;
        used.add(i);
        picked.push(i);
      }
    };
    take(listOf(c) ?? []);
    take(fallback);
    lines.push(`${id},${picked.map((i) => ids[i]).join(' ')}`);
  }
  return lines.join('\n') + '\n';
}

/** One row of a submission that breaks the format, with the reason. */
export interface SubmissionProblem {
  line: number;
  reason: string;
}

/** Checks a submission text: the header, then `id,<1..k 10-digit ids>` rows with distinct ids per row. */
export function checkSubmission(text: string, k = 12): { rows: number; problems: SubmissionProblem[] } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const problems: SubmissionProblem[] = [];
  if (lines[0] !== SUBMISSION_HEADER) problems.push({ line: 1, reason: `header is ${JSON.stringify(lines[0])}; expected ${SUBMISSION_HEADER}` });
  const row = new RegExp(`^[^,]+,\\d{10}( \\d{10}){0,${k - 1}}$`);
  const seen = new Set<string>();
  for (let l = 1; l < lines.length; l++) {
    const line = lines[l];
    if (!row.test(line)) {
      problems.push({ line: l + 1, reason: `expected customer_id,<1 to ${k} space-separated 10-digit ids>` });
      continue;
    }
    const [id, pred] = line.split(',');
    const items = pred.split(' ');
    if (new Set(items).size !== items.length) problems.push({ line: l + 1, reason: 'an article id repeats' });
    if (seen.has(id)) problems.push({ line: l + 1, reason: `customer ${id} repeats` });
    seen.add(id);
  }
  return { rows: lines.length - 1, problems };
}
