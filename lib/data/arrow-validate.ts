/**
 * The fast check for Arrow data read from Parquet: does every row already
 * satisfy the schema, so the batch can go into DuckDB as it is? It works on
 * Arrow's buffers (offsets, bytes, typed arrays) without building a JS value
 * per cell. It only answers yes or no: a batch with any doubt (an odd type,
 * a null, an empty string, an id that does not match) goes through
 * validateColumns, which produces the row-level messages and drops bad rows.
 * So a clean batch and the generic path always agree.
 */
import type { Data, Table, Vector } from 'apache-arrow';
import { ARTICLE_ID, CUSTOMER_ID, dayRange, type ColumnSpec, type TableSchema } from './schema';

/**
 * A byte pattern: every string has `length` bytes, each one allowed by `allowed` (a 256-entry table);
 * `pairs` is the same for two bytes at once (a 65,536-entry table, indexed by a little-endian 16-bit word).
 */
interface BytePattern {
  length: number;
  allowed: Uint8Array;
  pairs: Uint8Array;
}

const table = (ranges: [string, string][]): Uint8Array => {
  const t = new Uint8Array(256);
  for (const [a, b] of ranges) for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c++) t[c] = 1;
  return t;
};

const pattern = (length: number, ranges: [string, string][]): BytePattern => {
  const allowed = table(ranges);
  const pairs = new Uint8Array(65536);
  for (let w = 0; w < 65536; w++) pairs[w] = allowed[w & 0xff] & allowed[w >> 8];
  return { length, allowed, pairs };
};

/** Byte-level versions of the id patterns (a regex per string would need a decoded string per cell). */
const BYTE_PATTERNS = new Map<RegExp, BytePattern>([
  [ARTICLE_ID, pattern(10, [['0', '9']])],
  [CUSTOMER_ID, pattern(64, [['0', '9'], ['a', 'f']])],
]);

/**
 * Fixed-length ids without nulls: every offset step is `length` and every
 * byte of the values buffer is allowed (one pass over contiguous bytes, four
 * at a time where the bytes are 4-aligned, as Arrow's buffers are).
 */
function fixedClean(d: Data, p: BytePattern): boolean {
  const offsets = d.valueOffsets as Int32Array;
  const bytes = d.values as Uint8Array;
  const { length, allowed, pairs } = p;
  for (let i = 0; i < d.length; i++) if (offsets[i + 1] - offsets[i] !== length) return false;
  let k = offsets[0];
  const end = offsets[d.length];
  // Bytes up to the first 4-aligned one, then 32-bit words (two pair lookups each), then the tail.
  while (k < end && (bytes.byteOffset + k) % 4 !== 0) if (allowed[bytes[k++]] === 0) return false;
  const words = (end - k) >> 2;
  if (words > 0) {
    const w32 = new Uint32Array(bytes.buffer, bytes.byteOffset + k, words);
    for (let j = 0; j < words; j++) {
      const w = w32[j];
      if ((pairs[w & 0xffff] & pairs[w >>> 16]) === 0) return false;
    }
    k += words * 4;
  }
  for (; k < end; k++) if (allowed[bytes[k]] === 0) return false;
  return true;
}

const isValid = (d: Data, i: number): boolean => d.nullCount === 0 || !d.nullBitmap || ((d.nullBitmap[(d.offset + i) >> 3] >> ((d.offset + i) & 7)) & 1) === 1;

