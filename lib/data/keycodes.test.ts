import { describe, expect, it } from 'vitest';
import { makeData, makeVector, vectorFromArray, Utf8 } from 'apache-arrow';
import { KeyCodes } from './keycodes';

const utf8 = (values: (string | null)[]) => vectorFromArray(values, new Utf8());
const hex = (k: number) => k.toString(16).padStart(64, '0');

describe('KeyCodes', () => {
  it('gives each key its position, for 64-character ids (four bytes a step) and for strings of any length', () => {
    const ids = Array.from({ length: 5000 }, (_, k) => hex(k * 7919));
    const kc = new KeyCodes(utf8(ids));
    expect(kc.size).toBe(5000);
    const rows = Array.from({ length: 20000 }, (_, i) => ids[(i * 31) % ids.length]);
    expect(Array.from(kc.codes(utf8(rows))!)).toEqual(rows.map((_, i) => (i * 31) % ids.length));
    const words = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'é', '日本語', 'abcdefgh', 'x'.repeat(1000)];
    const kw = new KeyCodes(utf8(words));
    const probe = [...words].reverse();
    expect(Array.from(kw.codes(utf8(probe))!)).toEqual(probe.map((w) => words.indexOf(w)));
    expect(kw.codeOf('日本語')).toBe(7);
  });

  it('has no code for a string that is not a key, however close, nor for a null: the whole vector is then null', () => {
    const ids = Array.from({ length: 100 }, (_, k) => hex(k));
    const kc = new KeyCodes(utf8(ids));
    const near = hex(5).slice(0, 63) + 'g';
    expect(kc.codeOf(near)).toBe(-1);
    expect(kc.codeOf(hex(5).slice(1))).toBe(-1);
    expect(kc.codeOf(hex(5) + '0')).toBe(-1);
    expect(kc.codes(utf8([hex(1), near, hex(2)]))).toBeNull();
    expect(kc.codes(utf8([hex(1), null, hex(2)]))).toBeNull();
    expect(Array.from(kc.codes(utf8([hex(1), hex(2)]))!)).toEqual([1, 2]);
  });

  it('with keys of one length, finds them also off a word boundary in the buffer, and no string of another length', () => {
    const keys = ['abcdefgh', 'bcdefghi', 'cdefghij'];
    const kc = new KeyCodes(utf8(keys));
    // Values starting at byte 1 of their buffer: the lookups copy each string to a word boundary.
    const bytes = new TextEncoder().encode('_cdefghijabcdefgh');
    const odd = makeVector(makeData({ type: new Utf8(), length: 2, valueOffsets: Int32Array.from([1, 9, 17]), data: bytes }));
    expect(Array.from(kc.codes(odd)!)).toEqual([2, 0]);
    expect(kc.codes(utf8(['abcdefgh', 'abcdefg']))).toBeNull();
    expect(kc.codes(utf8(['abcdefgh', 'abcdefghabcdefgh']))).toBeNull();
    expect(kc.codeOf('bcdefghi')).toBe(1);
    expect(kc.codeOf('bcdefgh')).toBe(-1);
  });

  it('takes keys in several chunks, and refuses what it has no fast path for (a sliced vector, numbers) or duplicate keys', () => {
    const a = utf8([hex(1), hex(2)]);
    const b = utf8([hex(3)]);
    const kc = new KeyCodes(a.concat(b));
    expect(Array.from(kc.codes(b.concat(a))!)).toEqual([2, 0, 1]);
    expect(kc.codes(a.concat(b).slice(1))).toBeNull();
    expect(kc.codes(makeVector(new Int32Array([1, 2])))).toBeNull();
    expect(() => new KeyCodes(utf8(['a', 'b', 'a']))).toThrow(/duplicate/);
    expect(() => new KeyCodes(utf8(['a', null]))).toThrow(/without nulls/);
    const empty = new KeyCodes(utf8([]));
    expect(empty.size).toBe(0);
    expect(empty.codes(utf8(['a']))).toBeNull();
  });
});
