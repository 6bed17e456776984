/**
 * The reference tree grower: exact greedy split search on the raw values.
 * For every leaf and feature it sorts the leaf's rows by value and tries
 * every cut between two distinct values, in LightGBM's order: from the
 * highest cut down with missing values on the left, then from the lowest cut
 * up with missing values on the right; a later cut must gain strictly more.
 * Row counts for minDataInLeaf are LightGBM's estimates (`countOf`), per
 * distinct value, as the binned grower counts per bin.
 * Leaves grow best gain first, like the fast path. Slow (a sort per leaf and
 * feature) and plain on purpose: the conformance test holds the histogram
 * grower to it.
 *
 * Thresholds are bin upper bounds (lib/gbdt/binning on the feature's
 * training values), which is where the binned grower cuts when every value
 * has its own bin (minDataInBin 1, at most maxBin distinct values); with
 * coarser bins the two differ by design.
 */
import { binOf, binUpperBounds, isUsableFeature } from './binning';
import type { GbdtParams } from './params';
import { beats, countOf, defaultLeftWithoutMissing, leafOutput, leafScore, maxLeavesOf, splitGain, type Grower, type GrowerInput, type GrowResult } from './split';
import { allocTree, leafOf, splitLeaf, trimTree } from './tree';

interface Candidate {
  gain: number;
  feature: number;
  threshold: number;
  defaultLeft: boolean;
}

/** Per feature, the bins' upper bounds and whether the training data holds missing values. */
interface Bounds {
  upper: Float64Array[];
  hasMissing: boolean[];
}

/** The best split of a leaf; `splittable` (the parent's flags) skips features with no valid cut in an ancestor and is updated. */
function bestSplit(X: Float32Array, F: number, rows: number[], features: Int32Array, splittable: Uint8Array, grad: Float64Array, hess: Float64Array, bounds: Bounds, p: GbdtParams): Candidate {
  let G = 0;
  let H = 0;
  for (const r of rows) {
    G += grad[r];
    H += hess[r];
  }
  const C = rows.length;
  const perHessian = C / H;
  const parent = leafScore(G, H, p.lambdaL2);
  const best: Candidate = { gain: -Infinity, feature: -1, threshold: 0, defaultLeft: false };
  let valid = false;
  const consider = (f: number, GL: number, HL: number, CL: number, threshold: number, defaultLeft: boolean) => {
    const gain = splitGain(G, H, C, GL, HL, CL, parent, p);
    if (gain > -Infinity) valid = true;
    if (beats(gain, best.gain, parent)) Object.assign(best, { gain, feature: f, threshold, defaultLeft });
  };
  for (const f of features) {
    if (splittable[f] === 0) continue;
    valid = false;
    const present = rows.filter((r) => !Number.isNaN(X[r * F + f])).sort((a, b) => X[a * F + f] - X[b * F + f]);
    const mC = C - present.length;
    const u = bounds.upper[f];
    // The leaf's distinct values in ascending order, with their gradient and hessian sums and bins.
    const vg: number[] = [];
    const vh: number[] = [];
    const bin: number[] = [];
    for (let i = 0; i < present.length; i++) {
      const r = present[i];
      const v = X[r * F + f];
      if (i === 0 || v !== X[present[i - 1] * F + f]) {
        vg.push(0);
        vh.push(0);
        bin.push(binOf(u, v));
      }
      vg[vg.length - 1] += grad[r];
      vh[vh.length - 1] += hess[r];
    }
    const V = vg.length;
    // Missing values left: values j..V-1 go right, highest cut first, at the bound just below value j's bin
    // (the bins between two values are empty here, and a scan from above meets the highest cut first);
    // j = 0 leaves the missing values alone on the left, when value 0's bin is not the first.
    let GR = 0;
    let HR = 0;
    let CR = 0;
    for (let j = V - 1; j >= 0; j--) {
      GR += vg[j];
      HR += vh[j];
      CR += countOf(vh[j], perHessian);
      if (bin[j] === 0) break;
      const threshold = u[bin[j] - 1];
      consider(f, G - GR, H - HR, C - CR, threshold, mC > 0 || defaultLeftWithoutMissing(bounds.hasMissing[f], threshold));
    }
    // Missing values right: values 0..j go left, lowest cut first, at the bound of value j's bin.
    let GL = 0;
    let HL = 0;
    let CL = 0;
    for (let j = 0; j < V && mC > 0; j++) {
      GL += vg[j];
      HL += vh[j];
      CL += countOf(vh[j], perHessian);
      consider(f, GL, HL, CL, u[bin[j]], false);
    }
    if (!valid) splittable[f] = 0;
  }
  return best;
}

