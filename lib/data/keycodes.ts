/**
 * Codes of byte strings in a fixed list of keys (an ENUM's values, in code
 * order): the Parquet loader maps customer_id to its ENUM code here, on
 * Arrow's bytes, so DuckDB-WASM appends a 4-byte integer a row instead of
 * hashing a 64-character string into its ENUM dictionary (lib/data/duckdb/stream.ts).
 * An open-addressing table over one arena of the keys' bytes; a hit compares
 * every byte, so a string that is not a key never gets a code. Strings whose
 * bytes start and end on 4-byte boundaries (fixed-length ids in an aligned
 * Arrow buffer) are hashed and compared four bytes at a time; keys of one
 * length (ids) are stored in their slots, so a lookup's two memory reads overlap.
 */
import type { Vector } from 'apache-arrow';

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** One step of MurmurHash3's mixing: the hash so far with the next 32-bit word. */
const mix = (h: number, w: number): number => {
  w = Math.imul(w, C1);
  h ^= Math.imul((w << 15) | (w >>> 17), C2);
  return (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
};

const finish = (h: number): number => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
};

/** The hash of bytes [s, e): little-endian 32-bit words, then the last 0-3 bytes one a step. */
function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = (e - s) ^ 0x9747b28c;
  let k = s;
  for (; k + 4 <= e; k += 4) h = mix(h, b[k] | (b[k + 1] << 8) | (b[k + 2] << 16) | (b[k + 3] << 24));
  for (; k < e; k++) h = mix(h, b[k]);
  return finish(h);
}

/** The same hash of words [s, e) (the bytes 4s..4e, on a little-endian machine). */
function hashWords(w: Uint32Array, s: number, e: number): number {
  let h = ((e - s) * 4) ^ 0x9747b28c;
  for (let k = s; k < e; k++) h = mix(h, w[k]);
  return finish(h);
}

/** Typed arrays read bytes in the machine's order; the word path needs little-endian (every browser's). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The chunks of a Utf8 vector, or null when one is sliced or the type is not Utf8 (no fast path for them). */
function utf8Chunks(vec: Vector): { offsets: Int32Array; bytes: Uint8Array; length: number; nulls: boolean }[] | null {
  if (String(vec.type) !== 'Utf8') return null;
  const out = [];
  for (const d of vec.data) {
    if (d.offset !== 0) return null;
    out.push({ offsets: d.valueOffsets as Int32Array, bytes: d.values as Uint8Array, length: d.length, nulls: d.nullCount > 0 });
  }
  return out;
}

/** Ints per slot: the key's hash, its code + 1 (0: an empty slot), where its bytes start in the arena, its length. */
const SLOT = 4;

/** A fixed list of keys and the code (position) of each. */
export class KeyCodes {
  /** Number of keys. */
  readonly size: number;
  /** Every key's bytes, each key starting on a 4-byte boundary. */
  private readonly arena: Uint8Array;
  private readonly arenaWords: Uint32Array;
  /** Open addressing with linear probing, SLOT ints a slot: a hit reads one slot and the key's bytes. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  /**
   * Keys of one length, a multiple of 4 bytes (ids): instead, slot i holds its key's bytes at words i * `width` of
   * `fixedKeys` and its code + 1 in `fixedCodes`, so both reads of a lookup have addresses known from the hash alone
   * and the CPU overlaps their cache misses (a third off the lookup at 1.37M ids in Node). `width` is 0 otherwise.
   */
  private readonly width: number = 0;
  private readonly fixedKeys = new Uint32Array(0);
  private readonly fixedCodes = new Int32Array(0);

  /** The keys of a Utf8 vector without nulls, in code order (key k gets code k); duplicates are an error. */
  constructor(keys: Vector) {
    const chunks = utf8Chunks(keys);
    if (!chunks || chunks.some((c) => c.nulls)) throw new Error(`KeyCodes: keys must be Utf8 without nulls, not ${String(keys.type)}`);
    const n = keys.length;
    this.size = n;
    let cap = 16;
    while (cap < 1.5 * n) cap *= 2;
    this.mask = cap - 1;
    const firstChunk = chunks.find((c) => c.length > 0);
    const len0 = firstChunk ? firstChunk.offsets[1] - firstChunk.offsets[0] : 0;
    const fixed = LITTLE_ENDIAN && len0 > 0 && len0 % 4 === 0 && chunks.every((c) => c.offsets[c.length] - c.offsets[0] === c.length * len0 && c.offsets.subarray(0, c.length + 1).every((o, i) => o - c.offsets[0] === i * len0));
    if (fixed) {
      this.width = len0 / 4;
      this.fixedKeys = new Uint32Array(cap * this.width);
      this.fixedCodes = new Int32Array(cap);
      this.arenaWords = new Uint32Array(0);
      this.arena = new Uint8Array(0);
      this.slots = new Int32Array(0);
      const key = new Uint32Array(this.width);
      const keyBytes = new Uint8Array(key.buffer);
      let code = 0;
      for (const c of chunks) {
        for (let i = 0; i < c.length; i++, code++) {
          keyBytes.set(c.bytes.subarray(c.offsets[i], c.offsets[i + 1]));
          const h = hashWords(key, 0, this.width);
          if (this.findFixed(key, 0, h) >= 0) throw new Error(`KeyCodes: key ${code} is a duplicate`);
          let slot = h & this.mask;
          while (this.fixedCodes[slot] !== 0) slot = (slot + 1) & this.mask;
          this.fixedCodes[slot] = code + 1;
          this.fixedKeys.set(key, slot * this.width);
        }
      }
      return;
    }
    let total = 0;
    for (const c of chunks) for (let i = 0; i < c.length; i++) total += (c.offsets[i + 1] - c.offsets[i] + 3) & ~3;
    this.arenaWords = new Uint32Array(total / 4);
    this.arena = new Uint8Array(this.arenaWords.buffer);
    this.slots = new Int32Array(cap * SLOT);
    let code = 0;
    let at = 0;
    for (const c of chunks) {
      for (let i = 0; i < c.length; i++, code++) {
        const len = c.offsets[i + 1] - c.offsets[i];
        this.arena.set(c.bytes.subarray(c.offsets[i], c.offsets[i + 1]), at);
        const h = hashBytes(this.arena, at, at + len);
        if (this.find(this.arena, at, at + len, h) >= 0) throw new Error(`KeyCodes: key ${code} is a duplicate`);
        let slot = h & this.mask;
        while (this.slots[slot * SLOT + 1] !== 0) slot = (slot + 1) & this.mask;
        const p = slot * SLOT;
        this.slots[p] = h;
        this.slots[p + 1] = code + 1;
        this.slots[p + 2] = at;
        this.slots[p + 3] = len;
        at += (len + 3) & ~3;
      }
    }
  }

