/**
 * Rasterises the demo's product drawings (the SVG subset `articleSvg` writes)
 * in plain JavaScript, so the browser's ML worker and the headless runner
 * get the same pixels, byte for byte: only +, −, ×, ÷ and sqrt (IEEE-exact in
 * every JavaScript engine), no canvas, no SVG renderer, no trigonometry in
 * what is drawn.
 *
 * Supported: `<svg width height viewBox>`, `<defs>`, `<pattern id width
 * height patternUnits="userSpaceOnUse">`, `<clipPath id>`, `<rect>`,
 * `<circle>`, `<path>` (M L Q A Z and their relative forms); the attributes
 * fill (#rgb, #rrggbb, none, url(#id)), stroke, stroke-width, opacity,
 * clip-path; fill rule nonzero; strokes with round joins and caps. Anything
 * else is refused by name. Anti-aliasing: 4×4 samples per pixel, averaged.
 */
import { circleGeometry, covers, intersect, pathGeometry, rectGeometry, type Geometry, type Spans } from './svg-coverage';
import { colour, fail, num, parseSvg, type Rgb, type SvgElement } from './svg-parse';

/** Decoded pixels: RGBA bytes, row-major (the shape lib/embed's RgbImage accepts). */
export interface RasterImage {
  width: number;
  height: number;
  channels: 4;
  data: Uint8ClampedArray;
}

/** Samples per pixel along each axis. */
const SS = 4;

type Paint = { kind: 'colour'; rgb: Rgb } | { kind: 'pattern'; width: number; height: number; layers: Layer[] };

interface Layer {
  cover: (y: number) => Spans;
  clip: Geometry | null;
  paint: Paint;
  opacity: number;
}

interface Scene {
  width: number;
  height: number;
  /** viewBox origin and size. */
  vb: [number, number, number, number];
  layers: Layer[];
}

function buildScene(svg: SvgElement): Scene {
  const width = num(svg, 'width');
  const height = num(svg, 'height');
  const vb = (svg.attrs.viewBox ?? `0 0 ${width} ${height}`).trim().split(/[\s,]+/).map(Number);
  if (vb.length !== 4 || vb.some((v) => !Number.isFinite(v)) || vb[2] <= 0 || vb[3] <= 0) fail(`viewBox "${svg.attrs.viewBox}"`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > 4_000_000) fail(`size ${width}x${height}`);
  const defs = new Map<string, SvgElement>();
  const collect = (el: SvgElement) => {
    for (const c of el.children) {
      if (c.attrs.id) defs.set(c.attrs.id, c);
      if (c.tag === 'defs') collect(c);
    }
  };
  collect(svg);
  return { width, height, vb: vb as Scene['vb'], layers: layersOf(svg.children, defs) };
}

function geometryOf(el: SvgElement): Geometry {
  switch (el.tag) {
    case 'path':
      return pathGeometry(el.attrs.d ?? fail('<path> lacks d'));
    case 'rect':
      return rectGeometry(el);
    case 'circle':
      return circleGeometry(el);
    default:
      return fail(`<${el.tag}> is not a shape; expected path, rect or circle`);
  }
}

