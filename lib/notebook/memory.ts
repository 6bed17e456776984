/**
 * Pre-flight memory estimates of the model cells: before a cell starts its
 * heavy work on a dataset, its peak is estimated from the dataset's sizes
 * (rows, customers, articles, factors, buyers per week...), part by part,
 * and a cell whose estimate exceeds its budget (or whose WebAssembly kernel
 * would exceed WebAssembly's 4 GiB memory) fails with the estimate and its
 * inputs instead of taking the tab down.
 *
 * Typed arrays are counted exactly from the code that allocates them (the
 * unit tests hold those parts to the bytes the real code allocates). JS
 * objects, strings, arrays of numbers and Sets are counted with per-object
 * constants (V8 on 64-bit with pointer compression, rounded up): those parts
 * are approximate, and the hm-scale measurement (scripts/measure-demo-hm-scale.mjs)
 * compares the totals with the browser's measured peak per cell.
 */
import { kernelHeaderBytes } from '../cf/wasm/layout';
import { CellFailure } from './types';

/** WebAssembly memory (32-bit) holds at most 65,536 pages of 64 KiB. */
export const WASM_MEMORY_LIMIT = 65_536 * 65_536;
/** Default budget of a cell (MiB): the tab's goal at H&M scale is a peak under 4 GB. */
export const DEFAULT_BUDGET_MB = 4096;
const PAGE = 65_536;

/** V8 sizes used for JS objects (bytes, rounded up). */
export const JS = {
  /** A one-byte string: header plus characters, and the slot that refers to it. */
  string: (chars: number) => 16 + Math.ceil(chars / 8) * 8 + 8,
  /** A number in a JS array (a double or a tagged slot). */
  arraySlot: 8,
  /** An empty array or plain object (header, elements pointer). */
  object: 32,
  /** A Set: its object plus an initial hash table. */
  set: 128,
  /** One entry of a Set of small integers (hash table slot, chain, entry). */
  setEntry: 24,
  /** One entry of a Map with number keys and values (slot, chain, key, value; a key past 2^30 is a heap number). */
  mapEntry: 40,
} as const;

export interface MemoryPart {
  what: string;
  bytes: number;
  /** Inside a WebAssembly memory (counts against WASM_MEMORY_LIMIT too). */
  wasm?: boolean;
}

export interface MemoryEstimate {
  cell: string;
  /** The sizes the estimate is computed from. */
  inputs: Record<string, number>;
  parts: MemoryPart[];
  /** Sum of the parts (bytes). */
  total: number;
  /** Largest single WebAssembly memory among the parts (bytes). */
  wasm: number;
  /** Most entries one JS Map may need (checked against V8_MAP_LIMIT); absent when the cell keys no Map by pairs. */
  mapEntries?: number;
}

function estimate(cell: string, inputs: Record<string, number>, parts: MemoryPart[], mapEntries?: number): MemoryEstimate {
  for (const p of parts) if (!(Number.isFinite(p.bytes) && p.bytes >= 0)) throw new Error(`invalid memory part ${p.what}: ${p.bytes} bytes; expected a finite number ≥ 0`);
  const total = parts.reduce((s, p) => s + p.bytes, 0);
  const wasm = Math.max(0, ...parts.filter((p) => p.wasm).map((p) => p.bytes));
  return { cell, inputs, parts, total, wasm, ...(mapEntries === undefined ? {} : { mapEntries }) };
}

const align16 = (b: number) => Math.ceil(b / 16) * 16;

/** Sizes of the dataset a model cell reads. */
export interface LogSizes {
  /** Interaction rows. */
  rows: number;
  /** Customers (dense user ids). */
  users: number;
  /** Articles (dense item ids). */
  items: number;
}

/** The interaction log the Data cell holds: user, item, day (Int32), value (Float32), channel (Uint8), and the key strings. */
export function logBytes(s: LogSizes, keyChars = { user: 64, item: 10 }): number {
  return s.rows * 17 + s.users * JS.string(keyChars.user) + s.items * JS.string(keyChars.item);
}

/** Sizes of an ALS fit. */
export interface AlsSizes {
  /** Rows of the confidence matrix (customers) and its columns (articles). */
  users: number;
  items: number;
  /** Non-zero (customer, article) pairs. */
  nnz: number;
  factors: number;
  /** Kernel threads (each has its Gram blocks and scratch). */
  threads: number;
}

