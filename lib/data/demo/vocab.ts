/**
 * The vocabulary of the demo catalogue: H&M's real category names and codes
 * (product types, indexes, sections, departments, colours, graphical
 * appearances), so the demo looks like the Kaggle data and joins the same way.
 */

/** Garment silhouettes the image renderer knows. */
export type Shape =
  | 'tshirt' | 'sweater' | 'vest' | 'shirt' | 'jacket' | 'trousers' | 'shorts' | 'skirt' | 'dress' | 'shoe'
  | 'boot' | 'bag' | 'hat' | 'socks' | 'bra' | 'briefs' | 'swimsuit' | 'earring' | 'scarf' | 'leggings';

export interface ProductTypeDef {
  no: number;
  name: string;
  group: string;
  garmentGroup: readonly [number, string];
  shape: Shape;
  /** Typical price in the Kaggle scale (SEK / 590). */
  price: number;
  /** Name stems for prod_name. */
  stems: readonly string[];
}

const G = {
  jerseyFancy: [1005, 'Jersey Fancy'], jerseyBasic: [1002, 'Jersey Basic'], knit: [1003, 'Knitwear'], under: [1017, 'Under-, Nightwear'],
  trousers: [1009, 'Trousers'], blouses: [1010, 'Blouses'], shoes: [1020, 'Shoes'], dresses: [1013, 'Dresses Ladies'], outdoor: [1007, 'Outdoor'],
  denim: [1016, 'Trousers Denim'], swim: [1018, 'Swimwear'], socks: [1021, 'Socks and Tights'], shirts: [1011, 'Shirts'], shorts: [1025, 'Shorts'],
  skirts: [1012, 'Skirts'], acc: [1019, 'Accessories'], dressed: [1008, 'Dressed'],
} as const;

