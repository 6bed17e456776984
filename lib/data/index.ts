/**
 * lib/data: datasets for the notebook. Readers and validation for the H&M,
 * ASOS, MovieLens and generic interaction files, the seeded demo generator,
 * dense id maps, interaction logs with weights, splits and filters, and the
 * Explore SQL. The contract handed to model cells is in ./dataset.
 */
export type { InteractionLog, ItemCatalog, CustomerTable, DatasetInfo, DatasetKind } from './dataset';
export { csrFromCoo, transposeCsr, nnz, type Csr } from './csr';
export { type Column, type ColumnTable, type ColumnType, parseIsoDay, formatIsoDay, filterRows, toCsv, column } from './table';
export { concatTables } from './concat';
export { HM_ARTICLES, HM_CUSTOMERS, HM_TRANSACTIONS, HM_SCHEMAS, duckdbType, type TableSchema, type ColumnSpec } from './schema';
export { DataError, describeBadRow, enforceBadRowPolicy, type BadRow, type BadRows, type BadRowPolicy } from './errors';
export { decodeText, parseCsv, type TextEncoding } from './csv';
export { readCsvTable, validateColumns, checkHeader, type Validated } from './validate';
export { readParquetColumns, parquetFooter, parquetRowGroups, openParquet, setParquetWasmUrl, arrowValues, arrowColumns, type ParquetSource, type ParquetInfo, type ParquetHandle } from './parquet';
export { arrowIsClean } from './arrow-validate';
export { readHmTable, hmTableOf, hmImagePath, formatOf, checkUniqueIds, type HmTableName, type InputFile } from './readers/hm';
export { readAsos, readIdList } from './readers/asos';
export { readMovielens } from './readers/movielens';
export { readMappedInteractions, type ColumnMapping } from './readers/mapped';
export { buildIdMap, encodeIds, compactIds, type IdMap } from './idmap';
export {
  InteractionLogBuilder, buildInteractionLog, sortByDay, subsetRows, compactLog, filterMinCounts, rowWeights, interactionMatrix,
  type MinCounts, type WeightScheme,
} from './interactions';
export { splitLastDays, splitLastFraction, leaveLastOut, hasDates, randomHoldoutPerUser, type Split } from './split';
export { buildDataset, catalogFor, customerTableFor, type SourceTables, type BuiltDataset, type BuildOptions } from './build';
export { Fingerprint, fingerprintTable } from './fingerprint';
export { EXPLORE_QUERIES, COLUMNS_SQL, PRICE_BINS, DEFAULT_SQL, tableColumns, missingColumns, sparsitySummary, pagedSql, countSql, type ExploreQuery, type TableColumns } from './explore';
export { generateDemo, generateDemoTables, DEMO_PRESETS, DEMO_FIRST_DAY, DEMO_LAST_DAY, isDemoPreset, articleSvg, articleImageDataUrl, type DemoPreset, type DemoDataset, type TransactionChunk } from './demo';
export { lookOf } from './demo/images';
export { mulberry32, deriveSeed } from '../util/random';
export { toArrowTable, fromArrowTable, columnToVector } from './arrow';