/**
 * The SIMD kernel's WebAssembly memory for one fit (lib/cf/wasm/kernel.ts `matrices`): its header (YᵀY, the Gram
 * slots, per-thread scratch, the counters), the users×items CSR and its transpose (indptr, indices, confidence), both factor
 * matrices and the chunk table, plus the two spare pages it reserves, rounded up to whole pages.
 */
export function alsKernelBytes(s: AlsSizes): number {
  const k = s.factors;
  let at = kernelHeaderBytes(k, s.threads);
  for (const b of [(s.users + 1) * 4, s.nnz * 4, s.nnz * 4, (s.items + 1) * 4, s.nnz * 4, s.nnz * 4, (s.users + s.items) * k * 4, (Math.max(s.users, s.items) + 2) * 4]) at += align16(b);
  return Math.ceil((at + 2 * PAGE) / PAGE) * PAGE;
}

/**
 * The ALS cell (lib/cf through the ML worker): the kernel's memory, the weights CSR handed to the worker, the
 * factors in the worker, their copy for the browser cache and the model the page gets back; on the page the
 * training split (a copy of the log's columns) that `prepareInteractions` reads.
 */
export function alsEstimate(log: LogSizes, s: AlsSizes): MemoryEstimate {
  return estimate('ALS', { ...log, nnz: s.nnz, factors: s.factors, threads: s.threads }, [
    { what: 'the interaction log (Data cell)', bytes: logBytes(log) },
    { what: 'training split and weights on the page', bytes: log.rows * 16 + (s.users + 1) * 4 + s.nnz * 8 },
    { what: 'WebAssembly kernel: both CSRs, factors, Gram blocks', bytes: alsKernelBytes(s), wasm: true },
    { what: 'the model (factors, seen pairs) in the worker, in the browser cache write, and on the page', bytes: 3 * alsModelBytes(s) },
  ]);
}

/** A fitted model (lib/cf/model.ts AlsSaved): both factor matrices and the CSR of the pairs it was trained on. */
export function alsModelBytes(s: Pick<AlsSizes, 'users' | 'items' | 'nnz' | 'factors'>): number {
  return (s.users + s.items) * s.factors * 4 + (s.users + 1) * 4 + s.nnz * 4;
}

/**
 * The Graph cell: PURCHASED folded into columns (lib/graph/purchases.ts: the sort order, its sort's copy, and six
 * columns per relationship, at most one per row), and the customer and product rows as objects.
 */
export function graphEstimate(log: LogSizes): MemoryEstimate {
  return estimate('Graph', { ...log }, [
    { what: 'the interaction log (Data cell)', bytes: logBytes(log) },
    { what: 'PURCHASED columns (customer, product, day, channel, quantity, price)', bytes: log.rows * (5 * 4 + 8) },
    { what: 'sort order of the rows and the sort\'s copy', bytes: log.rows * (4 + JS.arraySlot) },
    { what: 'customer rows (one object each)', bytes: log.users * (JS.object + 4 * JS.arraySlot) },
    { what: 'product rows (one object each)', bytes: log.items * (JS.object + 16 * JS.arraySlot) },
  ]);
}

/** Purchase history per customer as lib/recs/history.ts historyBefore keeps it: indptr and one Int32 per distinct pair. */
export function historyBytes(users: number, pairs: number): number {
  return (users + 1) * 4 + pairs * 4;
}

/** What historyBefore allocates besides what it keeps, while it runs: the rows bucketed by customer, the bucket cursors, an item stamp. */
export function historyBuildBytes(log: LogSizes): number {
  return log.rows * 4 + log.users * 4 + log.items * 4;
}

/**
 * The in-memory co-purchase scorer (lib/recs/copurchase.ts): the buyers of every item (the history inverted), its scratch
 * (per customer: a stamp and the co-purchaser list; per item: stamp, own stamp, score, touched, key rank, cache slot) and
 * at most `cachedItems` cached popular items (a bitset of their buyers, a count per item, the items counted).
 */
export function coPurchaseBytes(users: number, items: number, pairs: number, cachedItems: number): number {
  return (items + 1) * 4 + pairs * 4 + users * 8 + items * 24 + cachedItems * (Math.ceil(users / 32) * 4 + items * 8);
}

/** Sizes of the Hybrid cell's run. */
export interface HybridSizes {
  /** Distinct (customer, article) pairs (at most the rows). */
  pairs: number;
  factors: number;
  /** Image neighbours per article (0: the dataset has no photos). */
  neighbours: number;
  /** List length (12). */
  k: number;
  /** Popular items the co-purchase scorer caches (lib/recs COPURCHASE_CACHED_ITEMS). */
  cachedItems: number;
}