export const PRODUCT_TYPES: readonly ProductTypeDef[] = [
  { no: 255, name: 'T-shirt', group: 'Garment Upper body', garmentGroup: G.jerseyBasic, shape: 'tshirt', price: 0.014, stems: ['Tee', 'Basic tee', 'Oversized T-shirt', 'Fitted tee'] },
  { no: 254, name: 'Top', group: 'Garment Upper body', garmentGroup: G.jerseyFancy, shape: 'tshirt', price: 0.017, stems: ['Cropped top', 'Ribbed top', 'Wrap top'] },
  { no: 253, name: 'Vest top', group: 'Garment Upper body', garmentGroup: G.jerseyBasic, shape: 'vest', price: 0.01, stems: ['Strap top', 'Vest top', 'Tank'] },
  { no: 252, name: 'Sweater', group: 'Garment Upper body', garmentGroup: G.knit, shape: 'sweater', price: 0.03, stems: ['Knitted jumper', 'Cable-knit sweater', 'Fine-knit jumper'] },
  { no: 245, name: 'Cardigan', group: 'Garment Upper body', garmentGroup: G.knit, shape: 'sweater', price: 0.032, stems: ['Cardigan', 'Knitted cardigan'] },
  { no: 308, name: 'Hoodie', group: 'Garment Upper body', garmentGroup: G.jerseyFancy, shape: 'sweater', price: 0.03, stems: ['Hoodie', 'Zip-through hoodie'] },
  { no: 258, name: 'Blouse', group: 'Garment Upper body', garmentGroup: G.blouses, shape: 'shirt', price: 0.028, stems: ['Blouse', 'Frill blouse', 'Satin blouse'] },
  { no: 259, name: 'Shirt', group: 'Garment Upper body', garmentGroup: G.shirts, shape: 'shirt', price: 0.03, stems: ['Oxford shirt', 'Linen shirt', 'Slim fit shirt'] },
  { no: 262, name: 'Jacket', group: 'Garment Upper body', garmentGroup: G.outdoor, shape: 'jacket', price: 0.06, stems: ['Padded jacket', 'Denim jacket', 'Bomber jacket'] },
  { no: 264, name: 'Blazer', group: 'Garment Upper body', garmentGroup: G.dressed, shape: 'jacket', price: 0.05, stems: ['Blazer', 'Double-breasted blazer'] },
  { no: 272, name: 'Trousers', group: 'Garment Lower body', garmentGroup: G.trousers, shape: 'trousers', price: 0.033, stems: ['Slim jeans', 'Wide trousers', 'Cargo trousers', 'Joggers'] },
  { no: 274, name: 'Shorts', group: 'Garment Lower body', garmentGroup: G.shorts, shape: 'shorts', price: 0.02, stems: ['Denim shorts', 'Sweatshorts', 'Linen shorts'] },
  { no: 275, name: 'Skirt', group: 'Garment Lower body', garmentGroup: G.skirts, shape: 'skirt', price: 0.028, stems: ['Pleated skirt', 'Mini skirt', 'Midi skirt'] },
  { no: 273, name: 'Leggings/Tights', group: 'Garment Lower body', garmentGroup: G.jerseyBasic, shape: 'leggings', price: 0.015, stems: ['Leggings', 'Sports tights'] },
  { no: 265, name: 'Dress', group: 'Garment Full body', garmentGroup: G.dresses, shape: 'dress', price: 0.04, stems: ['Jersey dress', 'Wrap dress', 'Shirt dress', 'Maxi dress'] },
  { no: 306, name: 'Bra', group: 'Underwear', garmentGroup: G.under, shape: 'bra', price: 0.022, stems: ['Push-up bra', 'Soft bra', 'Lace bra'] },
  { no: 286, name: 'Underwear bottom', group: 'Underwear', garmentGroup: G.under, shape: 'briefs', price: 0.008, stems: ['Brazilian briefs', 'Thong', 'Hipster briefs'] },
  { no: 59, name: 'Swimwear bottom', group: 'Swimwear', garmentGroup: G.swim, shape: 'briefs', price: 0.012, stems: ['Bikini bottoms', 'Tie-side bikini bottoms'] },
  { no: 57, name: 'Swimsuit', group: 'Swimwear', garmentGroup: G.swim, shape: 'swimsuit', price: 0.03, stems: ['Swimsuit', 'Cut-out swimsuit'] },
  { no: 302, name: 'Socks', group: 'Socks & Tights', garmentGroup: G.socks, shape: 'socks', price: 0.007, stems: ['5-pack socks', 'Ankle socks', 'Sports socks'] },
  { no: 94, name: 'Sneakers', group: 'Shoes', garmentGroup: G.shoes, shape: 'shoe', price: 0.04, stems: ['Trainers', 'Chunky trainers', 'Canvas trainers'] },
  { no: 87, name: 'Boots', group: 'Shoes', garmentGroup: G.shoes, shape: 'boot', price: 0.06, stems: ['Chelsea boots', 'Ankle boots'] },
  { no: 66, name: 'Bag', group: 'Accessories', garmentGroup: G.acc, shape: 'bag', price: 0.025, stems: ['Shoulder bag', 'Shopper', 'Crossbody bag'] },
  { no: 75, name: 'Hat/beanie', group: 'Accessories', garmentGroup: G.acc, shape: 'hat', price: 0.012, stems: ['Rib-knit hat', 'Beanie', 'Bucket hat'] },
  { no: 70, name: 'Earring', group: 'Accessories', garmentGroup: G.acc, shape: 'earring', price: 0.01, stems: ['Hoop earrings', 'Drop earrings'] },
  { no: 80, name: 'Scarf', group: 'Accessories', garmentGroup: G.acc, shape: 'scarf', price: 0.018, stems: ['Scarf', 'Wool-blend scarf'] },
];

export interface DepartmentDef {
  no: number;
  name: string;
  /** Product type numbers sold here. */
  types: readonly number[];
}
export interface SectionDef {
  no: number;
  name: string;
  departments: readonly DepartmentDef[];
}
export interface IndexDef {
  code: string;
  name: string;
  groupNo: number;
  groupName: string;
  /** Mean age of the customers who shop here. */
  age: number;
  sections: readonly SectionDef[];
}

