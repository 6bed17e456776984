/** SQL text helpers shared by every DuckDB statement the app builds. */

/** Quotes an identifier for SQL (`a"b` → `"a""b"`). */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Quotes a string literal for SQL (`it's` → `'it''s'`). */
export const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;