/**
 * The Hybrid cell: the history on the page (typed; the transient of building it counted once, the page's and the
 * worker's are built one after the other), the packed log (a copy of its columns) and its unpacked history, the
 * co-purchase scorer and the ALS model in the worker, the lists (typed in the worker, objects on the page).
 */
export function hybridEstimate(log: LogSizes, s: HybridSizes): MemoryEstimate {
  return estimate('Hybrid', { ...log, pairs: s.pairs, factors: s.factors, neighbours: s.neighbours }, [
    { what: 'the interaction log (Data cell)', bytes: logBytes(log) },
    { what: 'purchase history on the page, and building one', bytes: historyBytes(log.users, s.pairs) + historyBuildBytes(log) },
    { what: 'packed log and catalogue for the worker', bytes: log.rows * 16 + log.items * 16 + log.items * s.neighbours * 8 * 2 },
    { what: 'history, keys and ALS factors in the worker', bytes: historyBytes(log.users, s.pairs) + log.users * JS.string(8) + 2 * (log.users + log.items) * s.factors * 4 },
    { what: 'co-purchase scorer in the worker: buyers, scratch, cached popular items', bytes: coPurchaseBytes(log.users, log.items, s.pairs, s.cachedItems) },
    { what: 'lists: typed in the worker, objects on the page', bytes: log.users * s.k * 5 + log.users * (3 * JS.object + 2 * s.k * JS.arraySlot) },
  ]);
}

/**
 * Candidates per buyer the Evaluate cell's estimate counts: the two-stage's sources overlap, so a buyer gets fewer than the
 * sum of the per-source limits (324). Measured: about 175 on the H&M sample (lib/recs/twostage/candidates.ts) and
 * 151.4 on the default demo (bench/node/evaluate-demo.ts, seed 42); the larger is used.
 */
export const CANDIDATES_PER_BUYER = 175;

/** V8's most entries in one Map (2^24): the two-stage context keys a Map by (customer, article) pair. */
export const V8_MAP_LIMIT = 2 ** 24;

/** Sizes of the Evaluate cell's backtest. */
export interface EvaluateSizes {
  /** Buyers in each labelled week (the ranker's training weeks before the first cutoff, then the test weeks), in day order. */
  buyersPerWeek: readonly number[];
  /** Purchase rows in each of those weeks (a bound on the week's positives). */
  rowsPerWeek: readonly number[];
  /** The ranker's training weeks per cutoff, and the share of negatives it keeps. */
  trainWeeks: number;
  negativeRate: number;
  /** Most training rows per cutoff (Infinity: no cap); a week keeps at most its share. */
  maxTrainRows: number;
  /** The last `testWeeks` entries of `buyersPerWeek` are the test weeks. */
  testWeeks: number;
  /** Buyers whose candidates are made together (lib/recs/twostage/pipeline CANDIDATE_CHUNK). */
  chunk: number;
  /** Candidates per buyer (the two-stage's sources together). */
  candidatesPerBuyer: number;
  /** Candidate sources (rank and score columns) and features per candidate row. */
  sources: number;
  features: number;
  /** Distinct (customer, article) pairs (at most the rows). */
  pairs: number;
  /** Strategies scored. */
  strategies: number;
  /** The backtest's ALS factors and its kernel threads. */
  factors: number;
  threads: number;
}

/** Bytes of one candidate set with its features and labels (lib/recs/twostage: items, rank and score per source, features, label). */
export function weekBytes(buyers: number, candidatesPerBuyer: number, sources: number, features: number): number {
  const rows = buyers * candidatesPerBuyer;
  return rows * (4 + 2 * sources * 4 + features * 4 + 4) + (buyers + 1) * 4;
}

/** Bytes of training rows (lib/recs/twostage/pipeline `trainingRows`): features as float32, the label, one group size per customer. */
export function trainingRowsBytes(rows: number, groups: number, features: number): number {
  return rows * (features * 4 + 4) + groups * 4;
}

/** A bound on a labelled week's training rows: its positives (at most its purchase rows) and the sampled share of the rest. */
export function trainingRowsBound(buyers: number, rows: number, candidatesPerBuyer: number, negativeRate: number): number {
  const candidates = buyers * candidatesPerBuyer;
  return Math.min(candidates, Math.ceil(rows + negativeRate * candidates));
}

/** lib/gbdt's `trainGbdt` per training row: the binned row (one byte a feature), scores, gradients, hessians, row lists. */
export function gbdtRowBytes(features: number): number {
  return features + 3 * 8 + 5 * 4;
}

