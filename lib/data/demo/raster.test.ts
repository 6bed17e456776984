import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { articleImageDataUrl, articleSvg } from './images';
import { rasteriseSvg, svgOfDataUrl } from './raster';
import { APPEARANCES, COLOURS, PRODUCT_TYPES, type Shape } from './vocab';

const SHAPES = [...new Set<Shape>([...PRODUCT_TYPES.map((t) => t.shape), 'leggings'])];
const PATTERNS = [...new Set(APPEARANCES.map((a) => a.pattern))];
const sha = (b: Uint8ClampedArray) => createHash('sha256').update(b).digest('hex').slice(0, 16);

describe('demo drawing rasteriser', () => {
  it('draws every shape and pattern as librsvg (sharp) does, up to anti-aliasing', async () => {
    let worst = 0;
    for (const [i, shape] of SHAPES.entries()) {
      for (const [j, pattern] of PATTERNS.entries()) {
        const svg = articleSvg({ shape, colour: COLOURS[(i * 5 + j) % COLOURS.length].hex, pattern });
        const ours = rasteriseSvg(svg);
        expect([ours.width, ours.height, ours.channels]).toEqual([120, 180, 4]);
        const ref = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer();
        let sum = 0;
        let far = 0;
        for (let k = 0; k < ref.length; k++) {
          const d = Math.abs(ref[k] - ours.data[k]);
          sum += d;
          if (d > 64) far++;
        }
        // Edges are anti-aliased differently (4x4 samples here); the drawing itself is the same.
        worst = Math.max(worst, sum / ref.length);
        expect(far / ref.length, `${shape} ${pattern}`).toBeLessThan(0.005);
      }
    }
    expect(worst).toBeLessThan(2);
  });

  it('gives the same bytes every time (pinned: the ML worker and the headless runner embed these pixels)', () => {
    const a = rasteriseSvg(articleSvg({ shape: 'earring', colour: '#c0a0d8', pattern: 'stripe' }));
    const b = rasteriseSvg(articleSvg({ shape: 'earring', colour: '#c0a0d8', pattern: 'stripe' }));
    expect(sha(a.data)).toBe(sha(b.data));
    expect({
      earring: sha(a.data),
      bag: sha(rasteriseSvg(articleSvg({ shape: 'bag', colour: '#8fd3ce', pattern: 'check' })).data),
      dress: sha(rasteriseSvg(articleSvg({ shape: 'dress', colour: '#1f2a44', pattern: 'blocking' })).data),
    }).toMatchSnapshot();
  });

  it('reads the drawing out of its data URL', () => {
    const svg = articleSvg({ shape: 'shirt', colour: '#ffffff', pattern: 'denim' });
    expect(svgOfDataUrl(articleImageDataUrl({ shape: 'shirt', colour: '#ffffff', pattern: 'denim' }))).toBe(svg);
    expect(svgOfDataUrl(`data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`)).toBe(svg);
    expect(svgOfDataUrl('blob:http://x/1')).toBeNull();
    expect(svgOfDataUrl('data:image/png;base64,AAAA')).toBeNull();
  });

  it('refuses what it cannot draw, by name', () => {
    expect(() => rasteriseSvg('<svg width="10" height="10"><text x="1"/></svg>')).toThrow(/<text> is not a shape/);
    expect(() => rasteriseSvg('<svg width="10" height="10"><path d="M0 0 C1 1 2 2 3 3"/></svg>')).toThrow(/path command C/);
    expect(() => rasteriseSvg('<svg width="10" height="10"><rect width="5"/></svg>')).toThrow(/<rect> lacks height/);
    expect(() => rasteriseSvg('<svg width="10" height="10"><rect width="5" height="5" fill="red"/></svg>')).toThrow(/colour "red"/);
    expect(() => rasteriseSvg('<svg width="10" height="10"><g>')).toThrow(/<g> is not closed/);
    expect(() => rasteriseSvg('<png/>')).toThrow(/expected one <svg> element/);
  });
});