export const INDEXES: readonly IndexDef[] = [
  { code: 'A', name: 'Ladieswear', groupNo: 1, groupName: 'Ladieswear', age: 38, sections: [
    { no: 15, name: 'Womens Everyday Collection', departments: [
      { no: 1636, name: 'Jersey fancy', types: [254, 253, 255] }, { no: 1322, name: 'Dress', types: [265] },
      { no: 1522, name: 'Blouse', types: [258] }, { no: 1626, name: 'Knitwear', types: [252, 245] }, { no: 1722, name: 'Trouser', types: [272, 275] }] },
    { no: 16, name: 'Womens Everyday Basics', departments: [{ no: 1676, name: 'Jersey Basic', types: [255, 253, 273] }] },
    { no: 11, name: 'Womens Tailoring', departments: [{ no: 1515, name: 'Blouse', types: [258, 259] }, { no: 1717, name: 'Trouser', types: [272] }, { no: 1313, name: 'Dress', types: [265] }] },
    { no: 19, name: 'Womens Jackets', departments: [{ no: 1201, name: 'Outwear', types: [262, 264] }] },
  ] },
  { code: 'B', name: 'Lingeries/Tights', groupNo: 1, groupName: 'Ladieswear', age: 36, sections: [
    { no: 61, name: 'Womens Lingerie', departments: [{ no: 1338, name: 'Expressive Lingerie', types: [306, 286] }, { no: 1334, name: 'Casual Lingerie', types: [306, 286] }] },
    { no: 60, name: 'Womens Swimwear, beachwear', departments: [{ no: 4242, name: 'Swimwear', types: [57, 59] }] },
  ] },
  { code: 'C', name: 'Ladies Accessories', groupNo: 1, groupName: 'Ladieswear', age: 37, sections: [
    { no: 66, name: 'Womens Small accessories', departments: [{ no: 4344, name: 'Jewellery', types: [70] }, { no: 4343, name: 'Hair Accessories', types: [75, 80] }] },
    { no: 65, name: 'Womens Big accessories', departments: [{ no: 3209, name: 'Bags', types: [66] }] },
    { no: 64, name: 'Womens Shoes', departments: [{ no: 3527, name: 'Flats', types: [94, 87] }] },
  ] },
  { code: 'D', name: 'Divided', groupNo: 2, groupName: 'Divided', age: 24, sections: [
    { no: 53, name: 'Divided Collection', departments: [
      { no: 1640, name: 'Tops Fancy Jersey', types: [254, 253] }, { no: 1344, name: 'Dresses', types: [265, 275] },
      { no: 1647, name: 'Tops Knitwear', types: [252, 308] }, { no: 1747, name: 'Trousers', types: [272, 274] }] },
    { no: 51, name: 'Divided Basics', departments: [{ no: 1643, name: 'Basic 1', types: [255, 273] }] },
    { no: 52, name: 'Divided Accessories', departments: [{ no: 3945, name: 'Knit & Woven', types: [75, 66, 70] }] },
  ] },
  { code: 'F', name: 'Menswear', groupNo: 3, groupName: 'Menswear', age: 35, sections: [
    { no: 20, name: 'Contemporary Smart', departments: [{ no: 5828, name: 'Jersey Fancy', types: [255, 308] }, { no: 5830, name: 'Shirt', types: [259] }] },
    { no: 21, name: 'Contemporary Casual', departments: [{ no: 5848, name: 'Jersey Fancy', types: [255, 252] }, { no: 5850, name: 'Trouser', types: [272, 274] }] },
    { no: 26, name: 'Men Underwear', departments: [{ no: 5832, name: 'Light Basic Jersey', types: [255, 302, 286] }] },
    { no: 25, name: 'Men Accessories', departments: [{ no: 9985, name: 'Accessories', types: [75, 80, 66] }] },
    { no: 27, name: 'Men Shoes', departments: [{ no: 3629, name: 'Shoes', types: [94, 87] }] },
    { no: 31, name: 'Mens Outerwear', departments: [{ no: 5210, name: 'Outdoor', types: [262, 264] }] },
  ] },
  { code: 'H', name: 'Children Sizes 92-140', groupNo: 4, groupName: 'Baby/Children', age: 34, sections: [
    { no: 76, name: 'Kids Girl', departments: [{ no: 7616, name: 'Kids Girl Jersey Fancy', types: [254, 255] }, { no: 7613, name: 'Kids Girl Dresses', types: [265, 275] }] },
    { no: 46, name: 'Kids Boy', departments: [{ no: 7648, name: 'Kids Boy Jersey Fancy', types: [255, 308] }, { no: 7656, name: 'Kids Boy Trouser', types: [272, 274] }] },
  ] },
  { code: 'G', name: 'Baby Sizes 50-98', groupNo: 4, groupName: 'Baby/Children', age: 31, sections: [
    { no: 44, name: 'Baby Essentials & Complements', departments: [{ no: 6515, name: 'Baby basics', types: [255, 273, 302] }, { no: 6541, name: 'Baby Socks', types: [302] }] },
  ] },
  { code: 'S', name: 'Sport', groupNo: 26, groupName: 'Sport', age: 32, sections: [
    { no: 5, name: 'Ladies H&M Sport', departments: [{ no: 8316, name: 'Ladies Sport Bras', types: [306] }, { no: 8310, name: 'Ladies Sport Bottoms', types: [273, 274] }] },
    { no: 22, name: 'Men H&M Sport', departments: [{ no: 8410, name: 'Men Sport Tops', types: [255, 308] }] },
  ] },
];