/**
 * The Evaluate cell, streamed (lib/recs/evaluate/run.ts): the packed log in the worker; one cutoff at a time with its
 * as-of view (a copy of the rows before the cutoff and the history; the explainer and the labelled week share it), one two-stage
 * context (per-article and per-customer arrays, Maps by (customer, article), (customer, product) and (customer,
 * department)), one ALS fit (kernel and model), the training blocks of the ranker's window, their concatenation and
 * the boosting's per-row arrays, one chunk of candidates, the per-customer scores of every strategy and test week,
 * and the submission (typed lists, then one CSV line per customer).
 */
export function evaluateEstimate(log: LogSizes, s: EvaluateSizes): MemoryEstimate {
  const n = s.buyersPerWeek.length;
  if (s.rowsPerWeek.length !== n) throw new Error(`invalid rowsPerWeek: ${s.rowsPerWeek.length} weeks; expected ${n} as buyersPerWeek`);
  // A week's rows: the bound, at most its share of the cap (plus its positives, which the cap keeps: at most its purchase rows).
  const share = Math.floor(s.maxTrainRows / s.trainWeeks);
  const blockRows = s.buyersPerWeek.map((b, w) => Math.min(trainingRowsBound(b, s.rowsPerWeek[w], s.candidatesPerBuyer, s.negativeRate), Math.max(share, s.rowsPerWeek[w])));
  const blockBytes = blockRows.map((rows, w) => trainingRowsBytes(rows, s.buyersPerWeek[w], s.features));
  // The largest window of trainWeeks consecutive labelled weeks (a cutoff's ranker trains on one).
  let window = 0;
  let windowRows = 0;
  for (let w = 0; w + Math.min(s.trainWeeks, n) <= n; w++) {
    const end = Math.min(n, w + s.trainWeeks);
    window = Math.max(window, blockBytes.slice(w, end).reduce((a, b) => a + b, 0));
    windowRows = Math.max(windowRows, blockRows.slice(w, end).reduce((a, b) => a + b, 0));
  }
  const busiest = Math.max(0, ...s.buyersPerWeek);
  const testBuyers = s.buyersPerWeek.slice(n - s.testWeeks).reduce((a, b) => a + b, 0);
  const chunk = Math.min(s.chunk, busiest);
  const chunkRows = chunk * s.candidatesPerBuyer;
  const als = alsEstimate(log, { users: log.users, items: log.items, nnz: s.pairs, factors: s.factors, threads: s.threads });
  const view = log.rows * (17 + 2) + historyBytes(log.users, s.pairs) + log.items * 40;
  const context = log.items * 40 * 8 + log.users * 4 * 8 + 5 * s.pairs * JS.mapEntry;
  return estimate(
    'Evaluate',
    {
      ...log, weeks: n, buyers: s.buyersPerWeek.reduce((a, b) => a + b, 0), busiestWeek: busiest, trainWeeks: s.trainWeeks, negativeRate: s.negativeRate, maxTrainRows: s.maxTrainRows,
      chunk: s.chunk, candidatesPerBuyer: s.candidatesPerBuyer, features: s.features, pairs: s.pairs, factors: s.factors,
    },
    [
      { what: 'the interaction log (Data cell)', bytes: logBytes(log) },
      { what: 'packed log in the worker', bytes: log.rows * 16 + log.items * 16 },
      { what: 'one as-of view (rows before the cutoff, history)', bytes: view },
      { what: 'one two-stage context (arrays, Maps by customer and article)', bytes: context },
      { what: 'one ALS fit: WebAssembly kernel', bytes: alsKernelBytes({ users: log.users, items: log.items, nnz: s.pairs, factors: s.factors, threads: s.threads }), wasm: true },
      { what: 'one ALS fit: training split, weights and the model', bytes: als.parts[1].bytes + alsModelBytes({ users: log.users, items: log.items, nnz: s.pairs, factors: s.factors }) },
      { what: `training blocks of ${Math.min(s.trainWeeks, n)} labelled weeks and their concatenation`, bytes: 2 * window },
      { what: 'boosting the ranker (binned rows, scores, gradients)', bytes: windowRows * gbdtRowBytes(s.features) },
      { what: `one chunk of candidates (${chunk} buyers: typed rows and the JS arrays they are made from)`, bytes: weekBytes(chunk, s.candidatesPerBuyer, s.sources, s.features) + chunkRows * (1 + 2 * s.sources) * JS.arraySlot },
      { what: `per-customer scores of ${s.strategies} strategies over ${s.testWeeks} test weeks, one week's lists`, bytes: s.strategies * testBuyers * 3 * 8 + 3 * testBuyers * 8 + busiest * (JS.object + 12 * JS.arraySlot) },
      { what: 'submission: lists and CSV text', bytes: log.users * 12 * 4 + log.users * (64 + 12 * 11 + 2) * 2 },
    ],
    s.pairs,
  );
}

