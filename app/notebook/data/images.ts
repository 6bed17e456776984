/** Image URLs for the catalogue: SVG renderings for the demo, object URLs for picked or stored photos. */
import { articleImageDataUrl, lookOf } from '@/lib/data/demo/images';
import type { ColumnTable } from '@/lib/data/table';

let objectUrls: string[] = [];

/** Revokes the object URLs of the previous dataset. */
export function releaseObjectUrls(): void {
  for (const u of objectUrls) URL.revokeObjectURL(u);
  objectUrls = [];
}

/** Resolver for photos (by article id). */
export function photoResolver(photos: Map<string, File>): (articleId: string) => string | null {
  return (id) => {
    const f = photos.get(id);
    if (!f) return null;
    const u = URL.createObjectURL(f);
    objectUrls.push(u);
    return u;
  };
}

/** Resolver that renders the demo's SVG for an article row of `articles`. */
export function svgResolver(articles: ColumnTable): (articleId: string, row: number) => string | null {
  const col = (n: string) => {
    const c = articles.columns[n];
    return c && c.type === 'string' ? c.values : null;
  };
  const type = col('product_type_name');
  const group = col('product_group_name');
  const colour = col('colour_group_name');
  const look = col('graphical_appearance_name');
  return (_id, row) =>
    row < 0
      ? null
      : articleImageDataUrl(lookOf({ productTypeName: type?.[row], productGroupName: group?.[row], colourGroupName: colour?.[row], appearanceName: look?.[row] }));
}
