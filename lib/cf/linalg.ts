/**
 * Small dense kernels over row-major Float32Array factor matrices, written as
 * plain loops (V8 compiles them well) and shared by the solvers and the loss.
 */

/** Gram matrix YᵀY (k × k, float64) of a row-major (n × k) matrix, plus `ridge` on the diagonal. */
export function gram(y: Float32Array, n: number, k: number, ridge = 0): Float64Array {
  const g = new Float64Array(k * k);
  // Accumulate the upper triangle row by row (cache friendly), then mirror.
  for (let r = 0; r < n; r++) {
    const o = r * k;
    for (let a = 0; a < k; a++) {
      const ya = y[o + a];
      if (ya === 0) continue;
      const ga = a * k;
      for (let b = a; b < k; b++) g[ga + b] += ya * y[o + b];
    }
  }
  for (let a = 0; a < k; a++) {
    g[a * k + a] += ridge;
    for (let b = a + 1; b < k; b++) g[b * k + a] = g[a * k + b];
  }
  return g;
}

/**
 * Solves A x = b in place for a symmetric positive definite A (k × k,
 * row-major, overwritten by its Cholesky factor). Returns false when A is not
 * positive definite.
 */
export function choleskySolve(a: Float64Array, b: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j++) {
    let d = a[j * k + j];
    for (let m = 0; m < j; m++) d -= a[j * k + m] * a[j * k + m];
    if (!(d > 0)) return false;
    const l = Math.sqrt(d);
    a[j * k + j] = l;
    for (let i = j + 1; i < k; i++) {
      let s = a[i * k + j];
      for (let m = 0; m < j; m++) s -= a[i * k + m] * a[j * k + m];
      a[i * k + j] = s / l;
    }
  }
  // Forward (L z = b), then backward (Lᵀ x = z).
  for (let i = 0; i < k; i++) {
    let s = b[i];
    for (let m = 0; m < i; m++) s -= a[i * k + m] * b[m];
    b[i] = s / a[i * k + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i];
    for (let m = i + 1; m < k; m++) s -= a[m * k + i] * b[m];
    b[i] = s / a[i * k + i];
  }
  return true;
}

/** Largest absolute value, or NaN when any entry is not finite. */
export function maxAbs(x: Float32Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) return NaN;
    const a = v < 0 ? -v : v;
    if (a > m) m = a;
  }
  return m;
}
