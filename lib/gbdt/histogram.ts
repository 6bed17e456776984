/**
 * The fast tree grower (LightGBM's method): features are binned once; each
 * leaf keeps a gradient/hessian/count histogram per feature; a split builds
 * the histogram of the smaller child only and gets the larger one by
 * subtracting it from the parent's; leaves grow best gain first, up to
 * numLeaves and maxDepth. Rows of a leaf stay contiguous in one index array.
 */
import { binData, usableFeatures, type BinnedData } from './binning';
import type { GbdtParams } from './params';
import { beats, countOf, defaultLeftWithoutMissing, leafOutput, leafScore, maxLeavesOf, splitGain, type Grower, type GrowerInput, type GrowResult } from './split';
import { allocTree, splitLeaf, trimTree } from './tree';

// Local bindings: the split scan calls these per bin, and module namespaces
// compiled to CommonJS (tsx, vitest) would put a getter in front of each call.
const gainOf = splitGain;
const beatsBest = beats;

/**
 * Histogram of the rows idx[begin..end): per feature and bin, three floats
 * (gradient sum, hessian sum, row count) side by side, so one row touches
 * one cache line per feature.
 */
function buildHistogram(
  d: BinnedData,
  F: number,
  idx: Int32Array,
  begin: number,
  end: number,
  features: Int32Array,
  grad: Float64Array,
  hess: Float64Array,
  h: Float64Array,
): void {
  h.fill(0);
  const { bins, offsets } = d;
  const nf = features.length;
  if (nf === F) {
    // Every feature selected: no indirection through `features`.
    for (let r = begin; r < end; r++) {
      const row = idx[r];
      const g = grad[row];
      const hh = hess[row];
      const base = row * F;
      for (let f = 0; f < F; f++) {
        const k = 3 * (offsets[f] + bins[base + f]);
        h[k] += g;
        h[k + 1] += hh;
        h[k + 2]++;
      }
    }
    return;
  }
  for (let r = begin; r < end; r++) {
    const row = idx[r];
    const g = grad[row];
    const hh = hess[row];
    const base = row * F;
    for (let j = 0; j < nf; j++) {
      const f = features[j];
      const k = 3 * (offsets[f] + bins[base + f]);
      h[k] += g;
      h[k + 1] += hh;
      h[k + 2]++;
    }
  }
}

/** The best split of one leaf, written into slot `leaf` of the arrays. */
class BestSplits {
  gain: Float64Array;
  feature: Int32Array;
  bin: Int32Array;
  defaultLeft: Uint8Array;
  GL: Float64Array;
  HL: Float64Array;
  constructor(m: number) {
    this.gain = new Float64Array(m);
    this.feature = new Int32Array(m);
    this.bin = new Int32Array(m);
    this.defaultLeft = new Uint8Array(m);
    this.GL = new Float64Array(m);
    this.HL = new Float64Array(m);
  }
}

/**
 * Scans every selected feature's bins in LightGBM's order: first from the
 * highest cut down with the missing bin on the left, then (when the leaf has
 * missing values) from the lowest cut up with the missing bin on the right.
 * A later candidate must gain strictly more, so ties go to the higher cut and
 * to missing values on the left, as in LightGBM. minDataInLeaf is checked on
 * LightGBM's row counts: each bin's hessian sum times the leaf's rows per
 * unit of hessian, rounded, summed over the side the scan accumulates; the
 * other side gets the rest of the leaf's rows. `splittable` (one flag per
 * feature, the parent's) skips the features that had no valid cut in an
 * ancestor, and is updated for this leaf: LightGBM's is_splittable.
 */
