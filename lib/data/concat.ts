/** Concatenation of column tables with the same columns (chunks of one stream). */
import type { Column, ColumnTable } from './table';

/** Appends tables with identical column names and types. */
export function concatTables(tables: readonly ColumnTable[]): ColumnTable {
  if (tables.length === 0) throw new Error('invalid tables: []; expected at least one table to concatenate');
  const first = tables[0];
  const n = tables.reduce((s, t) => s + t.length, 0);
  const columns: Record<string, Column> = {};
  for (const [name, col] of Object.entries(first.columns)) {
    const parts = tables.map((t) => {
      const c = t.columns[name];
      if (!c || c.type !== col.type) throw new Error(`invalid table ${t.name}: column ${name} is ${c?.type ?? 'missing'}; expected ${col.type}`);
      return c;
    });
    switch (col.type) {
      case 'string':
        columns[name] = { type: 'string', values: parts.flatMap((p) => p.values as (string | null)[]) };
        break;
      case 'int':
      case 'float': {
        const out = new Float64Array(n);
        let at = 0;
        for (const p of parts) out.set(p.values as Float64Array, at), (at += p.values.length);
        columns[name] = { type: col.type, values: out };
        break;
      }
      case 'date': {
        const out = new Int32Array(n);
        let at = 0;
        for (const p of parts) out.set(p.values as Int32Array, at), (at += p.values.length);
        columns[name] = { type: 'date', values: out };
        break;
      }
    }
  }
  return { name: first.name, length: n, columns };
}
