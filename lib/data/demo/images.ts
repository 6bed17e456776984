/**
 * Product images for the demo: a small SVG per article with a silhouette for
 * its product type, filled with its colour group's colour and a pattern for
 * its graphical appearance, so "looks similar" means something to an image
 * model. Plain strings: usable as `data:` URLs or Blob URLs.
 */
import { APPEARANCES, COLOURS, PRODUCT_TYPES, type Pattern, type Shape } from './vocab';

/** What an image depends on. */
export interface ArticleLook {
  shape: Shape;
  /** Fill colour, #rrggbb. */
  colour: string;
  pattern: Pattern;
}

const SHAPES: Record<Shape, string> = {
  tshirt: 'M18 12 L26 9 Q30 13 34 9 L42 12 L52 24 L45 30 L41 26 L41 78 L19 78 L19 26 L15 30 L8 24 Z',
  sweater: 'M18 11 L26 8 Q30 12 34 8 L42 11 L50 40 L52 72 L45 72 L42 36 L41 80 L19 80 L18 36 L15 72 L8 72 L10 40 Z',
  vest: 'M22 10 L25 10 Q30 22 35 10 L38 10 L40 28 L42 78 L18 78 L20 28 Z',
  shirt: 'M18 12 L26 9 L30 16 L34 9 L42 12 L50 42 L52 70 L45 70 L42 34 L41 80 L19 80 L18 34 L15 70 L8 70 L10 42 Z M30 16 L30 80',
  jacket: 'M16 12 L26 8 L30 20 L34 8 L44 12 L52 42 L53 76 L45 76 L43 36 L44 84 L16 84 L17 36 L15 76 L7 76 L8 42 Z M30 20 L30 84',
  trousers: 'M19 8 L41 8 L44 84 L33 84 L30 30 L27 84 L16 84 Z',
  leggings: 'M21 8 L39 8 L40 84 L32 84 L30 30 L28 84 L20 84 Z',
  shorts: 'M18 20 L42 20 L46 58 L33 58 L30 36 L27 58 L14 58 Z',
  skirt: 'M21 18 L39 18 L48 68 L12 68 Z',
  dress: 'M23 8 L27 8 Q30 14 33 8 L37 8 L39 30 L36 36 L50 84 L10 84 L24 36 L21 30 Z',
  shoe: 'M10 52 L24 50 L30 56 L48 58 Q54 60 52 68 L10 68 Z',
  boot: 'M16 22 L32 22 L32 54 L48 58 Q54 60 52 70 L16 70 Z',
  bag: 'M14 36 L46 36 L50 76 L10 76 Z M22 36 Q22 20 30 20 Q38 20 38 36',
  hat: 'M14 50 Q14 24 30 24 Q46 24 46 50 L50 56 L10 56 Z',
  socks: 'M20 14 L32 14 L32 56 L44 64 Q48 72 40 74 L22 70 Q18 66 20 60 Z',
  bra: 'M10 36 Q18 26 28 40 L32 40 Q42 26 50 36 L50 50 Q40 54 30 46 Q20 54 10 50 Z',
  briefs: 'M12 34 L48 34 L44 48 Q34 52 32 62 L28 62 Q26 52 16 48 Z',
  swimsuit: 'M22 10 L26 10 Q30 30 34 10 L38 10 L40 40 L44 70 Q34 64 30 76 Q26 64 16 70 L20 40 Z',
  earring: 'M20 30 A8 8 0 1 0 20.1 30 Z M40 30 A8 8 0 1 0 40.1 30 Z M20 22 L20 14 M40 22 L40 14',
  scarf: 'M16 10 L44 10 L44 40 L38 84 L28 84 L32 40 L16 40 Z',
};

const TYPE_SHAPE = new Map(PRODUCT_TYPES.map((t) => [t.name, t.shape]));
const GROUP_SHAPE: Record<string, Shape> = {
  'Garment Upper body': 'tshirt', 'Garment Lower body': 'trousers', 'Garment Full body': 'dress', Underwear: 'briefs', Swimwear: 'swimsuit',
  'Socks & Tights': 'socks', Shoes: 'shoe', Accessories: 'bag', Nightwear: 'dress',
};
const COLOUR_HEX = new Map(COLOURS.map((c) => [c.name, c.hex]));
const PATTERN_OF = new Map(APPEARANCES.map((a) => [a.name, a.pattern]));