function findBestSplit(d: BinnedData, features: Int32Array, splittable: Uint8Array, h: Float64Array, G: number, H: number, C: number, p: GbdtParams, out: BestSplits, leaf: number): void {
  const parent = leafScore(G, H, p.lambdaL2);
  const perHessian = C / H;
  let best = -Infinity;
  for (let j = 0; j < features.length; j++) {
    const f = features[j];
    if (splittable[f] === 0) continue;
    let valid = false;
    const off = d.offsets[f];
    const nb = d.nBins[f];
    const mk = 3 * (off + nb);
    const mC = h[mk + 2];
    const hasMissing = d.hasMissing[f] === 1;
    // Missing on the left: bins b..nb-1 go right, the cut lies after bin b-1.
    let GR = 0;
    let HR = 0;
    let CR = 0;
    for (let b = nb - 1; b >= 1; b--) {
      const k = 3 * (off + b);
      GR += h[k];
      HR += h[k + 1];
      CR += countOf(h[k + 1], perHessian);
      const gain = gainOf(G, H, C, G - GR, H - HR, C - CR, parent, p);
      if (gain > -Infinity) valid = true;
      if (beatsBest(gain, best, parent)) {
        best = gain;
        out.feature[leaf] = f;
        out.bin[leaf] = b - 1;
        out.defaultLeft[leaf] = mC > 0 || defaultLeftWithoutMissing(hasMissing, d.upper[f][b - 1]) ? 1 : 0;
        out.GL[leaf] = G - GR;
        out.HL[leaf] = H - HR;
      }
    }
    if (mC > 0) {
      // Missing on the right: bins 0..b go left (b = nb-1: every present value left).
      let GL = 0;
      let HL = 0;
      let CL = 0;
      for (let b = 0; b < nb; b++) {
        const k = 3 * (off + b);
        GL += h[k];
        HL += h[k + 1];
        CL += countOf(h[k + 1], perHessian);
        const gain = gainOf(G, H, C, GL, HL, CL, parent, p);
        if (gain > -Infinity) valid = true;
        if (beatsBest(gain, best, parent)) {
          best = gain;
          out.feature[leaf] = f;
          out.bin[leaf] = b;
          out.defaultLeft[leaf] = 0;
          out.GL[leaf] = GL;
          out.HL[leaf] = HL;
        }
      }
    }
    if (!valid) splittable[f] = 0;
  }
  out.gain[leaf] = best;
}

