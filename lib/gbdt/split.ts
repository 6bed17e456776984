/**
 * What both tree growers share: the leaf value and split gain (LightGBM's,
 * with L2 only), the split constraints, and the grower contract.
 */
import { MIN_SUM_HESSIAN_IN_LEAF, type GbdtParams } from './params';

// A local copy: read per candidate split, and CommonJS-compiled imports are getters.
const MIN_HESSIAN = MIN_SUM_HESSIAN_IN_LEAF;
import type { Tree } from './tree';

/** A leaf's value before shrinkage: −G / (H + λ). */
export function leafOutput(G: number, H: number, lambdaL2: number): number {
  const d = H + lambdaL2;
  return d > 0 ? -G / d : 0;
}

/** A leaf's score G² / (H + λ) (the loss reduction it allows, up to a factor ½). */
export function leafScore(G: number, H: number, lambdaL2: number): number {
  const d = H + lambdaL2;
  return d > 0 ? (G * G) / d : 0;
}

/**
 * LightGBM's row count of a histogram bin: its hessian sum times the leaf's
 * rows per unit of hessian (rows / hessian sum), rounded. LightGBM keeps no
 * counts in its histograms, so minDataInLeaf holds on these estimates, not
 * on the exact counts (they differ when hessians vary across the leaf).
 */
export const countOf = (hessian: number, perHessian: number): number => Math.floor(hessian * perHessian + 0.5);

/**
 * Gain of splitting a leaf (sums G, H over its C rows) into a left part (GL,
 * HL, CL rows, CL counted as `countOf` does) and the rest, or -Infinity when
 * a child breaks minDataInLeaf or the minimum hessian sum. Both growers call this, so they score every
 * candidate the same way.
 */
export function splitGain(G: number, H: number, C: number, GL: number, HL: number, CL: number, parentScore: number, p: GbdtParams): number {
  const CR = C - CL;
  const HR = H - HL;
  const minData = Math.max(1, p.minDataInLeaf);
  if (CL < minData || CR < minData || HL < MIN_HESSIAN || HR < MIN_HESSIAN) return -Infinity;
  const gain = leafScore(GL, HL, p.lambdaL2) + leafScore(G - GL, HR, p.lambdaL2) - parentScore;
  return gain > MIN_SPLIT_GAIN ? gain : -Infinity;
}

/**
 * Smallest gain that makes a split. LightGBM splits on any gain > 0, which
 * lets rounding noise (gains ~1e-16 in leaves whose gradients are all equal)
 * split pure leaves; those splits change nothing but are not reproducible.
 */
export const MIN_SPLIT_GAIN = 1e-10;

/**
 * Whether `gain` beats `best` by more than rounding. A gain is a difference
 * of leaf scores, so its rounding error scales with the parent's score
 * (`scale`), not with the gain: candidates within 1e-10 × (1 + scale) are
 * ties, and the first one wins (lower feature, then the scan order of
 * LightGBM: higher cut and missing values left first; lower leaf). Two
 * growers that sum gradients in different orders then still pick the same
 * split.
 */
export const beats = (gain: number, best: number, scale: number): boolean =>
  best === -Infinity ? gain > best : gain > best + 1e-10 * (1 + scale);

/**
 * Where missing values go at a split whose leaf has none on the feature
 * (LightGBM's rule): when the feature has missing values in the training
 * data they go left (the scan with missing values on the left comes first
 * and wins ties); when it has none, a missing value counts as 0 (LightGBM's
 * missing type None), so it goes where 0 goes.
 */
export const defaultLeftWithoutMissing = (featureHasMissing: boolean, threshold: number): boolean => featureHasMissing || 0 <= threshold;

/** A grown tree and the leaf of every training row (for the score update). */
export interface GrowResult {
  tree: Tree;
  /** Length n: the leaf of each training row, in-bag or not. */
  leafOfRow: Int32Array;
}

/** One tree per call, on the rows and features the boosting loop drew for this round. */
export interface Grower {
  /** Features a split could use at all (LightGBM's feature_pre_filter), ascending: the feature fraction draws from these. */
  usable: Int32Array;
  /**
   * `rows`: in-bag row indices, ascending; `features`: selected feature
   * indices, ascending; `grad`, `hess`: per training row. Leaf values are
   * −G/(H+λ) times the learning rate.
   */
  grow(rows: Int32Array, features: Int32Array, grad: Float64Array, hess: Float64Array): GrowResult;
}

/** Training data and parameters a grower is built on. */
export interface GrowerInput {
  X: Float32Array;
  n: number;
  nFeatures: number;
  params: GbdtParams;
}

/** The most leaves a tree may have under numLeaves and maxDepth. */
export function maxLeavesOf(p: GbdtParams): number {
  return p.maxDepth > 0 && p.maxDepth < 17 ? Math.min(p.numLeaves, 2 ** p.maxDepth) : p.numLeaves;
}
