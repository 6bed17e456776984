/**
 * npm run notebook -- run NOTEBOOK.json [--data DIR] [--duckdb PATH] [--report out.html] [--json out.json] [--out notebook.json] [--skip CELL,...] [--backend cpu|wasm] [--check]
 *
 * Runs the notebook's cells headless (see run.ts for which), prints progress
 * with rate and ETA, compares each cell's figures with the saved ones, and
 * writes the metrics JSON (the browser export's shape), the HTML report and
 * the updated notebook file. It runs under the `react-server` export condition
 * (`npm run notebook` passes it): the Graph cell's server actions reach
 * lib/graph/server, which is guarded by 'server-only'. Exit codes: 0 ok; 1 a cell failed (its message
 * is printed); 2 bad arguments or notebook file; 3 with --check, a figure
 * differs from the saved one beyond the tolerance rule.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { TOLERANCE_RULE } from '@/lib/notebook/compare';
import { metricsJson } from '@/lib/notebook/export';
import { parseNotebookFile } from '@/lib/notebook/file';
import { reportHtml } from '@/lib/notebook/report';
import { CELL_TITLES, isImageFigure, NOT_HEADLESS, runNotebook } from './run';

const USAGE = 'usage: npm run notebook -- run NOTEBOOK.json [--data DIR] [--duckdb PATH] [--report out.html] [--json out.json] [--out notebook.json] [--skip CELL,...] [--backend cpu|wasm] [--check]';

function parseArgs(argv: string[]) {
  const [command, notebook, ...rest] = argv;
  if (command !== 'run' || !notebook) throw new Error(USAGE);
  const opts: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--check') opts.check = true;
    else if (['--data', '--duckdb', '--report', '--json', '--out', '--skip', '--backend'].includes(a) && rest[i + 1] && !rest[i + 1].startsWith('--')) opts[a.slice(2)] = rest[++i];
    else throw new Error(`invalid argument: ${a}\n${USAGE}`);
  }
  const str = (k: string) => (typeof opts[k] === 'string' ? (opts[k] as string) : undefined);
  const backend = str('backend') ?? 'cpu';
  if (backend !== 'cpu' && backend !== 'wasm') throw new Error(`invalid --backend: ${backend}; expected cpu or wasm\n${USAGE}`);
  return { backend: backend as 'cpu' | 'wasm', notebook, data: str('data'), duckdb: str('duckdb'), report: str('report'), json: str('json'), out: str('out'), skip: str('skip')?.split(',').map((x) => x.trim()).filter(Boolean) ?? [], check: opts.check === true };
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(args.notebook, 'utf8');
  } catch (err) {
    console.error(`cannot read ${args.notebook}: ${(err as Error).message}`);
    return 2;
  }
  const parsed = parseNotebookFile(text);
  if (!parsed.ok) {
    console.error(`${args.notebook}: ${parsed.error}`);
    return 2;
  }
  const ds = parsed.file.dataset;
  console.log(`notebook ${args.notebook}: saved ${parsed.file.savedAt} by ${parsed.file.app.name} ${parsed.file.app.version}, seed ${parsed.file.seed}${ds ? `, dataset ${ds.name}` : ''}`);
  const result = await runNotebook(parsed.file, { dataDir: args.data ?? null, duckdbPath: args.duckdb, skip: args.skip, backend: args.backend, onLine: (l) => console.log(l) });
  for (const s of result.skipped) console.log(`- skipped ${s.title}: ${s.cell in NOT_HEADLESS ? `not available headless (${s.why})` : s.why}`);
  if (result.failure) {
    console.error(`✗ ${result.failure.cell} failed: ${result.failure.message}${result.failure.hint ? `\n  ${result.failure.hint}` : ''}`);
    return 1;
  }
  let different = 0;
  for (const [id, c] of result.comparisons) {
    console.log(`compare ${id}: ${c.verdict}`);
    const image = c.figures.filter((f) => f.verdict === 'not compared' && isImageFigure(id, f.name)).length;
    if (image) console.log(`    ${image} figures of strategies that read image neighbours (seed-hybrid, hybrid, two-stage) not judged: Image embeddings did not run`);
    for (const f of c.figures) if (f.verdict === 'different' || f.verdict === 'within tolerance') console.log(`    ${f.name}: saved ${f.saved ?? '(absent)'}, now ${f.current ?? '(absent)'} → ${f.verdict}`);
    if (c.verdict === 'different') different++;
  }
  if (result.comparisons.size) console.log(`tolerance rule: ${TOLERANCE_RULE}`);
  if (ds && result.file.dataset && ds.fingerprint !== result.file.dataset.fingerprint) {
    console.log(`note: this notebook was made with ${ds.name} (fingerprint ${ds.fingerprint.slice(0, 12)}); the loaded data (${result.file.dataset.name}, ${result.file.dataset.fingerprint.slice(0, 12)}) differs`);
  }
  if (args.json) writeFileSync(args.json, JSON.stringify(metricsJson(result.file), null, 1) + '\n');
  if (args.report) writeFileSync(args.report, reportHtml(result.file, CELL_TITLES));
  if (args.out) writeFileSync(args.out, JSON.stringify(result.file, null, 1) + '\n');
  return args.check && different > 0 ? 3 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.stack ?? String(err));
    process.exit(1);
  },
);
