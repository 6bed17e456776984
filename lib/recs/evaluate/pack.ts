/**
 * The evaluation's inputs as typed arrays only, so they can cross to the ML
 * worker with a transfer list: the purchases, department/index as codes,
 * product codes, ages, image neighbours, and each article's key rank (the
 * co-purchase fill breaks ties by article key, as its Cypher query does).
 * `packRecsData` copies, so transferring never detaches the caller's arrays.
 */
import type { InteractionLog, ItemCatalog } from '../../data/dataset';
import type { CatalogView } from '../backtest/asof';
import { productCodes } from '../backtest/asof';
import { RecsInputError, type ItemNeighbours } from '../types';

/** Typed-array form of everything a backtest or the hybrid needs. */
export interface PackedRecsData {
  nUsers: number;
  nItems: number;
  user: Int32Array;
  item: Int32Array;
  day: Int32Array;
  value: Float32Array;
  /** Position of each article's key in ascending key order. */
  keyRank: Int32Array;
  /** Product code per article (H&M: first 7 digits of article_id). */
  product: Int32Array;
  /** Department and index codes per article (−1: unknown), or null without a catalogue. */
  department: Int32Array | null;
  index: Int32Array | null;
  /** Age per dense user id (NaN unknown), or null. */
  ages: Float32Array | null;
  image: { k: number; items: Int32Array; scores: Float32Array } | null;
}

function codes(values: readonly (string | null)[]): Int32Array {
  const ids = new Map<string, number>();
  return Int32Array.from(values, (v) => {
    if (v == null) return -1;
    let id = ids.get(v);
    if (id === undefined) ids.set(v, (id = ids.size));
    return id;
  });
}

/** Packs (copies) the inputs. */
export function packRecsData(log: InteractionLog, catalog: Pick<ItemCatalog, 'department' | 'index'> | null, ages: Float32Array | null, image: ItemNeighbours | null): PackedRecsData {
  if (image && image.nItems !== log.nItems) throw new RecsInputError(`invalid image.nItems: ${image.nItems}; expected ${log.nItems}`);
  if (ages && ages.length !== log.nUsers) throw new RecsInputError(`invalid ages: ${ages.length} values; expected ${log.nUsers}`);
  const order = Array.from({ length: log.nItems }, (_, i) => i).sort((a, b) => (log.itemKeys[a] < log.itemKeys[b] ? -1 : log.itemKeys[a] > log.itemKeys[b] ? 1 : 0));
  const keyRank = new Int32Array(log.nItems);
  order.forEach((i, r) => (keyRank[i] = r));
  return {
    nUsers: log.nUsers,
    nItems: log.nItems,
    user: log.user.slice(),
    item: log.item.slice(),
    day: log.day.slice(),
    value: log.value.slice(),
    keyRank,
    product: productCodes(log.itemKeys),
    department: catalog ? codes(catalog.department) : null,
    index: catalog ? codes(catalog.index) : null,
    ages: ages ? ages.slice() : null,
    image: image ? { k: image.k, items: image.items.slice(), scores: image.scores.slice() } : null,
  };
}

/** The buffers of a packed input (for the transfer list). */
export function packedTransfer(p: PackedRecsData): ArrayBuffer[] {
  const arrays = [p.user, p.item, p.day, p.value, p.keyRank, p.product, p.department, p.index, p.ages, p.image?.items, p.image?.scores];
  return arrays.filter((a): a is NonNullable<typeof a> => !!a).map((a) => a.buffer as ArrayBuffer);
}

/** The unpacked view: an InteractionLog whose keys sort like the original ones, the catalogue codes as strings. */
export interface UnpackedRecsData {
  log: InteractionLog;
  catalog: CatalogView | null;
  ages: Float32Array | null;
  image: ItemNeighbours | null;
  product: Int32Array;
}

/** Rebuilds lib/recs inputs from a packed input (keys are zero-padded key ranks: same order, same ties). */
export function unpackRecsData(p: PackedRecsData): UnpackedRecsData {
  const pad = String(Math.max(1, p.nItems)).length;
  const itemKeys = Array.from(p.keyRank, (r) => String(r).padStart(pad, '0'));
  const userKeys = Array.from({ length: p.nUsers }, (_, u) => `#${u}`);
  const str = (c: Int32Array) => Array.from(c, (x) => (x < 0 ? null : String(x)));
  return {
    log: { nUsers: p.nUsers, nItems: p.nItems, user: p.user, item: p.item, day: p.day, value: p.value, userKeys, itemKeys },
    catalog: p.department && p.index ? { department: str(p.department), index: str(p.index) } : null,
    ages: p.ages,
    image: p.image ? { nItems: p.nItems, k: p.image.k, items: p.image.items, scores: p.image.scores } : null,
    product: p.product,
  };
}
