/**
 * The ALS contract: hyperparameters, the solver interface every
 * implementation (exact reference, TypeScript CG, TF.js CG) satisfies, and the
 * named errors. Conventions follow `implicit` (Hu, Koren and Volinsky, 2008):
 * preference p_ui = 1 for observed pairs, confidence c_ui = 1 + alpha * w_ui,
 * unobserved pairs have p = 0 and c = 1.
 */

/**
 * Which solver computes each half-step: `exact` (Cholesky reference), `cg`
 * (WebAssembly SIMD conjugate gradient, the fast path), `cg-js` (the same CG
 * in plain TypeScript), `tfjs` (the same CG in batched tfjs-core ops).
 */
export type AlsSolverName = 'exact' | 'cg' | 'cg-js' | 'tfjs';

/** Hyperparameters of one fit. */
export interface AlsParams {
  /** Latent dimensions (k). Default 64. */
  factors: number;
  /** L2 regularisation λ, added as λI to every normal equation (as `implicit` does). Default 0.01. */
  regularization: number;
  /** Confidence slope: c = 1 + alpha * w. Default 40. */
  alpha: number;
  /** Full sweeps (users then items). Default 15. */
  iterations: number;
  /** Conjugate-gradient steps per row and half-step (ignored by `exact`). Default 3, as in `implicit`. */
  cgSteps: number;
  /** Seed of the initial factors. */
  seed: number;
}

export const DEFAULT_ALS_PARAMS: AlsParams = {
  factors: 64,
  regularization: 0.01,
  alpha: 40,
  iterations: 15,
  cgSteps: 3,
  seed: 42,
};

/** Checks every field once at entry; the message names the field and the bad value. */
export function validateAlsParams(p: AlsParams): AlsParams {
  const whole = (name: keyof AlsParams, min: number, max: number) => {
    const v = p[name];
    if (!Number.isInteger(v) || v < min || v > max) throw new CfInputError(`invalid ${name}: ${v}; expected a whole number in ${min}..${max}`);
  };
  whole('factors', 1, 1024);
  whole('iterations', 0, 10_000);
  whole('cgSteps', 1, 1024);
  whole('seed', -(2 ** 31), 2 ** 32 - 1);
  if (!(Number.isFinite(p.regularization) && p.regularization >= 0)) {
    throw new CfInputError(`invalid regularization: ${p.regularization}; expected a finite number ≥ 0`);
  }
  if (!(Number.isFinite(p.alpha) && p.alpha >= 0)) throw new CfInputError(`invalid alpha: ${p.alpha}; expected a finite number ≥ 0`);
  return p;
}

/**
 * One half-step: for every row r of `confidence` with at least one entry,
 * recompute `target[r]` (k floats) from the fixed side's factors. Rows with no
 * entries are left untouched (the caller keeps them at zero).
 *
 * `confidence` holds c_ui ≥ 1 per observed pair; `fixed` is (confidence.nCols × k).
 */
export interface AlsSolver {
  readonly name: AlsSolverName;
  solve(args: SolveArgs): Promise<void> | void;
  /**
   * Threads the last solve actually ran on, where a solver can run on more
   * than one (`cg`): fewer than requested when its thread pool could not start.
   * Undefined for single-threaded solvers and before the first solve.
   */
  readonly threadsUsed?: number;
  /** Why the solver runs on fewer threads than requested, or null. */
  readonly threadsNote?: string | null;
  /** The largest WebAssembly memory the solver has held (bytes; the SIMD kernel), also after dispose; undefined without one. */
  readonly wasmBytes?: number;
  /**
   * max |v| over a factor matrix (NaN when any entry is NaN), for the fit's
   * divergence check; the SIMD solver scans the factors it holds in its
   * memory with the kernel. fitAls uses linalg's maxAbs where this is absent.
   */
  maxAbs?(factors: Float32Array): number;
  /** Where the solver's time went, summed over its half-steps so far (`cg` only). */
  readonly phaseSeconds?: AlsPhaseSeconds;
  /**
   * Builds the fit's two confidence matrices (users × items, 1 + alpha·w, and
   * its transpose) where the solver reads them (the SIMD kernel: inside its
   * memory), so no second copy is kept in JS; null when it cannot (fitAls
   * then builds them itself). Where it also returns `users` and `items`
   * (zeroed nRows × k and nCols × k views into that memory), fitAls keeps the
   * factors there and `solve` updates them in place, without copies. The
   * matrices are only valid until `dispose`; the factor views stay readable
   * after it (they keep the memory alive).
   */
  matrices?(
    weights: import('../data/csr').Csr,
    alpha: number,
    factors: number,
  ): Promise<{ cui: import('../data/csr').Csr; ciu: import('../data/csr').Csr; users?: Float32Array; items?: Float32Array } | null>;
  /** Frees whatever the solver keeps between calls (tensors); safe to call twice. */
  dispose?(): void;
}

/**
 * Seconds of the SIMD solver's half-steps by phase, on the calling thread:
 * `prepare` (chunking the rows, copies in and out), `gram` (YᵀY + λI, split
 * across the threads), `rows` (the calling thread solving its share of rows),
 * `wait` (then waiting for the helper threads to finish theirs).
 */
export interface AlsPhaseSeconds {
  prepare: number;
  gram: number;
  rows: number;
  wait: number;
}

export interface SolveArgs {
  confidence: import('../data/csr').Csr;
  /** Row-major (confidence.nRows × k); updated in place. */
  target: Float32Array;
  /** Row-major (confidence.nCols × k). */
  fixed: Float32Array;
  factors: number;
  regularization: number;
  cgSteps: number;
  signal?: AbortSignal;
  /** Called after each chunk of rows: rows done so far, rows in total. */
  onRows?(done: number, total: number): void;
}

/** Bad input (empty matrix, NaN weights, unknown ids, bad parameters). */
export class CfInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CfInputError';
  }
}

/** Factors became non-finite or exploded during a fit. */
export class AlsDivergedError extends Error {
  constructor(
    readonly iteration: number,
    readonly side: 'users' | 'items',
    detail: string,
  ) {
    super(`ALS diverged at iteration ${iteration} (${side} half-step): ${detail}; lower alpha, raise regularization or check the weights`);
    this.name = 'AlsDivergedError';
  }
}

/** A user or item the model cannot score (filtered out or without interactions). */
export class CfUnknownIdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CfUnknownIdError';
  }
}