/** The histogram grower on `input`'s data (binned here, once). */
export function histogramGrower(input: GrowerInput): Grower {
  const { X, n, nFeatures: F, params: p } = input;
  const d = binData(X, n, F, p.maxBin, p.seed, p.minDataInBin);
  const maxLeaves = maxLeavesOf(p);
  const hists: Float64Array[] = [];
  const slot = (s: number) => {
    while (hists.length <= s) hists.push(new Float64Array(3 * d.totalBins));
  };
  const idx = new Int32Array(n);
  const tmp = new Int32Array(n);
  const leafBegin = new Int32Array(maxLeaves);
  const leafCount = new Int32Array(maxLeaves);
  const leafSlot = new Int32Array(maxLeaves);
  const leafDepth = new Int32Array(maxLeaves);
  const leafG = new Float64Array(maxLeaves);
  const leafH = new Float64Array(maxLeaves);
  const parentOf = new Int32Array(maxLeaves);
  const parentSide = new Uint8Array(maxLeaves);
  const nodeBin = new Int32Array(Math.max(1, maxLeaves - 1));
  const best = new BestSplits(maxLeaves);
  // Per leaf, one flag per feature: 0 once the feature had no valid cut in the leaf or an ancestor.
  const splittable = new Uint8Array(maxLeaves * F);
  const flags = (leaf: number) => splittable.subarray(leaf * F, (leaf + 1) * F);
  const minData = Math.max(1, p.minDataInLeaf);
  const canSplit = (leaf: number) => leafCount[leaf] >= 2 * minData && (p.maxDepth <= 0 || leafDepth[leaf] < p.maxDepth);

  function grow(rows: Int32Array, features: Int32Array, grad: Float64Array, hess: Float64Array): GrowResult {
    const tree = allocTree(maxLeaves);
    const m = rows.length;
    idx.set(rows);
    let G = 0;
    let H = 0;
    for (let r = 0; r < m; r++) {
      G += grad[rows[r]];
      H += hess[rows[r]];
    }
    leafBegin[0] = 0;
    leafCount[0] = m;
    leafSlot[0] = 0;
    leafDepth[0] = 0;
    leafG[0] = G;
    leafH[0] = H;
    parentOf[0] = -1;
    best.gain[0] = -Infinity;
    if (canSplit(0)) {
      slot(0);
      buildHistogram(d, F, idx, 0, m, features, grad, hess, hists[0]);
      flags(0).fill(1);
      findBestSplit(d, features, flags(0), hists[0], G, H, m, p, best, 0);
    }
    while (tree.numLeaves < maxLeaves) {
      let leaf = -1;
      for (let l = 0; l < tree.numLeaves; l++) if (best.gain[l] > 0 && (leaf < 0 || beats(best.gain[l], best.gain[leaf], best.gain[leaf]))) leaf = l;
      if (leaf < 0) break;
      const f = best.feature[leaf];
      const b = best.bin[leaf];
      const dl = best.defaultLeft[leaf] === 1;
      const node = tree.numLeaves - 1;
      nodeBin[node] = b;
      const right = splitLeaf(tree, parentOf, parentSide, leaf, f, d.upper[f][b], dl, best.gain[leaf]);
      // Stable partition of the leaf's rows: left ones stay in front.
      const begin = leafBegin[leaf];
      const end = begin + leafCount[leaf];
      const mb = d.nBins[f];
      const { bins } = d;
      let nl = begin;
      let nr = 0;
      for (let r = begin; r < end; r++) {
        const row = idx[r];
        const bin = bins[row * F + f];
        if (bin === mb ? dl : bin <= b) idx[nl++] = row;
        else tmp[nr++] = row;
      }
      idx.set(tmp.subarray(0, nr), nl);
      const GL = best.GL[leaf];
      const HL = best.HL[leaf];
      leafBegin[right] = nl;
      leafCount[right] = end - nl;
      leafCount[leaf] = nl - begin;
      leafG[right] = leafG[leaf] - GL;
      leafH[right] = leafH[leaf] - HL;
      leafG[leaf] = GL;
      leafH[leaf] = HL;
      leafDepth[leaf]++;
      leafDepth[right] = leafDepth[leaf];
      best.gain[leaf] = -Infinity;
      best.gain[right] = -Infinity;
      flags(right).set(flags(leaf));
      const splitL = canSplit(leaf);
      const splitR = canSplit(right);
      if (!splitL && !splitR) continue;
      // Histogram of the smaller child from its rows; the larger child's = parent's − smaller's.
      const parentSlot = leafSlot[leaf];
      const small = leafCount[leaf] <= leafCount[right] ? leaf : right;
      const large = small === leaf ? right : leaf;
      const fresh = tree.numLeaves - 1; // slots 0..numLeaves-2 may be in use
      slot(fresh);
      const hp = hists[parentSlot];
      const hs = hists[fresh];
      buildHistogram(d, F, idx, leafBegin[small], leafBegin[small] + leafCount[small], features, grad, hess, hs);
      for (let k = 0; k < hp.length; k++) hp[k] -= hs[k];
      leafSlot[large] = parentSlot;
      leafSlot[small] = fresh;
      if (splitL) findBestSplit(d, features, flags(leaf), hists[leafSlot[leaf]], leafG[leaf], leafH[leaf], leafCount[leaf], p, best, leaf);
      if (splitR) findBestSplit(d, features, flags(right), hists[leafSlot[right]], leafG[right], leafH[right], leafCount[right], p, best, right);
    }
    // Slots: a leaf whose children were never histogrammed keeps no slot, so
    // the slot numbers above are reused only by leaves that are split later.
    const leafOfRow = new Int32Array(n);
    if (m < n) {
      // Out-of-bag rows walk the tree on their bins.
      for (let i = 0; i < n; i++) {
        let node = tree.numLeaves > 1 ? 0 : -1;
        while (node >= 0) {
          const f = tree.splitFeature[node];
          const bin = d.bins[i * F + f];
          const goLeft = bin === d.nBins[f] ? tree.defaultLeft[node] === 1 : bin <= nodeBin[node];
          node = goLeft ? tree.left[node] : tree.right[node];
        }
        leafOfRow[i] = ~node;
      }
    }
    for (let l = 0; l < tree.numLeaves; l++) {
      tree.leafValue[l] = leafOutput(leafG[l], leafH[l], p.lambdaL2) * p.learningRate;
      for (let r = leafBegin[l]; r < leafBegin[l] + leafCount[l]; r++) leafOfRow[idx[r]] = l;
    }
    return { tree: trimTree(tree), leafOfRow };
  }
  return { grow, usable: usableFeatures(d, n, p.minDataInLeaf) };
}