export interface ColourDef {
  code: number;
  name: string;
  valueId: number;
  valueName: string;
  masterId: number;
  masterName: string;
  hex: string;
  /** Relative frequency in the catalogue. */
  weight: number;
}

export const COLOURS: readonly ColourDef[] = [
  { code: 9, name: 'Black', valueId: 4, valueName: 'Dark', masterId: 5, masterName: 'Black', hex: '#1b1b1d', weight: 22 },
  { code: 73, name: 'Dark Blue', valueId: 4, valueName: 'Dark', masterId: 2, masterName: 'Blue', hex: '#1f2f57', weight: 10 },
  { code: 10, name: 'White', valueId: 3, valueName: 'Light', masterId: 9, masterName: 'White', hex: '#f7f7f4', weight: 9 },
  { code: 51, name: 'Light Pink', valueId: 1, valueName: 'Dusty Light', masterId: 4, masterName: 'Pink', hex: '#efc3c8', weight: 5 },
  { code: 7, name: 'Grey', valueId: 1, valueName: 'Dusty Light', masterId: 12, masterName: 'Grey', hex: '#8f9093', weight: 3 },
  { code: 12, name: 'Light Beige', valueId: 1, valueName: 'Dusty Light', masterId: 11, masterName: 'Beige', hex: '#e3d5bd', weight: 3 },
  { code: 11, name: 'Off White', valueId: 1, valueName: 'Dusty Light', masterId: 9, masterName: 'White', hex: '#efeadf', weight: 2.5 },
  { code: 8, name: 'Dark Grey', valueId: 4, valueName: 'Dark', masterId: 12, masterName: 'Grey', hex: '#4a4b4f', weight: 2 },
  { code: 43, name: 'Dark Red', valueId: 4, valueName: 'Dark', masterId: 18, masterName: 'Red', hex: '#6e1a22', weight: 2 },
  { code: 72, name: 'Blue', valueId: 2, valueName: 'Medium Dusty', masterId: 2, masterName: 'Blue', hex: '#4c6fa8', weight: 2 },
  { code: 71, name: 'Light Blue', valueId: 1, valueName: 'Dusty Light', masterId: 2, masterName: 'Blue', hex: '#a9c4e0', weight: 2 },
  { code: 13, name: 'Beige', valueId: 2, valueName: 'Medium Dusty', masterId: 11, masterName: 'Beige', hex: '#c8b08c', weight: 1.5 },
  { code: 42, name: 'Red', valueId: 5, valueName: 'Bright', masterId: 18, masterName: 'Red', hex: '#c8202e', weight: 3 },
  { code: 19, name: 'Greenish Khaki', valueId: 4, valueName: 'Dark', masterId: 20, masterName: 'Khaki green', hex: '#5d5d3c', weight: 2.5 },
  { code: 5, name: 'Gold', valueId: 5, valueName: 'Bright', masterId: 15, masterName: 'Metal', hex: '#c9a640', weight: 1.3 },
  { code: 93, name: 'Dark Green', valueId: 4, valueName: 'Dark', masterId: 19, masterName: 'Green', hex: '#1f4a32', weight: 1.2 },
  { code: 31, name: 'Light Orange', valueId: 1, valueName: 'Dusty Light', masterId: 3, masterName: 'Orange', hex: '#f2b483', weight: 1.1 },
  { code: 22, name: 'Yellow', valueId: 7, valueName: 'Medium', masterId: 8, masterName: 'Yellow', hex: '#f0cf37', weight: 1.2 },
  { code: 17, name: 'Yellowish Brown', valueId: 2, valueName: 'Medium Dusty', masterId: 13, masterName: 'Brown', hex: '#8a6233', weight: 1.4 },
  { code: 3, name: 'Silver', valueId: 3, valueName: 'Light', masterId: 15, masterName: 'Metal', hex: '#c0c2c6', weight: 0.7 },
  { code: 81, name: 'Light Turquoise', valueId: 3, valueName: 'Light', masterId: 7, masterName: 'Turquoise', hex: '#8fd3cf', weight: 0.9 },
  { code: 61, name: 'Light Purple', valueId: 3, valueName: 'Light', masterId: 6, masterName: 'Lilac Purple', hex: '#c6b1dc', weight: 0.6 },
];

