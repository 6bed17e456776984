/**
 * The ALS training loop, shared by every solver: seeded initial factors,
 * alternating half-steps (users, then items), a divergence check after each,
 * and the loss per iteration.
 */
import { nnz, transposeCsr, type Csr } from '../data/csr';
import { yieldToEventLoop } from './cg';
import { throwIfAborted } from '../util/cancel';
import { alsLoss } from './loss';
import { maxAbs } from './linalg';
import { mulberry32 } from '../util/random';
import { AlsModel } from './model';
import { AlsDivergedError, CfInputError, validateAlsParams, type AlsParams, type AlsSolver } from './types';
import { confidenceFromWeights } from './weights';

/** Factor magnitude above which a fit counts as diverged. */
export const DIVERGENCE_LIMIT = 1e6;

export interface IterationInfo {
  /** 1-based. */
  iteration: number;
  iterations: number;
  /** `alsLoss` after the iteration (NaN when `computeLoss` is false). */
  loss: number;
  /** Seconds spent in the two half-steps (the loss excluded). */
  seconds: number;
}

export interface FitOptions {
  solver: AlsSolver;
  signal?: AbortSignal;
  /** Compute the loss after each iteration (costs about one CG step). Default true. */
  computeLoss?: boolean;
  onIteration?(info: IterationInfo): void;
  /** Progress inside a half-step: rows done and total of the current side. */
  onRows?(side: 'users' | 'items', done: number, total: number): void;
  /** Filter lists from `prepareInteractions`, stored in the model. */
  filteredUsers?: Int32Array;
  filteredItems?: Int32Array;
  /** Clock in ms (injectable); default performance.now. */
  now?: () => number;
  /**
   * Where the solver held the factors in its own memory (the SIMD kernel),
   * copy them out into plain arrays at the end (default true), so that memory
   * (the confidence matrices included) is freed once the fit returns and the
   * arrays can be transferred or stored. false returns views into it instead:
   * no second copy of the factors at any time, but the solver's whole memory
   * lives as long as the model.
   */
  copyFactors?: boolean;
}

/**
 * Fits ALS on a users × items weight matrix (w ≥ 0; confidence 1 + alpha·w).
 * Throws CfInputError for an empty matrix or bad weights, AlsDivergedError when
 * factors stop being finite or exceed DIVERGENCE_LIMIT, CancelledError on abort.
 */
export async function fitAls(weights: Csr, params: AlsParams, options: FitOptions): Promise<AlsModel> {
  validateAlsParams(params);
  const { solver, signal } = options;
  const now = options.now ?? (() => performance.now());
  if (weights.nRows === 0 || weights.nCols === 0 || nnz(weights) === 0) {
    throw new CfInputError(
      `empty interaction matrix (${weights.nRows} users × ${weights.nCols} items, ${nnz(weights)} interactions): nothing to train on; lower minUserCount/minItemCount or pick another dataset or split`,
    );
  }
  const k = params.factors;
  // Where the solver can hold them itself (the SIMD kernel's memory), the matrices are built there once.
  let inSolver: { cui: Csr; ciu: Csr; users?: Float32Array; items?: Float32Array } | null = null;
  try {
    inSolver = (await solver.matrices?.(weights, params.alpha, k)) ?? null;
  } catch (err) {
    solver.dispose?.();
    throw err;
  }
  const cui = inSolver?.cui ?? confidenceFromWeights(weights, params.alpha);
  const ciu = inSolver?.ciu ?? transposeCsr(cui);
  // Where the solver holds the factors (its memory), they are initialised there and never copied during the fit.
  let x = initFactors(cui, k, params.seed, inSolver?.users);
  let y = initFactors(ciu, k, params.seed + 1, inSolver?.items);
  const losses: number[] = [];
  const computeLoss = options.computeLoss ?? true;
  try {
    for (let it = 1; it <= params.iterations; it++) {
      throwIfAborted(signal, 'ALS fit cancelled');
      const t0 = now();
      for (const side of ['users', 'items'] as const) {
        const users = side === 'users';
        await solver.solve({
          confidence: users ? cui : ciu,
          target: users ? x : y,
          fixed: users ? y : x,
          factors: k,
          regularization: params.regularization,
          cgSteps: params.cgSteps,
          signal,
          onRows: options.onRows ? (d, t) => options.onRows?.(side, d, t) : undefined,
        });
        const m = solver.maxAbs?.(users ? x : y) ?? maxAbs(users ? x : y);
        if (!Number.isFinite(m)) throw new AlsDivergedError(it, side, 'factors are not finite (NaN or ±Infinity)');
        if (m > DIVERGENCE_LIMIT) throw new AlsDivergedError(it, side, `factor magnitude ${m.toExponential(2)} exceeds ${DIVERGENCE_LIMIT}`);
      }
      const seconds = (now() - t0) / 1000;
      const loss = computeLoss ? alsLoss(cui, x, y, k, params.regularization) : NaN;
      if (computeLoss && !Number.isFinite(loss)) throw new AlsDivergedError(it, 'items', `loss is ${loss}`);
      losses.push(loss);
      options.onIteration?.({ iteration: it, iterations: params.iterations, loss, seconds });
      // Let a cancel message in between iterations even when the solver never yields.
      await yieldToEventLoop();
    }
    if (options.copyFactors ?? true) {
      if (x === inSolver?.users) x = x.slice();
      if (y === inSolver?.items) y = y.slice();
    }
  } finally {
    solver.dispose?.();
  }
  return new AlsModel({
    params: { ...params },
    userFactors: x,
    itemFactors: y,
    seenIndptr: weights.indptr,
    seenIndices: weights.indices,
    filteredUsers: options.filteredUsers ?? new Int32Array(0),
    filteredItems: options.filteredItems ?? new Int32Array(0),
    loss: Float64Array.from(losses),
  });
}

/**
 * Uniform [0, 0.01) factors as `implicit` draws them, from a seeded generator;
 * rows without interactions are zero so they never score. Written into `out`
 * (m.nRows × k) when given, else into a new array.
 */
export function initFactors(m: Csr, k: number, seed: number, out?: Float32Array): Float32Array {
  const rand = mulberry32(seed);
  const f = out ?? new Float32Array(m.nRows * k);
  if (f.length !== m.nRows * k) throw new Error(`invalid factor array length: ${f.length}; expected ${m.nRows} rows × ${k}`);
  for (let r = 0; r < m.nRows; r++) {
    const has = m.indptr[r + 1] > m.indptr[r];
    for (let a = 0; a < k; a++) {
      const v = rand() * 0.01;
      f[r * k + a] = has ? v : 0;
    }
  }
  return f;
}
