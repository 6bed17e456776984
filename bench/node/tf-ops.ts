/** Profiled TF.js kernels summed by op name: op → [milliseconds, calls] (bench/node's profiles). */
export function timeByOp(kernels: readonly { name: string; kernelTimeMs: unknown }[]): Map<string, [number, number]> {
  const byOp = new Map<string, [number, number]>();
  for (const k of kernels) {
    const a = byOp.get(k.name) ?? [0, 0];
    a[0] += Number(k.kernelTimeMs);
    a[1]++;
    byOp.set(k.name, a);
  }
  return byOp;
}