/** Patterns the image renderer draws. */
export type Pattern = 'solid' | 'allover' | 'melange' | 'stripe' | 'denim' | 'print' | 'check' | 'blocking' | 'lace' | 'dot' | 'glitter';

export interface AppearanceDef {
  no: number;
  name: string;
  pattern: Pattern;
  weight: number;
}

export const APPEARANCES: readonly AppearanceDef[] = [
  { no: 1010016, name: 'Solid', pattern: 'solid', weight: 50 },
  { no: 1010001, name: 'All over pattern', pattern: 'allover', weight: 17 },
  { no: 1010010, name: 'Melange', pattern: 'melange', weight: 6 },
  { no: 1010017, name: 'Stripe', pattern: 'stripe', weight: 5 },
  { no: 1010023, name: 'Denim', pattern: 'denim', weight: 5 },
  { no: 1010008, name: 'Front print', pattern: 'print', weight: 3.2 },
  { no: 1010014, name: 'Placement print', pattern: 'print', weight: 3.1 },
  { no: 1010004, name: 'Check', pattern: 'check', weight: 2.2 },
  { no: 1010005, name: 'Colour blocking', pattern: 'blocking', weight: 1.8 },
  { no: 1010021, name: 'Lace', pattern: 'lace', weight: 1.5 },
  { no: 1010006, name: 'Dot', pattern: 'dot', weight: 0.7 },
  { no: 1010009, name: 'Glittering/Metallic', pattern: 'glitter', weight: 1 },
];

/** First names used in prod_name ("Ellie strap top"), as H&M does. */
export const NAME_PREFIXES: readonly string[] = [
  'Ellie', 'Tilly', 'Mona', 'Luna', 'Siv', 'Ava', 'Nora', 'Ida', 'Maja', 'Felix', 'Oskar', 'Leo', 'Alva', 'Freja', 'Edith', 'Vera',
  'Stella', 'Juno', 'Iris', 'Hugo', 'Otto', 'Elsa', 'Saga', 'Tove', 'Lykke', 'Billie', 'Harper', 'Quinn', 'Rio', 'Nova',
];

/** Adjectives and materials for detail_desc. */
export const MATERIALS: readonly string[] = ['soft cotton jersey', 'organic cotton', 'a viscose weave', 'rib-knit fabric', 'stretch denim', 'recycled polyester', 'linen-blend fabric', 'fine-knit wool blend', 'satin', 'lyocell twill'];
export const DETAILS: readonly string[] = ['a round neckline', 'short sleeves', 'long sleeves', 'a V-neck', 'an elasticated waist', 'side pockets', 'a relaxed fit', 'a regular fit', 'narrow shoulder straps', 'a wide hem', 'buttons down the front', 'a concealed zip'];