function stringsClean(vec: Vector, spec: ColumnSpec): boolean {
  const fixed = spec.pattern ? BYTE_PATTERNS.get(spec.pattern) : undefined;
  const dec = new TextDecoder();
  for (const d of vec.data) {
    if (d.offset !== 0) return false;
    const offsets = d.valueOffsets as Int32Array | BigInt64Array;
    const big = offsets instanceof BigInt64Array;
    if (fixed && !big && d.nullCount === 0) {
      if (!fixedClean(d, fixed)) return false;
      continue;
    }
    const bytes = d.values as Uint8Array;
    for (let i = 0; i < d.length; i++) {
      if (!isValid(d, i)) {
        if (!spec.nullable) return false;
        continue;
      }
      const s = big ? Number(offsets[i]) : (offsets[i] as number);
      const e = big ? Number(offsets[i + 1]) : (offsets[i + 1] as number);
      // An empty string is "missing" to the generic validator (null, or a bad row).
      if (e === s) return false;
      if (fixed) {
        if (e - s !== fixed.length) return false;
        for (let k = s; k < e; k++) if (fixed.allowed[bytes[k]] === 0) return false;
      } else if (spec.pattern && !spec.pattern.test(dec.decode(bytes.subarray(s, e)))) return false;
    }
  }
  return true;
}

function numbersClean(vec: Vector, spec: ColumnSpec): boolean {
  const { min, max, oneOf, above } = spec;
  const checks = min !== undefined || max !== undefined || oneOf !== undefined || above !== undefined;
  for (const d of vec.data) {
    const values = d.values as ArrayLike<number | bigint>;
    if (d.nullCount === 0 && !(values instanceof BigInt64Array || values instanceof BigUint64Array)) {
      // No nulls and plain numbers: the same checks without a validity bit or a conversion per value.
      const nums = values as ArrayLike<number>;
      const lo = min ?? -Infinity;
      const hi = max ?? Infinity;
      const over = above ?? -Infinity;
      for (let i = d.offset, e = d.offset + d.length; i < e; i++) {
        const v = nums[i];
        if (!Number.isFinite(v) || v < lo || v > hi || v <= over) return false;
        if (oneOf !== undefined) {
          let listed = false;
          for (let j = 0; j < oneOf.length && !listed; j++) listed = v === oneOf[j];
          if (!listed) return false;
        }
      }
      continue;
    }
    for (let i = 0; i < d.length; i++) {
      if (!isValid(d, i)) {
        if (!spec.nullable) return false;
        continue;
      }
      const v = Number(values[d.offset + i]);
      if (!Number.isFinite(v)) return false;
      if (checks && ((min !== undefined && v < min) || (above !== undefined && v <= above) || (max !== undefined && v > max) || (oneOf !== undefined && !oneOf.includes(v)))) return false;
    }
  }
  return true;
}

function datesClean(vec: Vector, spec: ColumnSpec): boolean {
  if (!spec.nullable && vec.nullCount > 0) return false;
  const range = dayRange(spec);
  if (!range) return true;
  const [first, last] = range;
  for (const d of vec.data) {
    const values = d.values as Int32Array;
    if (d.nullCount === 0) {
      for (let i = d.offset, e = d.offset + d.length; i < e; i++) if (values[i] < first || values[i] > last) return false;
      continue;
    }
    for (let i = 0; i < d.length; i++) {
      const v = values[d.offset + i];
      if (isValid(d, i) && (v < first || v > last)) return false;
    }
  }
  return true;
}

/**
 * True when every schema column is in `t` with a type DuckDB can take as it
 * is (Utf8 for text, integers for ints, integers or floats for floats,
 * Date32 for dates) and every value passes the column's checks.
 */
export function arrowIsClean(t: Table, schema: TableSchema): boolean {
  for (const spec of schema.columns) {
    const vec = t.getChild(spec.name);
    if (!vec) return false;
    const type = String(vec.type);
    const isInt = /^U?Int(8|16|32|64)$/.test(type);
    const isFloat = type === 'Float32' || type === 'Float64';
    let ok: boolean;
    switch (spec.type) {
      case 'string':
        ok = (type === 'Utf8' || type === 'LargeUtf8') && stringsClean(vec, spec);
        break;
      case 'int':
        ok = isInt && numbersClean(vec, spec);
        break;
      case 'float':
        ok = (isInt || isFloat) && numbersClean(vec, spec);
        break;
      case 'date':
        ok = type === 'Date32<DAY>' && datesClean(vec, spec);
        break;
    }
    if (!ok) return false;
  }
  return true;
}
