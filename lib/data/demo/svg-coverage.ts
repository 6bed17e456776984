/**
 * What a shape of a demo drawing covers on one horizontal line, as sorted x
 * intervals: nonzero fills of paths, strokes as capsules around each segment
 * (round joins and caps), rectangles and circles (lib/data/demo/raster.ts
 * composites them).
 */
import { num, parsePath, type SvgElement } from './svg-parse';

/** x intervals covered on one horizontal line, flat [a0, b0, a1, b1, …], sorted and disjoint. */
export type Spans = number[];

/** What a shape covers on the line y. */
export interface Geometry {
  fill(y: number): Spans;
  stroke(y: number, half: number): Spans;
}

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

export function pathGeometry(d: string): Geometry {
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

export function rectGeometry(el: SvgElement): Geometry {
  const x = num(el, 'x', 0);
  const y0 = num(el, 'y', 0);
  const w = num(el, 'width');
  const h = num(el, 'height');
  const corners = `M${x} ${y0} L${x + w} ${y0} L${x + w} ${y0 + h} L${x} ${y0 + h} Z`;
  const outline = pathGeometry(corners);
  return { fill: (y) => (y >= y0 && y < y0 + h ? [x, x + w] : []), stroke: outline.stroke };
}

export function circleGeometry(el: SvgElement): Geometry {
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

export function covers(spans: Spans, x: number): boolean {
  for (let i = 0; i < spans.length; i += 2) if (x >= spans[i] && x < spans[i + 1]) return true;
  return false;
}

/** The intersection of two sorted disjoint span lists. */
export function intersect(a: Spans, b: Spans): Spans {
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
