/**
 * NumPy's `.npy` format (version 1.0) for float32 matrices: the documented
 * binary format `numpy.load` reads. Layout: the magic `\x93NUMPY`, version
 * 1.0, a little-endian uint16 header length, an ASCII dict header padded with
 * spaces and ended by a newline so that the data starts at a multiple of 64
 * bytes, then the values in C order, little-endian float32.
 */

/** A float32 matrix of `shape` (rows, columns) as .npy bytes. */
export function npyFloat32(data: Float32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`invalid shape: ${JSON.stringify(shape)} holds ${count} values; the data has ${data.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return out;
}
