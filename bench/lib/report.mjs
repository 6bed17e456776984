// One contract for every benchmark figure (../shared/BENCH.md): one JSON line
// per figure on stdout, and the whole run in bench/results/NAME.json.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const figures = [];

/** "2 cores, no GPU" style description of this machine. */
export function machine() {
  const cores = os.cpus().length;
  return `${cores} core${cores === 1 ? '' : 's'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, no GPU`;
}

/**
 * Prints one figure. `ours` and `peer_value` are numbers (peer_value null when
 * there is no peer); `better` is 'lower' or 'higher'. The ratio is ours/peer.
 */
export function report(fig) {
  const { bench, figure, ours, better } = fig;
  if (!bench || !figure) throw new Error(`invalid figure: ${JSON.stringify(fig)}; expected bench and figure names`);
  if (typeof ours !== 'number' || !Number.isFinite(ours)) throw new Error(`invalid ours for ${bench}/${figure}: ${ours}; expected a finite number`);
  if (better !== 'lower' && better !== 'higher') throw new Error(`invalid better for ${bench}/${figure}: ${better}; expected lower or higher`);
  const peerValue = typeof fig.peer_value === 'number' && Number.isFinite(fig.peer_value) ? fig.peer_value : null;
  const line = {
    bench,
    figure,
    dataset: fig.dataset ?? null,
    size: fig.size ?? null,
    ours: round(ours),
    peer: fig.peer ?? null,
    peer_value: peerValue === null ? null : round(peerValue),
    ratio: peerValue ? round(ours / peerValue) : null,
    better,
    ...(fig.model ? { model: fig.model } : {}),
    ...(fig.backend ? { backend: fig.backend } : {}),
    ...(fig.variant ? { variant: fig.variant } : {}),
    ...(fig.strategy ? { strategy: fig.strategy } : {}),
    ...(fig.baseline ? { baseline: fig.baseline, baseline_value: round(fig.baseline_value), diff_ci: fig.diff_ci ? fig.diff_ci.map(round) : null } : {}),
    ...(fig.threads ? { threads: fig.threads } : {}),
    ...(fig.note ? { note: fig.note } : {}),
    runs: fig.runs ?? null,
    machine: machine(),
  };
  figures.push(line);
  console.log(JSON.stringify(line));
  return line;
}

/** Writes bench/results/NAME.json with every figure printed so far by this bench. */
export function writeResults(bench) {
  const dir = path.join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const mine = figures.filter((f) => f.bench === bench);
  writeFileSync(path.join(dir, `${bench}.json`), JSON.stringify({ bench, at: new Date().toISOString(), machine: machine(), figures: mine }, null, 2));
  return mine;
}

/** All figures printed in this process. */
export const allFigures = () => figures.slice();

export function median(xs) {
  if (!xs.length) throw new Error('median of no values');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs ours and the peer alternately: one warm-up each, then `runs` timed
 * rounds. Each function returns the figure (e.g. seconds). Returns medians.
 */
export async function alternate({ ours, peer, runs = 3, warmup = 1 }) {
  for (let i = 0; i < warmup; i++) {
    await ours(true);
    if (peer) await peer(true);
  }
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    a.push(await ours(false));
    if (peer) b.push(await peer(false));
  }
  return { ours: median(a), peer: peer ? median(b) : null, oursRuns: a, peerRuns: b };
}

function round(x) {
  if (x === 0 || !Number.isFinite(x)) return x;
  const digits = Math.max(0, 4 - Math.ceil(Math.log10(Math.abs(x))));
  return Number(x.toFixed(Math.min(digits, 12)));
}

/** Shared command-line flags: --quick. */
export const args = {
  quick: process.argv.includes('--quick'),
};

/** The datasets folder (DATA_DIR or ../shared/data), or null when absent. */
export function dataDir() {
  const d = process.env.DATA_DIR ?? path.resolve(root, '..', 'shared', 'data');
  return existsSync(d) ? d : null;
}

export { root };
