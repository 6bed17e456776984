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

/** Decoded pixels: RGBA bytes, row-major (the shape lib/embed's RgbImage accepts). */
export interface RasterImage {
  width: number;
  height: number;
  channels: 4;
  data: Uint8ClampedArray;
}

/** Samples per pixel along each axis. */
const SS = 4;
/** Segments a quadratic curve is flattened into. */
const CURVE_STEPS = 16;
/** tan(θ/2) of the rotation step that flattens arcs (θ ≈ 5.7°): the rotation is exact rational arithmetic. */
const ARC_HALF_TAN = 0.05;

type Rgb = readonly [number, number, number];
interface Attrs {
  [name: string]: string;
}
interface Element {
  tag: string;
  attrs: Attrs;
  children: Element[];
}

/** x intervals covered on one horizontal line, flat [a0, b0, a1, b1, …], sorted and disjoint. */
type Spans = number[];

/** What a shape covers on the line y. */
interface Geometry {
  fill(y: number): Spans;
  stroke(y: number, half: number): Spans;
}

type Paint = { kind: 'colour'; rgb: Rgb } | { kind: 'pattern'; width: number; height: number; layers: Layer[] };

interface Layer {
  cover: (y: number) => Spans;
  clip: Geometry | null;
  paint: Paint;
  opacity: number;
}

function fail(what: string): never {
  throw new Error(`invalid demo drawing: ${what}`);
}

// ---------------------------------------------------------------- parsing

