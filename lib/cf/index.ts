/**
 * Collaborative filtering: implicit-feedback ALS (Hu, Koren and Volinsky,
 * 2008) behind one contract, with three mirrored solvers:
 * `exact` (plain Cholesky reference), `cg` (conjugate gradient in a
 * WebAssembly SIMD kernel, the fast path), `cg-js` (the same CG in plain
 * TypeScript) and `tfjs` (the same CG in batched tfjs-core ops).
 */
import { assertNever } from '../util/assert';
import { cgSolver, cgSolveRows } from './cg';
import { exactSolver } from './exact';
import { tfjsSolver, type TfjsSolverOptions } from './tfjs';
import { wasmCgSolver, wasmSimdAvailable, type WasmCgOptions } from './wasm/kernel';
import type { AlsSolver, AlsSolverName } from './types';

export { AlsModel, type AlsSaved, type Ranked } from './model';
export { fitAls, initFactors, DIVERGENCE_LIMIT, type FitOptions, type IterationInfo } from './fit';
export { alsLoss } from './loss';
export { topN } from './topk';
export { confidenceFromWeights, prepareInteractions, type LogColumns, type PreparedInteractions, type Weighting, type WeightOptions } from './weights';
export {
  AlsDivergedError,
  CfInputError,
  CfUnknownIdError,
  DEFAULT_ALS_PARAMS,
  validateAlsParams,
  type AlsParams,
  type AlsPhaseSeconds,
  type AlsSolver,
  type AlsSolverName,
  type SolveArgs,
} from './types';
export { cgSolver, cgSolveRows, exactSolver, tfjsSolver, wasmCgSolver, wasmSimdAvailable, type TfjsSolverOptions, type WasmCgOptions };
export { sharedMemoryAvailable, type SpawnCgThread } from './wasm/pool';

/** The names every solver answers to, in the order the UI lists them. */
export const ALS_SOLVERS: readonly AlsSolverName[] = ['cg', 'cg-js', 'tfjs', 'exact'];

/**
 * One factory for every implementation (as `implicit.als.AlternatingLeastSquares` dispatches).
 * `cg` takes threads and a spawn function for its thread pool (default: one thread).
 */
export function makeSolver(name: AlsSolverName, options: { tfjs?: TfjsSolverOptions; cg?: WasmCgOptions } = {}): AlsSolver {
  switch (name) {
    case 'exact':
      return exactSolver();
    case 'cg':
      return wasmCgSolver(options.cg);
    case 'cg-js':
      return cgSolver();
    case 'tfjs':
      return tfjsSolver(options.tfjs);
    default:
      return assertNever(name, 'solver');
  }
}
export { evaluateAls, evaluatePopularity, holdoutFromPairs, relevantSets, sampleHoldout, type AlsEvaluation, type HoldoutSpec } from './evaluate';