function refOf(raw: string): string | null {
  const m = /^url\(#([^)]+)\)$/.exec(raw);
  return m ? m[1] : null;
}

function paintOf(raw: string, defs: Map<string, SvgElement>): Paint | null {
  if (raw === 'none') return null;
  const id = refOf(raw);
  if (id === null) return { kind: 'colour', rgb: colour(raw) };
  const p = defs.get(id);
  if (!p || p.tag !== 'pattern') fail(`fill url(#${id}) names no <pattern>`);
  if (p.attrs.patternUnits !== 'userSpaceOnUse') fail(`<pattern id="${id}"> needs patternUnits="userSpaceOnUse"`);
  return { kind: 'pattern', width: num(p, 'width'), height: num(p, 'height'), layers: layersOf(p.children, defs) };
}

function layersOf(children: SvgElement[], defs: Map<string, SvgElement>): Layer[] {
  const layers: Layer[] = [];
  for (const el of children) {
    if (el.tag === 'defs' || el.tag === 'pattern' || el.tag === 'clipPath') continue;
    const geom = geometryOf(el);
    const opacity = num(el, 'opacity', 1);
    let clip: Geometry | null = null;
    if (el.attrs['clip-path']) {
      const id = refOf(el.attrs['clip-path']);
      const c = id === null ? undefined : defs.get(id);
      if (!c || c.tag !== 'clipPath' || c.children.length !== 1) fail(`clip-path ${el.attrs['clip-path']}; expected a <clipPath> holding one shape`);
      clip = geometryOf(c.children[0]);
    }
    const fill = paintOf(el.attrs.fill ?? '#000', defs);
    if (fill) layers.push({ cover: (y) => geom.fill(y), clip, paint: fill, opacity });
    const stroke = el.attrs.stroke ? paintOf(el.attrs.stroke, defs) : null;
    if (stroke) {
      const half = num(el, 'stroke-width', 1) / 2;
      layers.push({ cover: (y) => geom.stroke(y, half), clip, paint: stroke, opacity });
    }
  }
  return layers;
}

/** Premultiplied RGBA accumulator for one sample. */
interface Px {
  r: number;
  g: number;
  b: number;
  a: number;
}

function over(dst: Px, r: number, g: number, b: number, a: number): void {
  // Source premultiplied (r, g, b already × a).
  const k = 1 - a;
  dst.r = r + dst.r * k;
  dst.g = g + dst.g * k;
  dst.b = b + dst.b * k;
  dst.a = a + dst.a * k;
}

/** A pattern's tile on one line: the layers' spans at the tile line, and the colours met so far by tile x. */
interface TileRow {
  layers: { layer: Layer; spans: Spans; clip: Spans | null }[];
  seen: Map<number, Px>;
}

function tileRow(p: Extract<Paint, { kind: 'pattern' }>, y: number): TileRow {
  const ty = y - Math.floor(y / p.height) * p.height;
  return { layers: p.layers.map((layer) => ({ layer, spans: layer.cover(ty), clip: layer.clip ? layer.clip.fill(ty) : null })), seen: new Map() };
}

/** Paints a pattern's tile at x over dst (alpha: the layer's opacity). */
function paintPattern(dst: Px, row: TileRow, p: Extract<Paint, { kind: 'pattern' }>, x: number, alpha: number): void {
  const tx = x - Math.floor(x / p.width) * p.width;
  // The tile's own colour at tx (premultiplied), computed once per line and tile x.
  let t = row.seen.get(tx);
  if (!t) {
    t = { r: 0, g: 0, b: 0, a: 0 };
    for (const { layer, spans, clip } of row.layers) {
      if (!covers(spans, tx) || (clip && !covers(clip, tx))) continue;
      if (layer.paint.kind !== 'colour') fail('a pattern inside a pattern');
      const a = layer.opacity;
      over(t, layer.paint.rgb[0] * a, layer.paint.rgb[1] * a, layer.paint.rgb[2] * a, a);
    }
    row.seen.set(tx, t);
  }
  over(dst, t.r * alpha, t.g * alpha, t.b * alpha, t.a * alpha);
}

/** The width over which the patterns of `mask` repeat: one tile's, or infinity (no sharing) when they differ. */
function tileWidth(layers: Layer[], mask: number): number {
  let w = 0;
  for (let k = 0; k < layers.length; k++) {
    const p = layers[k].paint;
    if ((mask & (1 << k)) === 0 || p.kind !== 'pattern') continue;
    if (w && w !== p.width) return Infinity;
    w = p.width;
  }
  return w || Infinity;
}

/** Composites the layers of `mask` at x (premultiplied) into px. */
function composite(px: Px, layers: Layer[], tiles: (TileRow | null)[], mask: number, x: number): void {
  px.r = px.g = px.b = px.a = 0;
  for (let k = 0; k < layers.length; k++) {
    if ((mask & (1 << k)) === 0) continue;
    const layer = layers[k];
    const a = layer.opacity;
    if (layer.paint.kind === 'colour') over(px, layer.paint.rgb[0] * a, layer.paint.rgb[1] * a, layer.paint.rgb[2] * a, a);
    else paintPattern(px, tiles[k]!, layer.paint, x, a);
  }
}

/** Rasterises an SVG of the supported subset (see the module comment) to RGBA at its width × height. */
export function rasteriseSvg(svg: string): RasterImage {
  const scene = buildScene(parseSvg(svg));
  const { width, height, layers } = scene;
  const [vx, vy, vw, vh] = scene.vb;
  const sy = vh / height;
  const nl = layers.length;
  if (nl > 30) fail(`${nl} layers; at most 30 are supported`);
  const patternMask = layers.reduce((m, l, k) => (l.paint.kind === 'pattern' ? m | (1 << k) : m), 0);
  // Sample x positions (user units), the same on every line.
  const xs = Float64Array.from({ length: width * SS }, (_, i) => vx + ((Math.floor(i / SS) + ((i % SS) + 0.5) / SS) * vw) / width);
  const sums = new Float64Array(width * 4);
  const data = new Uint8ClampedArray(width * height * 4);
  // Samples whose x lies at the same place in a tile of width w share a column id (every sample its own for Infinity).
  const columnsByWidth = new Map<number, { of: Int32Array; count: number }>();
  const tileColumns = (w: number) => {
    let c = columnsByWidth.get(w);
    if (!c) {
      const ids = new Map<number, number>();
      const of = Int32Array.from(xs, (x, i) => {
        const tx = w === Infinity ? i : x - Math.floor(x / w) * w;
        let id = ids.get(tx);
        if (id === undefined) ids.set(tx, (id = ids.size));
        return id;
      });
      columnsByWidth.set(w, (c = { of, count: ids.size }));
    }
    return c;
  };
  const noColumns = new Int32Array(0);
  // Colour of a set of plain-colour layers (a bit mask), computed once per image.
  const plain = new Map<number, Px>();
  const n = SS * SS;
  for (let row = 0; row < height; row++) {
    sums.fill(0);
    for (let j = 0; j < SS; j++) {
      const y = vy + (row + (j + 0.5) / SS) * sy;
      // Where each layer covers this line, and the segments between all their ends, each under one set of layers.
      const cover = layers.map((layer) => (layer.clip ? intersect(layer.cover(y), layer.clip.fill(y)) : layer.cover(y)));
      const ends = cover.flat();
      for (let i = 1; i < ends.length; i++) {
        const v = ends[i];
        let k = i - 1;
        for (; k >= 0 && ends[k] > v; k--) ends[k + 1] = ends[k];
        ends[k + 1] = v;
      }
      const bounds = ends.filter((v, i) => i === 0 || v !== ends[i - 1]);
      const masks = new Int32Array(bounds.length + 1);
      cover.forEach((spans, k) => {
        for (let i = 0; i < spans.length; i += 2) {
          // Segment s lies between bounds[s - 1] and bounds[s].
          for (let seg = bounds.indexOf(spans[i]) + 1, end = bounds.indexOf(spans[i + 1]); seg <= end; seg++) masks[seg] |= 1 << k;
        }
      });
      const tiles = layers.map((layer) => (layer.paint.kind === 'pattern' ? tileRow(layer.paint, y) : null));
      // Per segment: its colour when it has only plain layers; else its colours by tile column (see tileColumns).
      const patterned = new Map<number, (Px | undefined)[]>();
      const segPlain: (Px | null)[] = [];
      const segCache: (Px | undefined)[][] = [];
      const segColumn: Int32Array[] = [];
      for (const mask of masks) {
        if (mask & patternMask) {
          const columns = tileColumns(tileWidth(layers, mask));
          let cache = patterned.get(mask);
          if (!cache) patterned.set(mask, (cache = new Array<Px | undefined>(columns.count)));
          segPlain.push(null);
          segCache.push(cache);
          segColumn.push(columns.of);
        } else {
          let known = plain.get(mask);
          if (!known) {
            known = { r: 0, g: 0, b: 0, a: 0 };
            composite(known, layers, tiles, mask, 0);
            plain.set(mask, known);
          }
          segPlain.push(known);
          segCache.push([]);
          segColumn.push(noColumns);
        }
      }
      let seg = 0;
      for (let i = 0; i < xs.length; i++) {
        const x = xs[i];
        while (seg < bounds.length && x >= bounds[seg]) seg++;
        let c = segPlain[seg];
        if (c === null) {
          // Constant along the segment but for the tiles, whose colours repeat with x modulo the tile.
          const col = segColumn[seg][i];
          const cache = segCache[seg];
          c = cache[col] ?? null;
          if (c === null) {
            c = { r: 0, g: 0, b: 0, a: 0 };
            composite(c, layers, tiles, masks[seg], x);
            cache[col] = c;
          }
        }
        const o = (i - (i % SS)) * (4 / SS);
        sums[o] += c.r;
        sums[o + 1] += c.g;
        sums[o + 2] += c.b;
        sums[o + 3] += c.a;
      }
    }
    for (let col = 0; col < width; col++) {
      const o = col * 4;
      const a = sums[o + 3] / n;
      const d = (row * width + col) * 4;
      // Unpremultiplied, as a canvas's getImageData returns it.
      if (a > 0) {
        data[d] = Math.round(sums[o] / n / a);
        data[d + 1] = Math.round(sums[o + 1] / n / a);
        data[d + 2] = Math.round(sums[o + 2] / n / a);
      }
      data[d + 3] = Math.round(a * 255);
    }
  }
  return { width, height, channels: 4, data };
}

/** The SVG text of a `data:image/svg+xml` URL (percent-encoded or base64), or null for another URL. */
export function svgOfDataUrl(url: string): string | null {
  const m = /^data:image\/svg\+xml((?:;[^,;]*)*),/.exec(url);
  if (!m) return null;
  const body = url.slice(m[0].length);
  return m[1].split(';').includes('base64') ? new TextDecoder().decode(Uint8Array.from(atob(body), (c) => c.charCodeAt(0))) : decodeURIComponent(body);
}