/** The look of an article from its H&M attributes (works for real articles too; unknown values fall back to neutral ones). */
export function lookOf(a: { productTypeName?: string | null; productGroupName?: string | null; colourGroupName?: string | null; appearanceName?: string | null }): ArticleLook {
  return {
    shape: TYPE_SHAPE.get(a.productTypeName ?? '') ?? GROUP_SHAPE[a.productGroupName ?? ''] ?? 'tshirt',
    colour: COLOUR_HEX.get(a.colourGroupName ?? '') ?? '#9a9a9a',
    pattern: PATTERN_OF.get(a.appearanceName ?? '') ?? 'solid',
  };
}

function contrast(hex: string): string {
  const v = parseInt(hex.slice(1), 16);
  const l = 0.299 * ((v >> 16) & 255) + 0.587 * ((v >> 8) & 255) + 0.114 * (v & 255);
  return l > 140 ? '#2a2a2a' : '#f4f4f4';
}

function patternDef(p: Pattern, fg: string): string {
  switch (p) {
    case 'solid':
      return '';
    case 'stripe':
      return `<pattern id="p" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="2.4" fill="${fg}"/></pattern>`;
    case 'check':
      return `<pattern id="p" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="2" fill="${fg}" opacity=".6"/><rect width="2" height="8" fill="${fg}" opacity=".6"/></pattern>`;
    case 'dot':
      return `<pattern id="p" width="6" height="6" patternUnits="userSpaceOnUse"><circle cx="3" cy="3" r="1.2" fill="${fg}"/></pattern>`;
    case 'allover':
      return `<pattern id="p" width="10" height="10" patternUnits="userSpaceOnUse"><circle cx="3" cy="3" r="2" fill="${fg}" opacity=".7"/><path d="M6 7 l3 2 l-3 1 z" fill="${fg}" opacity=".7"/></pattern>`;
    case 'melange':
      return `<pattern id="p" width="3" height="3" patternUnits="userSpaceOnUse"><rect width="1" height="1" fill="${fg}" opacity=".35"/><rect x="2" y="1" width="1" height="1" fill="${fg}" opacity=".25"/></pattern>`;
    case 'denim':
      return `<pattern id="p" width="3" height="3" patternUnits="userSpaceOnUse"><path d="M0 3 L3 0" stroke="#d8e0ee" stroke-width=".5" opacity=".6"/></pattern>`;
    case 'lace':
      return `<pattern id="p" width="6" height="6" patternUnits="userSpaceOnUse"><circle cx="3" cy="3" r="2" fill="none" stroke="${fg}" stroke-width=".5"/></pattern>`;
    case 'glitter':
      return `<pattern id="p" width="5" height="5" patternUnits="userSpaceOnUse"><path d="M1 1 l1 0.4 l-1 0.4 z M3.5 3 l1 .5 l-1 .5 z" fill="#fff8c0"/></pattern>`;
    case 'print':
    case 'blocking':
      return '';
  }
}

/** An SVG document (120×180 px, the 2:3 aspect of H&M photos) for a look. */
export function articleSvg(look: ArticleLook): string {
  const shape = SHAPES[look.shape];
  const fg = contrast(look.colour);
  const defs = patternDef(look.pattern, fg);
  const overlay = defs ? `<path d="${shape}" fill="url(#p)"/>` : '';
  const extra =
    look.pattern === 'print'
      ? `<circle cx="30" cy="40" r="7" fill="${fg}" opacity=".8"/>`
      : look.pattern === 'blocking'
        ? `<clipPath id="c"><path d="${shape}"/></clipPath><rect x="0" y="45" width="60" height="45" fill="${fg}" opacity=".45" clip-path="url(#c)"/>`
        : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="180" viewBox="0 0 60 90">` +
    `<defs>${defs}</defs><rect width="60" height="90" fill="#f2f1ef"/>` +
    `<path d="${shape}" fill="${look.colour}" stroke="#555" stroke-width=".6" stroke-linejoin="round"/>${overlay}${extra}</svg>`
  );
}

/** `data:image/svg+xml,...` URL for an article's look (usable as <img src>). */
export function articleImageDataUrl(look: ArticleLook): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(articleSvg(look))}`;
}
