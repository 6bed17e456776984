/**
 * Everything the app does with DuckDB-WASM, apart from starting it (workers/duckdb.ts): the
 * handle, staging and swaps, streaming Parquet and CSV in, the large-file H&M path, SQL text.
 */
export { connectHandle, type DuckDbHandle } from './handle';
export { ident, literal } from './sql';
export { TABLE_NAMES, dropStaged, stage, stageEnumKeyedTransactions, staging, swapIn, type TableName } from './staging';
export { csvIntoDuckDb, parquetIntoDuckDb, type ParquetLoadOptions } from './stream';
export { LARGE_FILE_BYTES, checkLargeJoins, largeInteractionLog, loadLargeHm, stageLargeTransactions } from './large';