/** The exact grower on `input`'s raw values. */
export function exactGrower(input: GrowerInput): Grower {
  const { X, n, nFeatures: F, params: p } = input;
  const bounds: Bounds = { upper: [], hasMissing: [] };
  const usable: number[] = [];
  for (let f = 0; f < F; f++) {
    const values: number[] = [];
    for (let i = 0; i < n; i++) if (!Number.isNaN(X[i * F + f])) values.push(X[i * F + f]);
    const u = binUpperBounds(Float32Array.from(values), values.length < n ? p.maxBin - 1 : p.maxBin, p.minDataInBin);
    bounds.hasMissing.push(values.length < n);
    bounds.upper.push(u);
    // Rows per bin, the missing ones last: as the binned grower sees them.
    const counts = new Float64Array(u.length + (values.length < n ? 1 : 0));
    for (const v of values) counts[binOf(u, v)]++;
    if (values.length < n) counts[u.length] = n - values.length;
    if (isUsableFeature(counts, p.minDataInLeaf)) usable.push(f);
  }
  const maxLeaves = maxLeavesOf(p);
  const minData = Math.max(1, p.minDataInLeaf);

  function grow(rows: Int32Array, features: Int32Array, grad: Float64Array, hess: Float64Array): GrowResult {
    const tree = allocTree(maxLeaves);
    const parentOf = new Int32Array(maxLeaves).fill(-1);
    const parentSide = new Uint8Array(maxLeaves);
    const leafRows: number[][] = [Array.from(rows)];
    // Per leaf, one flag per feature: 0 once the feature had no valid cut in the leaf or an ancestor.
    const splittable: Uint8Array[] = [new Uint8Array(F).fill(1)];
    const depth = [0];
    const candidate = (l: number): Candidate =>
      leafRows[l].length >= 2 * minData && (p.maxDepth <= 0 || depth[l] < p.maxDepth)
        ? bestSplit(X, F, leafRows[l], features, splittable[l], grad, hess, bounds, p)
        : { gain: -Infinity, feature: -1, threshold: 0, defaultLeft: false };
    const cands = [candidate(0)];
    while (tree.numLeaves < maxLeaves) {
      let leaf = -1;
      for (let l = 0; l < tree.numLeaves; l++) if (cands[l].gain > 0 && (leaf < 0 || beats(cands[l].gain, cands[leaf].gain, cands[leaf].gain))) leaf = l;
      if (leaf < 0) break;
      const { feature: f, threshold, defaultLeft, gain } = cands[leaf];
      const right = splitLeaf(tree, parentOf, parentSide, leaf, f, threshold, defaultLeft, gain);
      const goesLeft = (r: number) => (Number.isNaN(X[r * F + f]) ? defaultLeft : X[r * F + f] <= threshold);
      const rows = leafRows[leaf];
      leafRows[leaf] = rows.filter(goesLeft);
      leafRows[right] = rows.filter((r) => !goesLeft(r));
      splittable[right] = splittable[leaf].slice();
      depth[leaf]++;
      depth[right] = depth[leaf];
      cands[leaf] = candidate(leaf);
      cands[right] = candidate(right);
    }
    for (let l = 0; l < tree.numLeaves; l++) {
      let G = 0;
      let H = 0;
      for (const r of leafRows[l]) {
        G += grad[r];
        H += hess[r];
      }
      tree.leafValue[l] = leafOutput(G, H, p.lambdaL2) * p.learningRate;
    }
    const leafOfRow = new Int32Array(n);
    for (let i = 0; i < n; i++) leafOfRow[i] = leafOf(tree, X, F, i);
    return { tree: trimTree(tree), leafOfRow };
  }
  return { grow, usable: Int32Array.from(usable) };
}
