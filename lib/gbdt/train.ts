/**
 * The boosting loop, shared by both growers: per round, gradients of the
 * objective at the current scores, a seeded draw of rows (bagging) and
 * features (feature fraction, per tree) with LightGBM's random streams
 * (sampling.ts), one tree, and the score update.
 */
import { CancelledError } from '../util/cancel';
import { exactGrower } from './exact';
import { histogramGrower } from './histogram';
import { TreeEnsemble } from './model';
import { binaryObjective, lambdarankObjective, type Objective } from './objectives';
import { bagger, derivedSeeds, featureSampler } from './sampling';
import { resolveParams, validateData, type GbdtData, type GbdtParams } from './params';
import type { Grower, GrowerInput } from './split';
import type { Tree } from './tree';

/** Options of a training run. */
export interface TrainOptions {
  /** Called after every round with (rounds done, total rounds). */
  onProgress?: (done: number, total: number) => void;
  /** Checked before every round; aborting throws CancelledError. */
  signal?: AbortSignal;
}

/** Which grower builds the trees: `histogram` (the fast path) or `exact` (the reference). */
export type GrowerName = 'histogram' | 'exact';

const GROWERS: Record<GrowerName, (input: GrowerInput) => Grower> = { histogram: histogramGrower, exact: exactGrower };

/** Trains with the named grower; `trainGbdt` is this with `histogram`. */
export function trainWith(grower: GrowerName, data: GbdtData, params: Partial<GbdtParams>, opts: TrainOptions = {}): TreeEnsemble {
  const p = resolveParams(params);
  const n = validateData(data, p.objective);
  const { X, nFeatures: F, y } = data;
  const { onProgress, signal } = opts;
  if (signal?.aborted) throw new CancelledError('GBDT training cancelled');
  const objective: Objective = p.objective === 'binary' ? binaryObjective(y) : lambdarankObjective(y, data.groups!);
  const g = GROWERS[grower]({ X, n, nFeatures: F, params: p });
  const seeds = derivedSeeds(p.seed);
  const bag = bagger(n, p.baggingFraction, seeds.bagging);
  const allFeatures = Int32Array.from({ length: F }, (_, f) => f);
  const drawFeatures = p.featureFraction < 1 ? featureSampler(g.usable, p.featureFraction, seeds.featureFraction) : () => allFeatures;
  const scores = new Float64Array(n).fill(objective.initScore);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const allRows = new Int32Array(n);
  for (let i = 0; i < n; i++) allRows[i] = i;
  const bagBuf = new Int32Array(n);
  const trees: Tree[] = [];
  for (let round = 0; round < p.numRounds; round++) {
    if (round > 0 && signal?.aborted) throw new CancelledError('GBDT training cancelled');
    objective.gradients(scores, grad, hess);
    const rows = p.baggingFraction < 1 ? bag(bagBuf) : allRows;
    const features = drawFeatures();
    const { tree, leafOfRow } = g.grow(rows, features, grad, hess);
    for (let i = 0; i < n; i++) scores[i] += tree.leafValue[leafOfRow[i]];
    trees.push(tree);
    onProgress?.(round + 1, p.numRounds);
  }
  return new TreeEnsemble(p.objective, F, objective.initScore, trees, data.featureNames ? [...data.featureNames] : undefined);
}
