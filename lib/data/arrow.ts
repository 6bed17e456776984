/**
 * Column tables ↔ Apache Arrow (v17, the version DuckDB-WASM pins). Arrow is
 * how tables enter DuckDB (`insertArrowTable`) and how they are stored in
 * the browser between reloads (IPC files). Numeric nulls (NaN) become Arrow
 * nulls; whole-number columns that fit become Int32, dates DateDay.
 */
import { DateDay, Float64, Int32, Table, Utf8, makeData, makeVector, type Vector } from 'apache-arrow';
import type { Column, ColumnTable } from './table';

function nullBitmap(values: Float64Array): { bitmap: Uint8Array; nulls: number } {
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  let nulls = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) nulls++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  }
  return { bitmap, nulls };
}

function fitsInt32(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v) && (v < -2147483648 || v > 2147483647 || !Number.isInteger(v))) return false;
  }
  return true;
}

/**
 * Utf8 vector built directly from offsets and bytes (apache-arrow's
 * vectorFromArray goes through a generic builder and is ~50x slower).
 */
export function utf8Vector(values: readonly (string | null)[]): Vector {
  const n = values.length;
  // Fast path: no nulls and only ASCII, so one native join + encode gives the bytes and lengths give offsets.
  let chars = 0;
  let hasNull = false;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      hasNull = true;
      break;
    }
    chars += v.length;
  }
  if (!hasNull && chars < 1 << 29) {
    const data = new TextEncoder().encode((values as string[]).join(''));
    if (data.length === chars) {
      const offsets = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + (values[i] as string).length;
      return makeVector(makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data }));
    }
  }
  const offsets = new Int32Array(n + 1);
  const bitmap = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  let bytes = new Uint8Array(Math.max(16, n * 8));
  const enc = new TextEncoder();
  let at = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) nulls++;
    else {
      bitmap[i >> 3] |= 1 << (i & 7);
      // UTF-8 needs at most 3 bytes per UTF-16 code unit.
      if (at + v.length * 3 > bytes.length) {
        const bigger = new Uint8Array(Math.max(bytes.length * 2, at + v.length * 3));
        bigger.set(bytes.subarray(0, at));
        bytes = bigger;
      }
      let ascii = true;
      for (let k = 0; k < v.length; k++) {
        const c = v.charCodeAt(k);
        if (c > 127) {
          ascii = false;
          break;
        }
        bytes[at + k] = c;
      }
      at += ascii ? v.length : enc.encodeInto(v, bytes.subarray(at)).written;
    }
    offsets[i + 1] = at;
  }
  return makeVector(makeData({ type: new Utf8(), length: n, valueOffsets: offsets, data: bytes.subarray(0, at), nullBitmap: nulls ? bitmap : undefined, nullCount: nulls }));
}

/** One column as an Arrow vector. */
export function columnToVector(col: Column): Vector {
  switch (col.type) {
    case 'string':
      return utf8Vector(col.values);
    case 'date':
      return makeVector(makeData({ type: new DateDay(), length: col.values.length, data: col.values }));
    case 'int':
    case 'float': {
      const { bitmap, nulls } = nullBitmap(col.values);
      if (col.type === 'int' && fitsInt32(col.values)) {
        const data = new Int32Array(col.values.length);
        for (let i = 0; i < data.length; i++) data[i] = Number.isNaN(col.values[i]) ? 0 : col.values[i];
        return makeVector(makeData({ type: new Int32(), length: data.length, data, nullBitmap: nulls ? bitmap : undefined, nullCount: nulls }));
      }
      return makeVector(makeData({ type: new Float64(), length: col.values.length, data: col.values, nullBitmap: nulls ? bitmap : undefined, nullCount: nulls }));
    }
  }
}

/** A column table as an Arrow table (column order kept). */
export function toArrowTable(t: ColumnTable): Table {
  const vectors: Record<string, Vector> = {};
  for (const [name, col] of Object.entries(t.columns)) vectors[name] = columnToVector(col);
  return new Table(vectors);
}

/**
 * An Arrow table (from IPC or from DuckDB) as a column table. Utf8 → string,
 * Date → date (days), Int* / Float* / Decimal → int or float (BigInt → number), nulls → null / NaN.
 */
export function fromArrowTable(t: Table, name: string): ColumnTable {
  const columns: Record<string, Column> = {};
  for (const field of t.schema.fields) {
    const vec = t.getChild(field.name);
    if (!vec) continue;
    const n = vec.length;
    const typeId = String(field.type);
    if (typeId === 'Utf8' || typeId === 'LargeUtf8') {
      const values: (string | null)[] = new Array(n);
      for (let i = 0; i < n; i++) values[i] = (vec.get(i) as string | null) ?? null;
      columns[field.name] = { type: 'string', values };
    } else if (typeId.startsWith('Date')) {
      const values = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = vec.get(i) as number | Date | null;
        values[i] = v === null ? 0 : Math.floor((v instanceof Date ? v.getTime() : v) / 86_400_000);
      }
      columns[field.name] = { type: 'date', values };
    } else {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = vec.get(i) as number | bigint | null;
        values[i] = v === null ? NaN : Number(v);
      }
      columns[field.name] = { type: /^u?int/i.test(typeId) ? 'int' : 'float', values };
    }
  }
  return { name, length: t.numRows, columns };
}
