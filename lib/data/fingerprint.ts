/**
 * Dataset fingerprints: a 64-bit FNV-1a digest (two 32-bit lanes) over the
 * loaded tables and the loader options. Not cryptographic; it keys caches
 * and tells two notebook files whether they ran on the same data.
 */
import type { ColumnTable } from './table';

/** Incremental FNV-1a with two independent 32-bit lanes (hex digest of 16 characters). */
export class Fingerprint {
  private a = 0x811c9dc5;
  private b = 0x01000193 ^ 0x9e3779b9;

  /** Mixes bytes. */
  bytes(data: Uint8Array): this {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < data.length; i++) {
      a = Math.imul(a ^ data[i], 0x01000193);
      b = Math.imul(b ^ data[i], 0x0100019d);
    }
    this.a = a >>> 0;
    this.b = b >>> 0;
    return this;
  }

  /** Mixes a string (UTF-16 code units) followed by a separator. */
  text(s: string): this {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x0100019d);
    }
    this.a = Math.imul(a ^ 0xff, 0x01000193) >>> 0;
    this.b = Math.imul(b ^ 0xff, 0x0100019d) >>> 0;
    return this;
  }

  /** Mixes a typed array's bytes. */
  typed(v: Int32Array | Float64Array | Float32Array): this {
    return this.bytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }

  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}

/** Mixes a table's name, size and every value. */
export function fingerprintTable(fp: Fingerprint, t: ColumnTable): Fingerprint {
  fp.text(t.name).text(String(t.length));
  for (const [name, col] of Object.entries(t.columns)) {
    fp.text(name).text(col.type);
    if (col.type === 'string') for (const v of col.values) fp.text(v ?? '\u0000');
    else fp.typed(col.values);
  }
  return fp;
}
