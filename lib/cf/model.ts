/**
 * A fitted ALS model: factors plus the training interactions (for
 * "already bought" filtering) and the filter lists. Scores are dot products
 * x_u·y_i; similarities are cosines of factors, as in `implicit`.
 * Every query validates its ids and names the reason a user or item cannot be
 * scored (filtered out, no interactions, out of range).
 */
import type { AlsParams } from './types';
import { CfInputError, CfUnknownIdError } from './types';
import { topN } from './topk';

/** Everything a model is made of: plain typed arrays, so it crosses threads and saves as is. */
export interface AlsSaved {
  params: AlsParams;
  /** nUsers × factors, row-major. */
  userFactors: Float32Array;
  /** nItems × factors, row-major. */
  itemFactors: Float32Array;
  /** CSR structure of the training interactions (users × items). */
  seenIndptr: Int32Array;
  seenIndices: Int32Array;
  filteredUsers: Int32Array;
  filteredItems: Int32Array;
  /** Loss per iteration. */
  loss: Float64Array;
}

export interface Ranked {
  items: Int32Array;
  scores: Float32Array;
}

export class AlsModel {
  readonly nUsers: number;
  readonly nItems: number;
  readonly factors: number;
  private readonly itemActive: Uint8Array;
  private readonly filteredUserSet: ReadonlySet<number>;
  private readonly filteredItemSet: ReadonlySet<number>;
  private itemNorms: Float32Array | null = null;
  private userNorms: Float32Array | null = null;

  constructor(readonly saved: AlsSaved) {
    const k = saved.params.factors;
    const nUsers = saved.seenIndptr.length - 1;
    if (!(Number.isInteger(k) && k > 0)) throw new CfInputError(`invalid params.factors: ${k}; expected a whole number > 0`);
    if (nUsers < 0 || saved.userFactors.length !== nUsers * k) {
      throw new CfInputError(`invalid userFactors length: ${saved.userFactors.length}; expected ${nUsers} users × ${k} factors`);
    }
    if (saved.itemFactors.length % k !== 0) {
      throw new CfInputError(`invalid itemFactors length: ${saved.itemFactors.length}; expected a multiple of ${k} factors`);
    }
    this.nUsers = nUsers;
    this.nItems = saved.itemFactors.length / k;
    this.factors = k;
    if (saved.seenIndices.length !== saved.seenIndptr[nUsers]) {
      throw new CfInputError(`invalid seenIndices length: ${saved.seenIndices.length}; expected ${saved.seenIndptr[nUsers]} (seenIndptr's last entry)`);
    }
    this.itemActive = new Uint8Array(this.nItems);
    for (let e = 0; e < saved.seenIndices.length; e++) {
      const i = saved.seenIndices[e];
      if (!(i >= 0 && i < this.nItems)) throw new CfInputError(`invalid seenIndices entry ${e}: ${i}; expected 0..${this.nItems - 1}`);
      this.itemActive[i] = 1;
    }
    this.filteredUserSet = new Set(saved.filteredUsers);
    this.filteredItemSet = new Set(saved.filteredItems);
  }

  /** Rebuilds a model from `save()` output (e.g. received from a worker or a cache). */
  static load(saved: AlsSaved): AlsModel {
    return new AlsModel(saved);
  }

  /** The model as typed arrays (shared, not copied). */
  save(): AlsSaved {
    return this.saved;
  }

  get params(): AlsParams {
    return this.saved.params;
  }

  get userFactors(): Float32Array {
    return this.saved.userFactors;
  }

  get itemFactors(): Float32Array {
    return this.saved.itemFactors;
  }

  /** Loss per iteration. */
  get loss(): Float64Array {
    return this.saved.loss;
  }

  /** True when the user has training interactions (and so factors). */
  hasUser(u: number): boolean {
    return Number.isInteger(u) && u >= 0 && u < this.nUsers && this.saved.seenIndptr[u + 1] > this.saved.seenIndptr[u];
  }

  /** True when the item has training interactions (and so factors). */
  hasItem(i: number): boolean {
    return Number.isInteger(i) && i >= 0 && i < this.nItems && this.itemActive[i] === 1;
  }

  /** Items the user interacted with in training (sorted ids). */
  history(u: number): Int32Array {
    this.checkUser(u);
    return this.saved.seenIndices.subarray(this.saved.seenIndptr[u], this.saved.seenIndptr[u + 1]);
  }

  /** Score x_u·y_i of every item (0 for items without factors). */
  scores(u: number): Float32Array {
    this.checkUser(u);
    const k = this.factors;
    const x = this.saved.userFactors;
    const y = this.saved.itemFactors;
    const out = new Float32Array(this.nItems);
    const xo = u * k;
    for (let i = 0; i < this.nItems; i++) {
      const o = i * k;
      let s = 0;
      for (let a = 0; a < k; a++) s += x[xo + a] * y[o + a];
      out[i] = s;
    }
    return out;
  }

  /**
   * The n best items for user u, best first. Items without factors are never
   * recommended; with `filterAlreadyBought` (default true) neither are the
   * user's training items.
   */
  recommend(u: number, n: number, opts: { filterAlreadyBought?: boolean } = {}): Ranked {
    checkCount('n', n);
    const scores = this.scores(u);
    const filter = opts.filterAlreadyBought ?? true;
    const seen = filter ? new Set(this.history(u)) : null;
    return topN(scores, n, (i) => this.itemActive[i] === 0 || (seen !== null && seen.has(i)));
  }

