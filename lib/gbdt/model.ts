/**
 * A trained ensemble: prediction, feature importance, and a JSON form that
 * survives `JSON.stringify` (the ML worker posts it, the notebook saves it).
 */
import type { GbdtParams } from './params';
import { sigmoid } from './objectives';
import { leafOf, treeFromJSON, treeToJSON, type Tree } from './tree';

/** A trained model. */
export interface GbdtModel {
  /**
   * Scores of the rows of row-major `X` (n × nFeatures, NaN = missing):
   * probabilities for `binary`, ranking scores (higher = better) for `lambdarank`.
   */
  predict(X: Float32Array, nFeatures: number): Float64Array;
  /** Per feature: total split gain (`gain`) or number of splits (`split`), as LightGBM reports them. */
  featureImportance(kind: 'gain' | 'split'): Float64Array;
  /** A plain-JSON copy that `gbdtFromJSON` reads back to identical predictions. */
  toJSON(): unknown;
}

/** The JSON form's format tag and version. */
export const GBDT_FORMAT = 'atelier-gbdt';
export const GBDT_VERSION = 1;

export class TreeEnsemble implements GbdtModel {
  constructor(
    readonly objective: GbdtParams['objective'],
    readonly nFeatures: number,
    /** Score every row starts from (log-odds of the mean label for binary). */
    readonly baseScore: number,
    readonly trees: readonly Tree[],
    readonly featureNames?: readonly string[],
  ) {}

  /** Raw scores (before the sigmoid of `binary`). */
  rawScores(X: Float32Array, nFeatures: number): Float64Array {
    if (!(X instanceof Float32Array)) throw new Error(`invalid X: ${Object.prototype.toString.call(X)}; expected a Float32Array`);
    if (nFeatures !== this.nFeatures) throw new Error(`invalid nFeatures: ${nFeatures}; expected ${this.nFeatures}, as in training`);
    if (X.length % nFeatures !== 0) throw new Error(`invalid X.length: ${X.length}; expected a multiple of nFeatures = ${nFeatures}`);
    const n = X.length / nFeatures;
    const out = new Float64Array(n).fill(this.baseScore);
    for (const t of this.trees) {
      for (let i = 0; i < n; i++) out[i] += t.leafValue[leafOf(t, X, nFeatures, i)];
    }
    return out;
  }

  predict(X: Float32Array, nFeatures: number): Float64Array {
    const s = this.rawScores(X, nFeatures);
    if (this.objective === 'binary') for (let i = 0; i < s.length; i++) s[i] = sigmoid(s[i]);
    return s;
  }

  featureImportance(kind: 'gain' | 'split'): Float64Array {
    if (kind !== 'gain' && kind !== 'split') throw new Error(`invalid kind: ${String(kind)}; expected 'gain' or 'split'`);
    const out = new Float64Array(this.nFeatures);
    for (const t of this.trees) {
      for (let k = 0; k < t.numLeaves - 1; k++) out[t.splitFeature[k]] += kind === 'gain' ? t.splitGain[k] : 1;
    }
    return out;
  }

  toJSON() {
    return {
      format: GBDT_FORMAT,
      version: GBDT_VERSION,
      objective: this.objective,
      nFeatures: this.nFeatures,
      baseScore: this.baseScore,
      ...(this.featureNames ? { featureNames: [...this.featureNames] } : {}),
      trees: this.trees.map(treeToJSON),
    };
  }
}

/** Reads `TreeEnsemble.toJSON()` output back, checking every field. */
export function gbdtFromJSON(json: unknown): GbdtModel {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`invalid model: ${String(json)}; expected an object from GbdtModel.toJSON()`);
  const o = json as Record<string, unknown>;
  if (o.format !== GBDT_FORMAT) throw new Error(`invalid format: ${String(o.format)}; expected '${GBDT_FORMAT}'`);
  if (o.version !== GBDT_VERSION) throw new Error(`invalid version: ${String(o.version)}; expected ${GBDT_VERSION}`);
  if (o.objective !== 'binary' && o.objective !== 'lambdarank') throw new Error(`invalid objective: ${String(o.objective)}; expected 'binary' or 'lambdarank'`);
  const F = o.nFeatures;
  if (typeof F !== 'number' || !Number.isInteger(F) || F < 1) throw new Error(`invalid nFeatures: ${String(F)}; expected a whole number ≥ 1`);
  if (typeof o.baseScore !== 'number' || !Number.isFinite(o.baseScore)) throw new Error(`invalid baseScore: ${String(o.baseScore)}; expected a finite number`);
  let names: string[] | undefined;
  if (o.featureNames !== undefined) {
    if (!Array.isArray(o.featureNames) || o.featureNames.length !== F || o.featureNames.some((s) => typeof s !== 'string')) {
      throw new Error(`invalid featureNames: ${Array.isArray(o.featureNames) ? `${o.featureNames.length} entries` : String(o.featureNames)}; expected ${F} strings`);
    }
    names = o.featureNames as string[];
  }
  if (!Array.isArray(o.trees)) throw new Error(`invalid trees: ${String(o.trees)}; expected an array`);
  const trees = o.trees.map((t, i) => treeFromJSON(t, F, `trees[${i}]`));
  return new TreeEnsemble(o.objective, F, o.baseScore, trees, names);
}
