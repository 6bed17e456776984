/**
 * The H&M photos with their article metadata, for the embedding benchmarks
 * (Node only): reads images_manifest.csv and the needed columns of
 * articles.parquet from DATA_DIR (default ../shared/data).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import jpeg from 'jpeg-js';
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