function parseSvg(svg: string): Element {
  const root: Element = { tag: '#root', attrs: {}, children: [] };
  const stack: Element[] = [root];
  const tag = /<(\/?)([a-zA-Z]+)((?:\s+[a-zA-Z:-]+="[^"]*")*)\s*(\/?)>/g;
  let at = 0;
  for (let m = tag.exec(svg); m; m = tag.exec(svg)) {
    if (svg.slice(at, m.index).trim()) fail(`text outside a tag at character ${at}`);
    at = m.index + m[0].length;
    const [, closing, name, rawAttrs, selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (!open || open.tag !== name) fail(`</${name}> closes <${open?.tag ?? 'nothing'}>`);
      continue;
    }
    const attrs: Attrs = {};
    for (const a of rawAttrs.matchAll(/([a-zA-Z:-]+)="([^"]*)"/g)) attrs[a[1]] = a[2];
    const el: Element = { tag: name, attrs, children: [] };
    stack[stack.length - 1].children.push(el);
    if (!selfClosing) stack.push(el);
  }
  if (svg.slice(at).trim()) fail(`text after the last tag at character ${at}`);
  if (stack.length !== 1) fail(`<${stack[stack.length - 1].tag}> is not closed`);
  const svgEl = root.children[0];
  if (root.children.length !== 1 || svgEl.tag !== 'svg') fail('expected one <svg> element');
  return svgEl;
}

function num(el: Element, name: string, fallback?: number): number {
  const raw = el.attrs[name];
  if (raw === undefined) {
    if (fallback === undefined) fail(`<${el.tag}> lacks ${name}`);
    return fallback;
  }
  const v = Number(raw);
  if (!Number.isFinite(v)) fail(`<${el.tag}> ${name}="${raw}"; expected a number`);
  return v;
}

function colour(raw: string): Rgb {
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(raw);
  if (short) return [parseInt(short[1] + short[1], 16), parseInt(short[2] + short[2], 16), parseInt(short[3] + short[3], 16)];
  const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(raw);
  if (long) return [parseInt(long[1], 16), parseInt(long[2], 16), parseInt(long[3], 16)];
  return fail(`colour "${raw}"; expected #rgb or #rrggbb`);
}

/** A path's subpaths as polylines (curves and arcs flattened). */
function parsePath(d: string): { points: number[]; closed: boolean }[] {
  const tokens = d.match(/-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[A-Za-z]/g) ?? [];
  const out: { points: number[]; closed: boolean }[] = [];
  let cur: { points: number[]; closed: boolean } | null = null;
  let x = 0;
  let y = 0;
  let i = 0;
  let cmd = '';
  const next = () => {
    const t = tokens[i++];
    if (t === undefined || /[A-Za-z]/.test(t)) fail(`path "${d}": a number is missing after ${cmd}`);
    return Number(t);
  };
  while (i < tokens.length) {
    if (/[A-Za-z]/.test(tokens[i])) cmd = tokens[i++];
    else if (!cmd) fail(`path "${d}" does not start with a command`);
    const rel = cmd === cmd.toLowerCase();
    const ox = rel ? x : 0;
    const oy = rel ? y : 0;
    switch (cmd.toUpperCase()) {
      case 'M':
        x = ox + next();
        y = oy + next();
        cur = { points: [x, y], closed: false };
        out.push(cur);
        cmd = rel ? 'l' : 'L';
        break;
      case 'L':
        x = ox + next();
        y = oy + next();
        (cur ?? fail(`path "${d}": L before M`)).points.push(x, y);
        break;
      case 'Q': {
        const cx = ox + next();
        const cy = oy + next();
        const ex = ox + next();
        const ey = oy + next();
        const pts = (cur ?? fail(`path "${d}": Q before M`)).points;
        for (let s = 1; s <= CURVE_STEPS; s++) {
          const t = s / CURVE_STEPS;
          const u = 1 - t;
          pts.push(u * u * x + 2 * u * t * cx + t * t * ex, u * u * y + 2 * u * t * cy + t * t * ey);
        }
        x = ex;
        y = ey;
        break;
      }
      case 'A': {
        const rx = next();
        const ry = next();
        const rot = next();
        const large = next();
        const sweep = next();
        const ex = ox + next();
        const ey = oy + next();
        if (rx !== ry || rot !== 0) fail(`path "${d}": only circular arcs without rotation are supported`);
        arc((cur ?? fail(`path "${d}": A before M`)).points, x, y, rx, large !== 0, sweep !== 0, ex, ey);
        x = ex;
        y = ey;
        break;
      }
      case 'Z':
        if (!cur) fail(`path "${d}": Z before M`);
        cur.closed = true;
        x = cur.points[0];
        y = cur.points[1];
        break;
      default:
        fail(`path command ${cmd} in "${d}"; expected M, L, Q, A or Z`);
    }
  }
  return out;
}

/** Appends a circular arc (SVG endpoint form, radius r) from (x0, y0) to (x1, y1) as a polyline. */
function arc(pts: number[], x0: number, y0: number, r: number, large: boolean, sweep: boolean, x1: number, y1: number): void {
  const hx = (x0 - x1) / 2;
  const hy = (y0 - y1) / 2;
  const d2 = hx * hx + hy * hy;
  if (d2 === 0) return;
  // The SVG spec's centre (F.6.5) for rx = ry, no rotation; a radius too small is scaled up (F.6.6).
  const k = Math.sqrt(Math.max(0, (r * r - d2) / d2)) * (large !== sweep ? 1 : -1);
  const cx = k * hy + (x0 + x1) / 2;
  const cy = -k * hx + (y0 + y1) / 2;
  // Rotate the start vector by a fixed rational step towards the end, then finish on the end point.
  const c = (1 - ARC_HALF_TAN * ARC_HALF_TAN) / (1 + ARC_HALF_TAN * ARC_HALF_TAN);
  const s = ((sweep ? 2 : -2) * ARC_HALF_TAN) / (1 + ARC_HALF_TAN * ARC_HALF_TAN);
  let vx = x0 - cx;
  let vy = y0 - cy;
  const ex = x1 - cx;
  const ey = y1 - cy;
  // Angle still to go, in steps: the sign of the cross product tells which side of the end we are on.
  const total = sweepAngle(vx, vy, ex, ey, sweep);
  const steps = Math.ceil(total / (2 * Math.atan(ARC_HALF_TAN))) - 1;
  for (let i = 0; i < steps; i++) {
    const nx = vx * c - vy * s;
    vy = vx * s + vy * c;
    vx = nx;
    pts.push(cx + vx, cy + vy);
  }
  pts.push(x1, y1);
}

/** Angle (radians, in (0, 2π]) swept from v to e in the arc's direction (y down: sweep = clockwise on screen). */
function sweepAngle(vx: number, vy: number, ex: number, ey: number, sweep: boolean): number {
  const a = Math.atan2(vx * ey - vy * ex, vx * ex + vy * ey);
  const signed = sweep ? a : -a;
  return signed <= 0 ? signed + 2 * Math.PI : signed;
}

// ---------------------------------------------------------------- coverage

/** Sorts flat pairs [a0, b0, a1, b1, …] in place by a, then b (insertion sort: lists here are short). */
function sortPairs(iv: number[]): void {
  for (let i = 2; i < iv.length; i += 2) {
    const a = iv[i];
    const b = iv[i + 1];
    let j = i - 2;
    while (j >= 0 && (iv[j] > a || (iv[j] === a && iv[j + 1] > b))) {
      iv[j + 2] = iv[j];
      iv[j + 3] = iv[j + 1];
      j -= 2;
    }
    iv[j + 2] = a;
    iv[j + 3] = b;
  }
}

/** Sorts and merges intervals (flat pairs; sorted in place). */
function merge(iv: number[]): Spans {
  if (iv.length <= 2) return iv;
  sortPairs(iv);
  const out: number[] = [iv[0], iv[1]];
  for (let i = 2; i < iv.length; i += 2) {
    if (iv[i] <= out[out.length - 1]) out[out.length - 1] = Math.max(out[out.length - 1], iv[i + 1]);
    else out.push(iv[i], iv[i + 1]);
  }
  return out;
}

/** The capsule of radius h around segment AB, cut by the line y: one interval (it is convex), or none. */
function capsule(ax: number, ay: number, bx: number, by: number, h: number, y: number, out: number[]): void {
  if (y < Math.min(ay, by) - h || y > Math.max(ay, by) + h) return;
  let lo = Infinity;
  let hi = -Infinity;
  const da = y - ay;
  if (da * da <= h * h) {
    const dx = Math.sqrt(h * h - da * da);
    lo = ax - dx;
    hi = ax + dx;
  }
  const db = y - by;
  if (db * db <= h * h) {
    const dx = Math.sqrt(h * h - db * db);
    lo = Math.min(lo, bx - dx);
    hi = Math.max(hi, bx + dx);
  }
  const vx = bx - ax;
  const vy = by - ay;
  const len2 = vx * vx + vy * vy;
  if (len2 > 0) {
    // Body: 0 <= (P-A)·v <= |v|² and |(P-A)×v| <= h|v|, each linear in x on this line.
    let a = -Infinity;
    let b = Infinity;
    const cut = (slope: number, at0: number, min: number, max: number) => {
      // min <= slope·(x − ax) + at0 <= max
      if (slope === 0) {
        if (at0 < min || at0 > max) b = -Infinity;
        return;
      }
      const p = (min - at0) / slope + ax;
      const q = (max - at0) / slope + ax;
      a = Math.max(a, Math.min(p, q));
      b = Math.min(b, Math.max(p, q));
    };
    const dy = y - ay;
    cut(vx, dy * vy, 0, len2);
    const lim = h * Math.sqrt(len2);
    cut(-vy, dy * vx, -lim, lim);
    if (a <= b) {
      lo = Math.min(lo, a);
      hi = Math.max(hi, b);
    }
  }
  if (lo <= hi) out.push(lo, hi);
}

function pathGeometry(d: string): Geometry {
  const subs = parsePath(d);
  return {
    fill(y) {
      // Nonzero rule: every subpath closed for filling. Crossings as pairs (x, direction).
      const cross: number[] = [];
      for (const { points: p } of subs) {
        const n = p.length / 2;
        for (let i = 0; i < n; i++) {
          const j = i + 1 === n ? 0 : i + 1;
          const y0 = p[2 * i + 1];
          const y1 = p[2 * j + 1];
          if ((y0 <= y && y < y1) || (y1 <= y && y < y0)) {
            const x0 = p[2 * i];
            cross.push(x0 + ((y - y0) * (p[2 * j] - x0)) / (y1 - y0), y1 > y0 ? 1 : -1);
          }
        }
      }
      sortPairs(cross);
      const out: Spans = [];
      let wind = 0;
      for (let i = 0; i < cross.length; i += 2) {
        const was = wind;
        wind += cross[i + 1];
        if ((was === 0) !== (wind === 0)) out.push(cross[i]);
      }
      return merge(out);
    },
    stroke(y, h) {
      const out: number[] = [];
      for (const { points: p, closed } of subs) {
        const n = p.length / 2;
        const segs = closed ? n : n - 1;
        for (let i = 0; i < segs; i++) {
          const j = (i + 1) % n;
          capsule(p[2 * i], p[2 * i + 1], p[2 * j], p[2 * j + 1], h, y, out);
        }
        if (n === 1) capsule(p[0], p[1], p[0], p[1], h, y, out);
      }
      return merge(out);
    },
  };
}

function rectGeometry(el: Element): Geometry {
  const x = num(el, 'x', 0);
  const y0 = num(el, 'y', 0);
  const w = num(el, 'width');
  const h = num(el, 'height');
  const corners = `M${x} ${y0} L${x + w} ${y0} L${x + w} ${y0 + h} L${x} ${y0 + h} Z`;
  const outline = pathGeometry(corners);
  return { fill: (y) => (y >= y0 && y < y0 + h ? [x, x + w] : []), stroke: outline.stroke };
}

function circleGeometry(el: Element): Geometry {
  const cx = num(el, 'cx', 0);
  const cy = num(el, 'cy', 0);
  const r = num(el, 'r');
  const chord = (rad: number, y: number): number | null => {
    const dy = y - cy;
    return dy * dy < rad * rad ? Math.sqrt(rad * rad - dy * dy) : null;
  };
  return {
    fill(y) {
      const dx = chord(r, y);
      return dx === null ? [] : [cx - dx, cx + dx];
    },
    stroke(y, h) {
      const outer = chord(r + h, y);
      if (outer === null) return [];
      const inner = r > h ? chord(r - h, y) : null;
      return inner === null ? [cx - outer, cx + outer] : [cx - outer, cx - inner, cx + inner, cx + outer];
    },
  };
}

function covers(spans: Spans, x: number): boolean {
  for (let i = 0; i < spans.length; i += 2) if (x >= spans[i] && x < spans[i + 1]) return true;
  return false;
}

// ---------------------------------------------------------------- scene

interface Scene {
  width: number;
  height: number;
  /** viewBox origin and size. */
  vb: [number, number, number, number];
  layers: Layer[];
}

function buildScene(svg: Element): Scene {
  const width = num(svg, 'width');
  const height = num(svg, 'height');
  const vb = (svg.attrs.viewBox ?? `0 0 ${width} ${height}`).trim().split(/[\s,]+/).map(Number);
  if (vb.length !== 4 || vb.some((v) => !Number.isFinite(v)) || vb[2] <= 0 || vb[3] <= 0) fail(`viewBox "${svg.attrs.viewBox}"`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > 4_000_000) fail(`size ${width}x${height}`);
  const defs = new Map<string, Element>();
  const collect = (el: Element) => {
    for (const c of el.children) {
      if (c.attrs.id) defs.set(c.attrs.id, c);
      if (c.tag === 'defs') collect(c);
    }
  };
  collect(svg);
  return { width, height, vb: vb as Scene['vb'], layers: layersOf(svg.children, defs) };
}

function geometryOf(el: Element): Geometry {
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

function paintOf(raw: string, defs: Map<string, Element>): Paint | null {
  if (raw === 'none') return null;
  const id = refOf(raw);
  if (id === null) return { kind: 'colour', rgb: colour(raw) };
  const p = defs.get(id);
  if (!p || p.tag !== 'pattern') fail(`fill url(#${id}) names no <pattern>`);
  if (p.attrs.patternUnits !== 'userSpaceOnUse') fail(`<pattern id="${id}"> needs patternUnits="userSpaceOnUse"`);
  return { kind: 'pattern', width: num(p, 'width'), height: num(p, 'height'), layers: layersOf(p.children, defs) };
}

function layersOf(children: Element[], defs: Map<string, Element>): Layer[] {
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

/** The intersection of two sorted disjoint span lists. */
function intersect(a: Spans, b: Spans): Spans {
  const out: Spans = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const lo = Math.max(a[i], b[j]);
    const hi = Math.min(a[i + 1], b[j + 1]);
    if (lo < hi) out.push(lo, hi);
    if (a[i + 1] < b[j + 1]) i += 2;
    else j += 2;
  }
  return out;
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