  /**
   * Orders `candidates` by score for user u, best first. Candidates without
   * factors (filtered out or never seen in training) go last with score
   * -Infinity, in their given order; duplicates are kept once.
   */
  rankItems(u: number, candidates: ArrayLike<number>): Ranked {
    this.checkUser(u);
    const k = this.factors;
    const x = this.saved.userFactors;
    const y = this.saved.itemFactors;
    const uniq: number[] = [];
    const seen = new Set<number>();
    for (let j = 0; j < candidates.length; j++) {
      const i = candidates[j];
      if (!(Number.isInteger(i) && i >= 0 && i < this.nItems)) {
        throw new CfUnknownIdError(`invalid candidate at position ${j}: ${i}; expected an item id in 0..${this.nItems - 1}`);
      }
      if (!seen.has(i)) {
        seen.add(i);
        uniq.push(i);
      }
    }
    const known = uniq.filter((i) => this.itemActive[i] === 1);
    const unknown = uniq.filter((i) => this.itemActive[i] === 0);
    const s = new Float32Array(known.length);
    for (let j = 0; j < known.length; j++) {
      let d = 0;
      const o = known[j] * k;
      for (let a = 0; a < k; a++) d += x[u * k + a] * y[o + a];
      s[j] = d;
    }
    const ranked = topN(s, known.length, undefined, known);
    // topN over ids: scores are looked up by position, so map back.
    const items = new Int32Array(uniq.length);
    const scores = new Float32Array(uniq.length).fill(-Infinity);
    items.set(ranked.items);
    scores.set(ranked.scores);
    items.set(unknown, ranked.items.length);
    return { items, scores };
  }

  /** The n items most similar to item i by factor cosine (itself excluded unless `includeSelf`). */
  similarItems(i: number, n: number, opts: { includeSelf?: boolean } = {}): Ranked {
    this.checkItem(i);
    checkCount('n', n);
    this.itemNorms ??= rowNorms(this.saved.itemFactors, this.nItems, this.factors);
    return cosineTop(this.saved.itemFactors, this.itemNorms, this.nItems, this.factors, i, n, opts.includeSelf ?? false);
  }

  /** The n users most similar to user u by factor cosine (itself excluded unless `includeSelf`). */
  similarUsers(u: number, n: number, opts: { includeSelf?: boolean } = {}): Ranked {
    this.checkUser(u);
    checkCount('n', n);
    this.userNorms ??= rowNorms(this.saved.userFactors, this.nUsers, this.factors);
    return cosineTop(this.saved.userFactors, this.userNorms, this.nUsers, this.factors, u, n, opts.includeSelf ?? false);
  }

  /** Why user u cannot be scored, or null when it can. */
  whyNoUser(u: number): string | null {
    if (!(Number.isInteger(u) && u >= 0 && u < this.nUsers)) return `invalid user: ${u}; expected an id in 0..${this.nUsers - 1}`;
    if (this.hasUser(u)) return null;
    if (this.filteredUserSet.has(u)) return `user ${u} was filtered out by the minimum interaction count; use a fallback (e.g. popularity)`;
    return `user ${u} has no interactions in the training data; use a fallback (e.g. popularity)`;
  }

  /** Why item i cannot be scored, or null when it can. */
  whyNoItem(i: number): string | null {
    if (!(Number.isInteger(i) && i >= 0 && i < this.nItems)) return `invalid item: ${i}; expected an id in 0..${this.nItems - 1}`;
    if (this.hasItem(i)) return null;
    if (this.filteredItemSet.has(i)) return `item ${i} was filtered out by the minimum interaction count`;
    return `item ${i} has no interactions in the training data`;
  }

  private checkUser(u: number): void {
    const why = this.whyNoUser(u);
    if (why) throw new CfUnknownIdError(why);
  }

  private checkItem(i: number): void {
    const why = this.whyNoItem(i);
    if (why) throw new CfUnknownIdError(why);
  }
}

function checkCount(name: string, n: number): void {
  if (!(Number.isInteger(n) && n >= 0)) throw new CfInputError(`invalid ${name}: ${n}; expected a whole number ≥ 0`);
}

function rowNorms(f: Float32Array, n: number, k: number): Float32Array {
  const out = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let a = 0; a < k; a++) s += f[r * k + a] * f[r * k + a];
    out[r] = Math.sqrt(s);
  }
  return out;
}

function cosineTop(f: Float32Array, norms: Float32Array, n: number, k: number, q: number, top: number, includeSelf: boolean): Ranked {
  const scores = new Float32Array(n);
  const qo = q * k;
  const qn = norms[q] || 1;
  for (let r = 0; r < n; r++) {
    const o = r * k;
    let s = 0;
    for (let a = 0; a < k; a++) s += f[qo + a] * f[o + a];
    scores[r] = norms[r] > 0 ? s / (qn * norms[r]) : NaN;
  }
  return topN(scores, top, includeSelf ? undefined : (r) => r === q);
}