/** Bytes in GiB (two decimals), or in MiB under 1 GiB. */
export const formatBytes = (b: number): string => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);
const gb = formatBytes;
const num = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en') : String(Number(n.toPrecision(4))));

/** The estimate in words: total, then its parts, then the inputs. */
export function describeEstimate(e: MemoryEstimate): string {
  const parts = [...e.parts].sort((a, b) => b.bytes - a.bytes).map((p) => `${p.what} ${gb(p.bytes)}`).join('; ');
  const inputs = Object.entries(e.inputs).map(([k, v]) => `${k} ${num(v)}`).join(', ');
  return `${e.cell} needs about ${gb(e.total)} (${parts}) for ${inputs}`;
}

/**
 * Throws a CellFailure, before the cell starts its heavy work, when the estimate exceeds the budget (bytes) or its
 * WebAssembly memory exceeds WebAssembly's limit; otherwise returns a one-line summary for the cell's log.
 */
export function checkMemory(e: MemoryEstimate, budgetBytes: number, hint: string): string {
  if (!(budgetBytes > 0)) throw new Error(`invalid memory budget: ${budgetBytes} bytes; expected a number > 0`);
  const said = describeEstimate(e);
  if (e.wasm > WASM_MEMORY_LIMIT) {
    throw new CellFailure(
      `Not started: ${said}; its WebAssembly memory alone would be ${gb(e.wasm)}, over WebAssembly's limit of ${gb(WASM_MEMORY_LIMIT)}.`,
      hint,
    );
  }
  if (e.mapEntries !== undefined && e.mapEntries > V8_MAP_LIMIT) {
    throw new CellFailure(
      `Not started: ${said}; it keys a JavaScript Map by (customer, article) pair, and up to ${num(e.mapEntries)} pairs are over V8's limit of ${num(V8_MAP_LIMIT)} entries in one Map.`,
      hint,
    );
  }
  if (e.total > budgetBytes) {
    throw new CellFailure(`Not started: ${said}, over the memory budget of ${gb(budgetBytes)}.`, `${hint} Or raise "memory budget (MB)" if this browser has the memory.`);
  }
  return `memory estimate: ${gb(e.total)} of the ${gb(budgetBytes)} budget (WebAssembly ${gb(e.wasm)})`;
}

/**
 * Buyers (distinct customers) and purchase rows in each week starting at `starts` (days; 7 days each). One pass over the
 * rows; buyers are exact when the rows are in day order (the Data cell sorts them), an upper bound otherwise.
 */
export function weekSizes(log: { user: ArrayLike<number>; day: ArrayLike<number>; nUsers: number }, starts: readonly number[]): { buyers: number[]; rows: number[] } {
  const weeks = [...new Set(starts)].sort((a, b) => a - b);
  if (weeks.length === 0) return { buyers: [], rows: [] };
  const buyers = new Map(weeks.map((w) => [w, 0]));
  const rows = new Map(weeks.map((w) => [w, 0]));
  const last = new Float64Array(log.nUsers).fill(NaN);
  const lo = weeks[0];
  for (const w of weeks) if ((w - lo) % 7 !== 0) throw new Error(`invalid week start: ${w}; expected whole weeks from ${lo}`);
  for (let r = 0; r < log.user.length; r++) {
    const d = log.day[r];
    if (d < lo) continue;
    // The latest week start ≤ d that is one of `weeks` and contains d.
    const w = lo + Math.floor((d - lo) / 7) * 7;
    if (!rows.has(w)) continue;
    rows.set(w, rows.get(w)! + 1);
    const u = log.user[r];
    if (last[u] === w) continue;
    last[u] = w;
    buyers.set(w, buyers.get(w)! + 1);
  }
  return { buyers: starts.map((s) => buyers.get(s) ?? 0), rows: starts.map((s) => rows.get(s) ?? 0) };
}

/** Buyers (distinct customers) in each week starting at `starts` (see `weekSizes`). */
export function buyersInWeeks(log: { user: ArrayLike<number>; day: ArrayLike<number>; nUsers: number }, starts: readonly number[]): number[] {
  return weekSizes(log, starts).buyers;
}
