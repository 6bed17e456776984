import { describe, expect, it } from 'vitest';
import { npyFloat32 } from './npy';

describe('npyFloat32', () => {
  it('writes a version 1.0 header that numpy reads, data aligned to 64 bytes, C-order little-endian float32', () => {
    const bytes = npyFloat32(Float32Array.from([1, 2, 3, 4, 5, 6.5]), [2, 3]);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLen = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLen) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLen));
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    const values = new DataView(bytes.buffer, 10 + headerLen);
    expect(Array.from({ length: 6 }, (_, i) => values.getFloat32(i * 4, true))).toEqual([1, 2, 3, 4, 5, 6.5]);
    expect(new TextDecoder().decode(npyFloat32(new Float32Array(3), [3]).subarray(10, 70))).toContain("'shape': (3,)");
    expect(() => npyFloat32(new Float32Array(5), [2, 3])).toThrow('invalid shape: [2,3] holds 6 values; the data has 5');
  });
});
