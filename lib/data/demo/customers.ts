/**
 * Demo customers: the 7 H&M columns plus hidden tastes (home index,
 * favourite departments and colours, online share, activity) that drive the
 * transactions, so recommenders have real signal to find.
 */
import { CdfSampler, deriveSeed, mulberry32, normal, pick, type Rng } from '../../util/random';
import type { ColumnTable } from '../table';
import { allocColumns } from '../validate';
import { HM_CUSTOMERS } from '../schema';
import { DEPARTMENTS } from './articles';
import { COLOURS, INDEXES } from './vocab';

/** Favourite departments per customer. */
export const TASTE_DEPTS = 3;
/** Favourite colour masters per customer. */
export const TASTE_COLOURS = 2;

/** Hidden traits per customer, indexed like the customers table. */
export interface CustomerTraits {
  /** TASTE_DEPTS department positions per customer (row-major). */
  depts: Int32Array;
  /** TASTE_COLOURS perceived colour master ids per customer. */
  colours: Int32Array;
  /** Probability of buying online (sales channel 2). */
  online: Float32Array;
  /** Relative purchase rate (log-normal: a few customers buy a lot). */
  activity: Float64Array;
}

const HEX_CODES = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const HEX_OUT = new Uint8Array(64);

/**
 * 64 hex characters from the generator (looks like H&M's hashed ids), each byte of each 32-bit draw
 * low byte first. Built from character codes in one call so V8 stores one flat 64-byte string: a
 * string grown by `+=` is a tree of concatenations (~400 bytes an id; 555 vs 115 MiB for the 1.37M
 * hm-scale ids, measured in Node).
 */
export function randomHex64(rng: Rng): string {
  for (let k = 0; k < 8; k++) {
    const w = Math.floor(rng() * 4294967296);
    for (let b = 0; b < 4; b++) {
      const x = (w >>> (8 * b)) & 255;
      HEX_OUT[k * 8 + b * 2] = HEX_CODES[x >> 4];
      HEX_OUT[k * 8 + b * 2 + 1] = HEX_CODES[x & 15];
    }
  }
  return String.fromCharCode.apply(null, HEX_OUT as unknown as number[]);
}

const INDEX_SHOPPERS: Record<string, number> = { A: 30, B: 6, C: 6, D: 22, F: 14, H: 11, G: 7, S: 4 };

/** Generates `n` customers with tastes over the demo departments. */
export function generateCustomers(n: number, seed: number): { table: ColumnTable; traits: CustomerTraits } {
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`invalid customer count: ${n}; expected a positive whole number`);
  const rng = mulberry32(deriveSeed(seed, 'customers'));
  const cols = allocColumns(HM_CUSTOMERS, n);
  const traits: CustomerTraits = {
    depts: new Int32Array(n * TASTE_DEPTS), colours: new Int32Array(n * TASTE_COLOURS), online: new Float32Array(n), activity: new Float64Array(n),
  };
  const indexSampler = new CdfSampler(INDEXES.map((ix) => INDEX_SHOPPERS[ix.code]));
  const colourSampler = new CdfSampler(COLOURS.map((c) => c.weight));
  const deptsOf = INDEXES.map((_, pos) => DEPARTMENTS.map((d, k) => (d.indexPos === pos ? k : -1)).filter((k) => k >= 0));
  const postalPool = Math.max(1, Math.floor(n / 4));
  const postal: string[] = [];
  const postalRng = mulberry32(deriveSeed(seed, 'postal'));
  for (let k = 0; k < Math.min(postalPool, 100_000); k++) postal.push(randomHex64(postalRng));
  const id = cols.customer_id;
  const fn = cols.FN;
  const active = cols.Active;
  const club = cols.club_member_status;
  const news = cols.fashion_news_frequency;
  const age = cols.age;
  const post = cols.postal_code;
  if (id.type !== 'string' || club.type !== 'string' || news.type !== 'string' || post.type !== 'string') throw new Error('invalid customer schema: string columns expected');
  if (fn.type !== 'float' || active.type !== 'float' || age.type !== 'float') throw new Error('invalid customer schema: float columns expected');
  for (let c = 0; c < n; c++) {
    id.values[c] = randomHex64(rng);
    const home = indexSampler.sample(rng);
    const second = rng() < 0.35 ? indexSampler.sample(rng) : home;
    for (let k = 0; k < TASTE_DEPTS; k++) traits.depts[c * TASTE_DEPTS + k] = pick(rng, deptsOf[k === TASTE_DEPTS - 1 ? second : home]);
    for (let k = 0; k < TASTE_COLOURS; k++) traits.colours[c * TASTE_COLOURS + k] = COLOURS[colourSampler.sample(rng)].masterId;
    traits.online[c] = Math.sqrt(rng());
    traits.activity[c] = Math.exp(1.1 * normal(rng));
    const a = Math.round(INDEXES[home].age + 9 * normal(rng));
    age.values[c] = rng() < 0.01 ? NaN : Math.min(90, Math.max(16, a));
    const isFn = rng() < 0.35;
    fn.values[c] = isFn ? 1 : NaN;
    active.values[c] = isFn && rng() < 0.95 ? 1 : NaN;
    const u = rng();
    club.values[c] = u < 0.92 ? 'ACTIVE' : u < 0.99 ? 'PRE-CREATE' : u < 0.994 ? 'LEFT CLUB' : null;
    const v = rng();
    news.values[c] = v < 0.64 ? 'NONE' : v < 0.99 ? 'Regularly' : v < 0.992 ? 'Monthly' : null;
    post.values[c] = postal[Math.floor(rng() * postal.length)];
  }
  return { table: { name: 'customers', length: n, columns: cols }, traits };
}
