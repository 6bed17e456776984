/**
 * The H&M sample for the benchmarks (Node only), from DATA_DIR (default
 * ../shared/data): the photos with their article metadata, the purchases as
 * an InteractionLog, department/index per article, and image neighbours
 * from the colour-and-texture histogram of the photos (no CNN in Node).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import jpeg from 'jpeg-js';
import type { InteractionLog, ItemCatalog } from '../../lib/data/dataset';
import { buildInteractionLog } from '../../lib/data/interactions';
import { parseIsoDay } from '../../lib/data/table';
import { colourTextureHistogram } from '../../lib/embed/histogram';
import { bruteForceTopK } from '../../lib/embed/knn';
import type { KnnResult } from '../../lib/embed/knn/types';
import type { RgbImage } from '../../lib/embed/preprocess';

export const DATA_DIR = process.env.DATA_DIR ?? path.resolve(__dirname, '../../../shared/data');
export const HM_DIR = path.join(DATA_DIR, 'hm');

export interface HmPhotos {
  ids: string[];
  paths: string[];
  productType: (string | null)[];
  colourGroup: (string | null)[];
  graphicalAppearance: (string | null)[];
  department: (string | null)[];
}

export function hmAvailable(): boolean {
  return existsSync(path.join(HM_DIR, 'images_manifest.csv')) && existsSync(path.join(HM_DIR, 'articles.parquet'));
}

/** The first `limit` photos (manifest order) with their metadata. */
export async function loadHmPhotos(limit = Infinity): Promise<HmPhotos> {
  const lines = readFileSync(path.join(HM_DIR, 'images_manifest.csv'), 'utf8').trim().split('\n').slice(1);
  const rows = lines.slice(0, limit).map((l) => l.split(','));
  const buf = readFileSync(path.join(HM_DIR, 'articles.parquet'));
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const articles = (await parquetReadObjects({
    file,
    compressors,
    columns: ['article_id', 'product_type_name', 'colour_group_name', 'graphical_appearance_name', 'department_name'],
  })) as { article_id: string; product_type_name: string | null; colour_group_name: string | null; graphical_appearance_name: string | null; department_name: string | null }[];
  const byId = new Map(articles.map((a) => [a.article_id, a]));
  const out: HmPhotos = { ids: [], paths: [], productType: [], colourGroup: [], graphicalAppearance: [], department: [] };
  for (const [id, rel] of rows) {
    const a = byId.get(id);
    out.ids.push(id);
    out.paths.push(path.join(HM_DIR, rel));
    out.productType.push(a?.product_type_name ?? null);
    out.colourGroup.push(a?.colour_group_name ?? null);
    out.graphicalAppearance.push(a?.graphical_appearance_name ?? null);
    out.department.push(a?.department_name ?? null);
  }
  return out;
}

/** Decodes a JPEG file to RGBA pixels. */
export function decodeJpeg(file: string): RgbImage {
  const img = jpeg.decode(readFileSync(file), { useTArray: true, formatAsRGBA: true });
  return { width: img.width, height: img.height, channels: 4, data: img.data };
}

/** The sample's purchases as an InteractionLog (price as the value when asked). */
export function loadHmSampleLog(o: { price?: boolean } = {}): InteractionLog {
  const cols = readFileSync(path.join(HM_DIR, 'transactions_sample.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  return buildInteractionLog({
    user: cols.map((c) => c[1]), item: cols.map((c) => c[2]), day: cols.map((c) => parseIsoDay(c[0])),
    ...(o.price ? { value: cols.map((c) => Number(c[3])) } : {}),
  });
}

/** Department and index of the log's articles (dense ids), from articles.parquet. */
export async function loadHmCatalog(log: InteractionLog): Promise<Pick<ItemCatalog, 'department' | 'index'>> {
  const buf = readFileSync(path.join(HM_DIR, 'articles.parquet'));
  const arts = (await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), compressors, columns: ['article_id', 'department_name', 'index_name'] })) as {
    article_id: string; department_name: string | null; index_name: string | null;
  }[];
  const byId = new Map(arts.map((a) => [a.article_id, a]));
  return { department: log.itemKeys.map((k) => byId.get(k)?.department_name ?? null), index: log.itemKeys.map((k) => byId.get(k)?.index_name ?? null) };
}

/** Photos (manifest order, the first `maxPhotos`) → 96-d colour-and-texture histograms → exact top-k cosine neighbours. */
export function hmPhotoNeighbours(log: InteractionLog, maxPhotos: number, k: number): { rows: number[]; knn: KnnResult; seconds: number } {
  const itemOf = new Map(log.itemKeys.map((key, i) => [key, i]));
  const manifest = readFileSync(path.join(HM_DIR, 'images_manifest.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const rows: number[] = [];
  const vecs: Float32Array[] = [];
  const t0 = performance.now();
  for (const [id, rel] of manifest.slice(0, maxPhotos)) {
    const i = itemOf.get(id);
    if (i === undefined) continue;
    rows.push(i);
    vecs.push(colourTextureHistogram(decodeJpeg(path.join(HM_DIR, rel))));
  }
  const data = new Float32Array(vecs.length * vecs[0].length);
  vecs.forEach((v, r) => data.set(v, r * v.length));
  const knn = bruteForceTopK({ data, n: vecs.length, d: vecs[0].length }, { k });
  return { rows, knn, seconds: (performance.now() - t0) / 1000 };
}