  /** With keys of one length: the code of the `width` words of `w` from word `s`, with hash `h`, or -1. */
  private findFixed(w: Uint32Array, s: number, h: number): number {
    const { fixedKeys, fixedCodes, width, mask } = this;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const a = slot * width;
      // Both reads depend on the slot only, not on each other.
      const first = fixedKeys[a];
      const code1 = fixedCodes[slot];
      if (code1 === 0) return -1;
      if (first !== w[s]) continue;
      let j = 1;
      while (j < width && fixedKeys[a + j] === w[s + j]) j++;
      if (j === width) return code1 - 1;
    }
  }

  /** The code of bytes [s, e) of `b` with hash `h`, or -1. */
  private find(b: Uint8Array, s: number, e: number, h: number): number {
    const { slots, arena, mask } = this;
    const len = e - s;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const p = slot * SLOT;
      const code1 = slots[p + 1];
      if (code1 === 0) return -1;
      if (slots[p] !== h || slots[p + 3] !== len) continue;
      const ks = slots[p + 2];
      let j = 0;
      while (j < len && arena[ks + j] === b[s + j]) j++;
      if (j === len) return code1 - 1;
    }
  }

  /** find() for words [s, e) of `w` (keys start on word boundaries in the arena). */
  private findWords(w: Uint32Array, s: number, e: number, h: number): number {
    const { slots, arenaWords, mask } = this;
    const len = (e - s) * 4;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const p = slot * SLOT;
      const code1 = slots[p + 1];
      if (code1 === 0) return -1;
      if (slots[p] !== h || slots[p + 3] !== len) continue;
      const ks = slots[p + 2] >> 2;
      let j = 0;
      while (j < e - s && arenaWords[ks + j] === w[s + j]) j++;
      if (j === e - s) return code1 - 1;
    }
  }

  /** The code of one string, or -1. */
  codeOf(text: string): number {
    const b = new TextEncoder().encode(text);
    if (this.width > 0) {
      if (b.length !== this.width * 4) return -1;
      const w = new Uint32Array(b.slice().buffer);
      return this.findFixed(w, 0, hashWords(w, 0, this.width));
    }
    return this.find(b, 0, b.length, hashBytes(b, 0, b.length));
  }

  /**
   * The code of every row of a Utf8 vector, or null when a row is null, is
   * not a key, or the vector is not plain Utf8 (the caller then takes its
   * path that names such rows).
   */
  codes(vec: Vector): Uint32Array | null {
    const chunks = utf8Chunks(vec);
    if (!chunks) return null;
    const out = new Uint32Array(vec.length);
    let row = 0;
    for (const c of chunks) {
      if (c.nulls) return null;
      const { offsets, bytes } = c;
      const words = LITTLE_ENDIAN && bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2) : null;
      const width = this.width;
      for (let i = 0; i < c.length; i++) {
        const s = offsets[i];
        const e = offsets[i + 1];
        let k: number;
        if (width > 0) {
          // Keys of one length: another length is not a key; bytes off a word boundary are copied to one.
          if (e - s !== width * 4) return null;
          if (words && (s & 3) === 0) k = this.findFixed(words, s >> 2, hashWords(words, s >> 2, (s >> 2) + width));
          else {
            const w = new Uint32Array(bytes.slice(s, e).buffer);
            k = this.findFixed(w, 0, hashWords(w, 0, width));
          }
        } else k = words && ((s | e) & 3) === 0 ? this.findWords(words, s >> 2, e >> 2, hashWords(words, s >> 2, e >> 2)) : this.find(bytes, s, e, hashBytes(bytes, s, e));
        if (k < 0) return null;
        out[row++] = k;
      }
    }
    return out;
  }
}
