/**
 * The SVG subset the demo's drawings use, parsed (lib/data/demo/raster.ts
 * draws it): elements and attributes, colours, and path data with curves and
 * circular arcs flattened into polylines, using only +, −, ×, ÷ and sqrt on
 * the points (an arc's step count uses atan2, its points do not).
 */

/** Segments a quadratic curve is flattened into. */
const CURVE_STEPS = 16;
/** tan(θ/2) of the rotation step that flattens arcs (θ ≈ 5.7°): the rotation is exact rational arithmetic. */
const ARC_HALF_TAN = 0.05;

export type Rgb = readonly [number, number, number];
export interface Attrs {
  [name: string]: string;
}
export interface SvgElement {
  tag: string;
  attrs: Attrs;
  children: SvgElement[];
}

export function fail(what: string): never {
  throw new Error(`invalid demo drawing: ${what}`);
}

export function parseSvg(svg: string): SvgElement {
  const root: SvgElement = { tag: '#root', attrs: {}, children: [] };
  const stack: SvgElement[] = [root];
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
    const el: SvgElement = { tag: name, attrs, children: [] };
    stack[stack.length - 1].children.push(el);
    if (!selfClosing) stack.push(el);
  }
  if (svg.slice(at).trim()) fail(`text after the last tag at character ${at}`);
  if (stack.length !== 1) fail(`<${stack[stack.length - 1].tag}> is not closed`);
  const svgEl = root.children[0];
  if (root.children.length !== 1 || svgEl.tag !== 'svg') fail('expected one <svg> element');
  return svgEl;
}

export function num(el: SvgElement, name: string, fallback?: number): number {
  const raw = el.attrs[name];
  if (raw === undefined) {
    if (fallback === undefined) fail(`<${el.tag}> lacks ${name}`);
    return fallback;
  }
  const v = Number(raw);
  if (!Number.isFinite(v)) fail(`<${el.tag}> ${name}="${raw}"; expected a number`);
  return v;
}

export function colour(raw: string): Rgb {
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(raw);
  if (short) return [parseInt(short[1] + short[1], 16), parseInt(short[2] + short[2], 16), parseInt(short[3] + short[3], 16)];
  const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(raw);
  if (long) return [parseInt(long[1], 16), parseInt(long[2], 16), parseInt(long[3], 16)];
  return fail(`colour "${raw}"; expected #rgb or #rrggbb`);
}

/** A path's subpaths as polylines (curves and arcs flattened). */
export function parsePath(d: string): { points: number[]; closed: boolean }[] {
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
