/**
 * One regression tree in flat arrays (LightGBM's layout): internal nodes
 * 0..numLeaves-2, a child pointer ≥ 0 is a node, a negative one is `~leaf`.
 * A row goes left when its value is ≤ the threshold; a missing value (NaN)
 * goes to the node's default side.
 */
export interface Tree {
  numLeaves: number;
  splitFeature: Int32Array;
  threshold: Float64Array;
  /** 1 when missing values go left. */
  defaultLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** Gain of each split (for gain importance). */
  splitGain: Float64Array;
  /** Leaf values, shrinkage included. */
  leafValue: Float64Array;
}

/** An empty tree with room for `maxLeaves` leaves (grown in place, then trimmed). */
export function allocTree(maxLeaves: number): Tree {
  const m = Math.max(1, maxLeaves - 1);
  return {
    numLeaves: 1,
    splitFeature: new Int32Array(m),
    threshold: new Float64Array(m),
    defaultLeft: new Uint8Array(m),
    left: new Int32Array(m),
    right: new Int32Array(m),
    splitGain: new Float64Array(m),
    leafValue: new Float64Array(maxLeaves),
  };
}

/** A copy holding only the used nodes and leaves. */
export function trimTree(t: Tree): Tree {
  const m = t.numLeaves - 1;
  return {
    numLeaves: t.numLeaves,
    splitFeature: t.splitFeature.slice(0, m),
    threshold: t.threshold.slice(0, m),
    defaultLeft: t.defaultLeft.slice(0, m),
    left: t.left.slice(0, m),
    right: t.right.slice(0, m),
    splitGain: t.splitGain.slice(0, m),
    leafValue: t.leafValue.slice(0, t.numLeaves),
  };
}

/**
 * Splits `leaf` of a tree being grown: the left child keeps the leaf's index,
 * the right child is leaf `numLeaves`. `parentOf[leaf]` is the node pointing
 * at the leaf (-1 for the root), `parentSide[leaf]` 0 for left, 1 for right.
 * Returns the new leaf's index.
 */
export function splitLeaf(
  t: Tree,
  parentOf: Int32Array,
  parentSide: Uint8Array,
  leaf: number,
  feature: number,
  threshold: number,
  defaultLeft: boolean,
  gain: number,
): number {
  const node = t.numLeaves - 1;
  const right = t.numLeaves;
  t.splitFeature[node] = feature;
  t.threshold[node] = threshold;
  t.defaultLeft[node] = defaultLeft ? 1 : 0;
  t.splitGain[node] = gain;
  t.left[node] = ~leaf;
  t.right[node] = ~right;
  const p = parentOf[leaf];
  if (p >= 0) {
    if (parentSide[leaf] === 0) t.left[p] = node;
    else t.right[p] = node;
  }
  parentOf[leaf] = node;
  parentSide[leaf] = 0;
  parentOf[right] = node;
  parentSide[right] = 1;
  t.numLeaves++;
  return right;
}

/** The leaf that row `row` of row-major `X` (F features) falls into. */
export function leafOf(t: Tree, X: Float32Array, F: number, row: number): number {
  if (t.numLeaves === 1) return 0;
  const base = row * F;
  let node = 0;
  while (node >= 0) {
    const v = X[base + t.splitFeature[node]];
    const goLeft = v !== v ? t.defaultLeft[node] === 1 : v <= t.threshold[node];
    node = goLeft ? t.left[node] : t.right[node];
  }
  return ~node;
}

/** A tree as plain JSON arrays. */
export function treeToJSON(t: Tree) {
  return {
    numLeaves: t.numLeaves,
    splitFeature: Array.from(t.splitFeature),
    threshold: Array.from(t.threshold),
    defaultLeft: Array.from(t.defaultLeft),
    left: Array.from(t.left),
    right: Array.from(t.right),
    splitGain: Array.from(t.splitGain),
    leafValue: Array.from(t.leafValue),
  };
}

/** Reads a tree from `treeToJSON`'s shape; `at` names it in messages (e.g. `trees[3]`). */
export function treeFromJSON(json: unknown, nFeatures: number, at: string): Tree {
  if (json === null || typeof json !== 'object') throw new Error(`invalid ${at}: ${String(json)}; expected a tree object`);
  const o = json as Record<string, unknown>;
  const L = o.numLeaves;
  if (typeof L !== 'number' || !Number.isInteger(L) || L < 1) throw new Error(`invalid ${at}.numLeaves: ${String(L)}; expected a whole number ≥ 1`);
  const nums = (key: string, len: number, ok: (v: number) => boolean, expected: string): number[] => {
    const a = o[key];
    if (!Array.isArray(a) || a.length !== len) throw new Error(`invalid ${at}.${key}: ${Array.isArray(a) ? `${a.length} entries` : String(a)}; expected ${len} entries`);
    a.forEach((v, i) => {
      if (typeof v !== 'number' || !ok(v)) throw new Error(`invalid ${at}.${key}[${i}]: ${String(v)}; expected ${expected}`);
    });
    return a as number[];
  };
  const m = L - 1;
  const child = (v: number) => Number.isInteger(v) && v < m && v >= -L;
  const t: Tree = {
    numLeaves: L,
    splitFeature: Int32Array.from(nums('splitFeature', m, (v) => Number.isInteger(v) && v >= 0 && v < nFeatures, `a feature index in 0..${nFeatures - 1}`)),
    threshold: Float64Array.from(nums('threshold', m, Number.isFinite, 'a finite number')),
    defaultLeft: Uint8Array.from(nums('defaultLeft', m, (v) => v === 0 || v === 1, '0 or 1')),
    left: Int32Array.from(nums('left', m, child, `a node in 0..${m - 1} or a leaf as -1..-${L}`)),
    right: Int32Array.from(nums('right', m, child, `a node in 0..${m - 1} or a leaf as -1..-${L}`)),
    splitGain: Float64Array.from(nums('splitGain', m, Number.isFinite, 'a finite number')),
    leafValue: Float64Array.from(nums('leafValue', L, Number.isFinite, 'a finite number')),
  };
  // Every node and leaf reached exactly once from the root, so prediction always ends.
  if (m > 0) {
    const seenNode = new Uint8Array(m);
    const seenLeaf = new Uint8Array(L);
    const stack = [0];
    seenNode[0] = 1;
    while (stack.length) {
      const node = stack.pop()!;
      for (const c of [t.left[node], t.right[node]]) {
        const seen = c >= 0 ? seenNode : seenLeaf;
        const k = c >= 0 ? c : ~c;
        if (seen[k]) throw new Error(`invalid ${at}: ${c >= 0 ? 'node' : 'leaf'} ${k} is reached twice; expected a tree`);
        seen[k] = 1;
        if (c >= 0) stack.push(c);
      }
    }
    const missing = seenLeaf.indexOf(0);
    if (missing >= 0) throw new Error(`invalid ${at}: leaf ${missing} is not reached; expected every leaf under the root`);
  }
  return t;
}
