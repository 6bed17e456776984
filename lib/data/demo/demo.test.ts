import { describe, expect, it } from 'vitest';
import { DEMO_FIRST_DAY, DEMO_LAST_DAY, DEMO_PRESETS, generateDemo, generateDemoTables, scaledSizes } from './index';
import { articleImageDataUrl, articleSvg, lookOf } from './images';
import { HM_ARTICLES, HM_CUSTOMERS, HM_TRANSACTIONS } from '../schema';
import { validateColumns } from '../validate';
import type { ColumnTable } from '../table';
import { concatTables } from '../concat';
import { randomHex64 } from './customers';
import { mulberry32 } from '../../util/random';

const SEED = 7;
const tiny = generateDemoTables('tiny', SEED);

function asData(t: ColumnTable): Record<string, ArrayLike<unknown>> {
  const out: Record<string, ArrayLike<unknown>> = {};
  for (const [k, c] of Object.entries(t.columns)) {
    // Dates go through the validator as ISO strings, numbers with NaN as null.
    if (c.type === 'date') out[k] = Array.from(c.values, (d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
    else if (c.type === 'string') out[k] = c.values;
    else out[k] = Array.from(c.values, (v) => (Number.isNaN(v) ? null : v));
  }
  return out;
}

describe('demo generator', () => {
  it('writes customer ids as the hex of each 32-bit draw, low byte first (the ids before the flat-string builder)', () => {
    const byConcat = (rng: () => number) => {
      let s = '';
      for (let k = 0; k < 8; k++) {
        const w = Math.floor(rng() * 4294967296);
        for (let b = 0; b < 4; b++) s += ((w >>> (8 * b)) & 255).toString(16).padStart(2, '0');
      }
      return s;
    };
    const a = mulberry32(11);
    const b = mulberry32(11);
    for (let i = 0; i < 2_000; i++) {
      const id = randomHex64(a);
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      expect(id).toBe(byConcat(b));
    }
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const again = generateDemoTables('tiny', SEED);
    expect(again.transactions.columns.article_id.values).toEqual(tiny.transactions.columns.article_id.values);
    expect(again.customers.columns.customer_id.values).toEqual(tiny.customers.columns.customer_id.values);
    expect(again.articles.columns.prod_name.values).toEqual(tiny.articles.columns.prod_name.values);
    const other = generateDemoTables('tiny', SEED + 1);
    expect(other.transactions.columns.customer_id.values).not.toEqual(tiny.transactions.columns.customer_id.values);
  });

  it('has the preset sizes', () => {
    expect(tiny.articles.length).toBe(150);
    expect(tiny.customers.length).toBe(100);
    expect(tiny.transactions.length).toBe(3000);
  });

  it('matches the H&M schemas exactly (all 25 / 7 / 5 columns, no bad rows)', () => {
    expect(Object.keys(tiny.articles.columns)).toEqual(HM_ARTICLES.columns.map((c) => c.name));
    expect(Object.keys(tiny.customers.columns)).toEqual(HM_CUSTOMERS.columns.map((c) => c.name));
    expect(Object.keys(tiny.transactions.columns)).toEqual(HM_TRANSACTIONS.columns.map((c) => c.name));
    for (const [t, s] of [[tiny.articles, HM_ARTICLES], [tiny.customers, HM_CUSTOMERS], [tiny.transactions, HM_TRANSACTIONS]] as const) {
      const v = validateColumns(asData(t), t.length, s, t.name);
      expect(v.bad.examples).toEqual([]);
      expect(v.table.length).toBe(t.length);
    }
    const ids = tiny.articles.columns.article_id.values as string[];
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^0\d{9}$/.test(id))).toBe(true);
  });

  it('streams the same rows whatever the chunk size, in day order within the date range', () => {
    const demo = generateDemo('tiny', SEED);
    const chunks = [...demo.transactions(100)];
    expect(chunks.length).toBeGreaterThan(10);
    const joined = concatTables(chunks.map((c) => c.table));
    expect(joined.columns.article_id.values).toEqual(tiny.transactions.columns.article_id.values);
    const days = joined.columns.t_dat.values as Int32Array;
    for (let i = 1; i < days.length; i++) expect(days[i]).toBeGreaterThanOrEqual(days[i - 1]);
    expect(days[0]).toBeGreaterThanOrEqual(DEMO_FIRST_DAY);
    expect(days[days.length - 1]).toBeLessThanOrEqual(DEMO_LAST_DAY);
  });

  it('has the structure of real data: power-law popularity, weekly seasonality, repeats, tastes', () => {
    const small = generateDemo({ articles: 400, customers: 300, transactions: 20_000 }, 3);
    const rows = [...small.transactions()];
    const art = rows.flatMap((c) => Array.from(c.article));
    const cus = rows.flatMap((c) => Array.from(c.customer));
    const days = rows.flatMap((c) => Array.from(c.table.columns.t_dat.values as Int32Array));
    const perArticle = new Map<number, number>();
    for (const a of art) perArticle.set(a, (perArticle.get(a) ?? 0) + 1);
    const counts = [...perArticle.values()].sort((a, b) => b - a);
    const top5pct = counts.slice(0, Math.ceil(400 * 0.05)).reduce((a, b) => a + b, 0);
    expect(top5pct / art.length).toBeGreaterThan(0.25); // uniform would give 0.05

    const byDow = new Array(7).fill(0);
    for (const d of days) byDow[new Date(d * 86_400_000).getUTCDay()]++;
    expect(byDow[6]).toBeGreaterThan(byDow[2] * 1.15); // Saturday vs Tuesday

    const pairs = new Set<string>();
    let repeats = 0;
    for (let i = 0; i < art.length; i++) {
      const k = `${cus[i]}:${art[i]}`;
      if (pairs.has(k)) repeats++;
      pairs.add(k);
    }
    expect(repeats / art.length).toBeGreaterThan(0.05);

    // Customers buy mostly from their favourite departments.
    const dept = small.articleTraits.dept;
    let inTaste = 0;
    for (let i = 0; i < art.length; i++) {
      const c = cus[i];
      const fav = small.customerTraits.depts.subarray(c * 3, c * 3 + 3);
      if (fav.includes(dept[art[i]])) inTaste++;
    }
    expect(inTaste / art.length).toBeGreaterThan(0.6);
  });

  it('renders an SVG per article whose colour and silhouette follow the attributes', () => {
    const black = lookOf({ productTypeName: 'Trousers', colourGroupName: 'Black', appearanceName: 'Solid' });
    const redDress = lookOf({ productTypeName: 'Dress', colourGroupName: 'Red', appearanceName: 'Stripe' });
    expect(black).toEqual({ shape: 'trousers', colour: '#1b1b1d', pattern: 'solid' });
    const a = articleSvg(black);
    const b = articleSvg(redDress);
    expect(a.startsWith('<svg')).toBe(true);
    expect(a).toContain('#1b1b1d');
    expect(b).toContain('#c8202e');
    expect(b).toContain('<pattern');
    expect(articleImageDataUrl(black).startsWith('data:image/svg+xml')).toBe(true);
    expect(lookOf({ productTypeName: 'Unknown thing', colourGroupName: null })).toEqual({ shape: 'tshirt', colour: '#9a9a9a', pattern: 'solid' });
  });
});

describe('scaledSizes (the Data cell\'s share of the hm-scale demo)', () => {
  it('scales every size, keeps the preset at 1, and a generated stream has the scaled count', () => {
    const full = DEMO_PRESETS['hm-scale'];
    expect(scaledSizes(full, 1)).toEqual(full);
    expect(scaledSizes(full, 0.05)).toEqual({ articles: 5_277, customers: 68_599, transactions: 1_589_416 });
    const small = scaledSizes(DEMO_PRESETS.small, 0.01);
    const demo = generateDemo(small, SEED);
    let rows = 0;
    for (const c of demo.transactions(5_000)) rows += c.table.length;
    expect({ articles: demo.articles.length, customers: demo.customers.length, transactions: rows }).toEqual(small);
  });

  it('rejects a share outside (0, 1]', () => {
    expect(() => scaledSizes(DEMO_PRESETS.small, 0)).toThrow('invalid fraction: 0; expected a number in (0, 1]');
    expect(() => scaledSizes(DEMO_PRESETS.small, 1.5)).toThrow('invalid fraction: 1.5');
  });
});
