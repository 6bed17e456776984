/**
 * Demo articles: the 25 H&M columns, grouped into products with several
 * colourways (as H&M's product_code / article_id), plus the hidden traits the
 * transaction generator needs (department, colour, popularity, launch day).
 */
import { CdfSampler, deriveSeed, mulberry32, normal, pareto, pick, type Rng } from '../../util/random';
import type { ColumnTable } from '../table';
import { allocColumns } from '../validate';
import { HM_ARTICLES } from '../schema';
import { APPEARANCES, COLOURS, DETAILS, INDEXES, MATERIALS, NAME_PREFIXES, PRODUCT_TYPES, type DepartmentDef, type IndexDef, type SectionDef } from './vocab';

/** Flattened department with its place in the hierarchy. */
export interface DeptPlace {
  index: IndexDef;
  section: SectionDef;
  dept: DepartmentDef;
  /** Position of the index in INDEXES. */
  indexPos: number;
}

/** Every department of the vocabulary, in a fixed order (positions are the ids the generator uses). */
export const DEPARTMENTS: readonly DeptPlace[] = INDEXES.flatMap((index, indexPos) =>
  index.sections.flatMap((section) => section.departments.map((dept) => ({ index, section, dept, indexPos }))),
);

/** Catalogue share of each index (from the real catalogue). */
const INDEX_WEIGHTS: Record<string, number> = { A: 26, B: 7, C: 7, D: 15, F: 12.5, H: 21, G: 9, S: 3.4 };

/** Hidden traits per article, indexed like the articles table. */
export interface ArticleTraits {
  dept: Int32Array;
  indexPos: Int32Array;
  colourMaster: Int32Array;
  /** Power-law base popularity (Pareto). */
  popularity: Float64Array;
  /** Day (since epoch) the article goes on sale. */
  launchDay: Int32Array;
  /** Decay time of its sales in days. */
  lifeDays: Float64Array;
  /** Full price. */
  price: Float64Array;
}

const TYPE_BY_NO = new Map(PRODUCT_TYPES.map((t) => [t.no, t]));
const DENIM_OK = new Set(['trousers', 'shorts', 'skirt', 'jacket', 'shirt', 'dress']);

/** Generates `n` articles launched over [startDay - 200, endDay - 14]. */
export function generateArticles(n: number, seed: number, startDay: number, endDay: number): { table: ColumnTable; traits: ArticleTraits } {
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`invalid article count: ${n}; expected a positive whole number`);
  const rng = mulberry32(deriveSeed(seed, 'articles'));
  const cols = allocColumns(HM_ARTICLES, n);
  const traits: ArticleTraits = {
    dept: new Int32Array(n), indexPos: new Int32Array(n), colourMaster: new Int32Array(n), popularity: new Float64Array(n),
    launchDay: new Int32Array(n), lifeDays: new Float64Array(n), price: new Float64Array(n),
  };
  const deptWeights = DEPARTMENTS.map((d) => INDEX_WEIGHTS[d.index.code] / DEPARTMENTS.filter((x) => x.index.code === d.index.code).length);
  const deptSampler = new CdfSampler(deptWeights);
  const colourSampler = new CdfSampler(COLOURS.map((c) => c.weight));
  const appearanceSampler = new CdfSampler(APPEARANCES.map((a) => a.weight));
  const put = (name: string, row: number, v: string | number | null) => {
    const c = cols[name];
    if (c.type === 'string') c.values[row] = v === null ? null : String(v);
    else if (c.type === 'int' || c.type === 'float') c.values[row] = v === null ? NaN : Number(v);
  };
  let code = 108775;
  let row = 0;
  while (row < n) {
    code += 1 + Math.floor(rng() * 6);
    const d = deptSampler.sample(rng);
    const place = DEPARTMENTS[d];
    const type = TYPE_BY_NO.get(pick(rng, place.dept.types));
    if (!type) throw new Error(`invalid vocabulary: department ${place.dept.no} lists an unknown product type`);
    const prodName = rng() < 0.4 ? `${pick(rng, NAME_PREFIXES)} ${pick(rng, type.stems).toLowerCase()}` : pick(rng, type.stems);
    const desc = `${pick(rng, type.stems)} in ${pick(rng, MATERIALS)} with ${pick(rng, DETAILS)} and ${pick(rng, DETAILS)}.`;
    const productPop = pareto(rng, 1.15);
    const launch = startDay - 200 + Math.floor(rng() * (endDay - startDay + 186));
    const life = 45 + (-Math.log(1 - rng()) * 160);
    const basePrice = Math.max(1, Math.round(type.price * 590 * Math.exp(0.3 * normal(rng)))) / 590;
    let appearance = APPEARANCES[appearanceSampler.sample(rng)];
    if (appearance.pattern === 'denim' && !DENIM_OK.has(type.shape)) appearance = APPEARANCES[0];
    const variants = Math.min(n - row, 1 + Math.floor(-Math.log(1 - rng()) * 1.3));
    for (let v = 1; v <= variants; v++, row++) {
      const colour = COLOURS[colourSampler.sample(rng)];
      const a = v > 1 && rng() < 0.3 ? APPEARANCES[appearanceSampler.sample(rng)] : appearance;
      const look = a.pattern === 'denim' && !DENIM_OK.has(type.shape) ? APPEARANCES[0] : a;
      put('article_id', row, `0${code}${String(v).padStart(3, '0')}`);
      put('product_code', row, code);
      put('prod_name', row, prodName);
      put('product_type_no', row, type.no);
      put('product_type_name', row, type.name);
      put('product_group_name', row, type.group);
      put('graphical_appearance_no', row, look.no);
      put('graphical_appearance_name', row, look.name);
      put('colour_group_code', row, colour.code);
      put('colour_group_name', row, colour.name);
      put('perceived_colour_value_id', row, colour.valueId);
      put('perceived_colour_value_name', row, colour.valueName);
      put('perceived_colour_master_id', row, colour.masterId);
      put('perceived_colour_master_name', row, colour.masterName);
      put('department_no', row, place.dept.no);
      put('department_name', row, place.dept.name);
      put('index_code', row, place.index.code);
      put('index_name', row, place.index.name);
      put('index_group_no', row, place.index.groupNo);
      put('index_group_name', row, place.index.groupName);
      put('section_no', row, place.section.no);
      put('section_name', row, place.section.name);
      put('garment_group_no', row, type.garmentGroup[0]);
      put('garment_group_name', row, type.garmentGroup[1]);
      put('detail_desc', row, rng() < 0.004 ? null : desc);
      traits.dept[row] = d;
      traits.indexPos[row] = place.indexPos;
      traits.colourMaster[row] = colour.masterId;
      // Black and white sell more than lilac: colour frequency feeds popularity a little.
      traits.popularity[row] = productPop * Math.pow(colour.weight, 0.3) * (0.6 + 0.8 * rng());
      traits.launchDay[row] = launch + Math.floor(rng() * 20);
      traits.lifeDays[row] = life;
      traits.price[row] = basePrice;
    }
  }
  return { table: { name: 'articles', length: n, columns: cols }, traits };
}

/** Seeded helper for other generators: a uniformly random element of a department list. */
export const randomDept = (rng: Rng, among: readonly number[]): number => pick(rng, among);
