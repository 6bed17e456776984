/**
 * The reference tree grower: exact greedy split search on the raw values.
 * For every leaf and feature it sorts the leaf's rows by value and tries
 * every cut between two distinct values, with missing values on the right
 * and then on the left. Leaves grow best gain first, like the fast path.
 * Slow (a sort per leaf and feature) and plain on purpose: the conformance
 * test holds the histogram grower to it.
 *
 * A threshold lies midway between the largest left value and the next
 * distinct value of the feature in the whole training data, which is where
 * the binned grower puts its bin bounds when every value has its own bin.
 */
import { LAST_BOUND } from './binning';
import type { GbdtParams } from './params';
import { beats, defaultLeftWithoutMissing, leafOutput, leafScore, maxLeavesOf, splitGain, type Grower, type GrowerInput, type GrowResult } from './split';
import { allocTree, leafOf, splitLeaf, trimTree } from './tree';

interface Candidate {
  gain: number;
  feature: number;
  threshold: number;
  defaultLeft: boolean;
}

/** The next distinct value above `v` among `sorted` distinct values, or none. */
function nextAbove(sorted: Float64Array, v: number): number | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? sorted[lo] : undefined;
}

function bestSplit(X: Float32Array, F: number, rows: number[], features: Int32Array, grad: Float64Array, hess: Float64Array, distinct: Float64Array[], p: GbdtParams): Candidate {
  let G = 0;
  let H = 0;
  for (const r of rows) {
    G += grad[r];
    H += hess[r];
  }
  const C = rows.length;
  const parent = leafScore(G, H, p.lambdaL2);
  const best: Candidate = { gain: -Infinity, feature: -1, threshold: 0, defaultLeft: false };
  for (const f of features) {
    const present = rows.filter((r) => !Number.isNaN(X[r * F + f])).sort((a, b) => X[a * F + f] - X[b * F + f]);
    let mG = 0;
    let mH = 0;
    for (const r of rows) {
      if (Number.isNaN(X[r * F + f])) {
        mG += grad[r];
        mH += hess[r];
      }
    }
    const mC = C - present.length;
    for (const missingLeft of mC > 0 ? [false, true] : [false]) {
      let GL = missingLeft ? mG : 0;
      let HL = missingLeft ? mH : 0;
      let CL = missingLeft ? mC : 0;
      for (let i = 0; i < present.length; i++) {
        const r = present[i];
        GL += grad[r];
        HL += hess[r];
        CL++;
        const v = X[r * F + f];
        const last = i + 1 === present.length;
        if (!last && X[present[i + 1] * F + f] === v) continue; // cut only between distinct values
        if (last && missingLeft) continue; // nothing would go right
        const next = nextAbove(distinct[f], v);
        const threshold = next === undefined ? LAST_BOUND : (v + next) / 2;
        const gain = splitGain(G, H, C, GL, HL, CL, parent, p);
        if (beats(gain, best.gain, parent)) {
          best.gain = gain;
          best.feature = f;
          best.threshold = threshold;
          best.defaultLeft = missingLeft || (mC === 0 && defaultLeftWithoutMissing(CL, C - CL));
        }
      }
    }
  }
  return best;
}

/** The exact grower on `input`'s raw values. */
export function exactGrower(input: GrowerInput): Grower {
  const { X, n, nFeatures: F, params: p } = input;
  const distinct: Float64Array[] = [];
  for (let f = 0; f < F; f++) {
    const values = new Set<number>();
    for (let i = 0; i < n; i++) if (!Number.isNaN(X[i * F + f])) values.add(X[i * F + f]);
    distinct.push(Float64Array.from(values).sort());
  }
  const maxLeaves = maxLeavesOf(p);
  const minData = Math.max(1, p.minDataInLeaf);

  function grow(rows: Int32Array, features: Int32Array, grad: Float64Array, hess: Float64Array): GrowResult {
    const tree = allocTree(maxLeaves);
    const parentOf = new Int32Array(maxLeaves).fill(-1);
    const parentSide = new Uint8Array(maxLeaves);
    const leafRows: number[][] = [Array.from(rows)];
    const depth = [0];
    const candidate = (l: number): Candidate =>
      leafRows[l].length >= 2 * minData && (p.maxDepth <= 0 || depth[l] < p.maxDepth)
        ? bestSplit(X, F, leafRows[l], features, grad, hess, distinct, p)
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
  return { grow };
}
