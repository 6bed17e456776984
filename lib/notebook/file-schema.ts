/**
 * The notebook file's schemas, one per version. Version 2 holds every cell's
 * results that are data (outputs as drawn, summaries), the dataset's identity,
 * the app version and backend, recommendation samples and the submission's
 * hash; version 1 held parameters, seed, a dataset fingerprint and summaries.
 */
import { z } from 'zod';
import type { JsonValue } from './types';

export const NOTEBOOK_FORMAT = 'atelier-notebook';
/** The version this app writes. */
export const NOTEBOOK_VERSION = 2;

export const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const params = z.record(z.string(), z.union([z.number(), z.string(), z.boolean()]));
const status = z.enum(['idle', 'queued', 'running', 'done', 'error', 'stale', 'cancelled']);

/** Version 1 (written until 2026-11). */
export const fileSchemaV1 = z.object({
  format: z.literal(NOTEBOOK_FORMAT),
  version: z.literal(1),
  savedAt: z.string(),
  seed: z.number().int(),
  dataset: z.object({ fingerprint: z.string(), name: z.string() }).nullable(),
  cells: z.record(z.string(), z.object({ params, status, summary: z.record(z.string(), jsonValue).nullable() })),
});

/** One picked file: name, size in bytes, SHA-256 of its bytes (hex). */
export const fileIdentity = z.object({ name: z.string(), size: z.number().int().nonnegative(), sha256: z.string() });

/** What data the notebook was made with. */
export const datasetIdentity = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('demo'), name: z.string(), fingerprint: z.string(), preset: z.string(), seed: z.number().int() }),
  z.object({ kind: z.literal('files'), name: z.string(), fingerprint: z.string(), source: z.string(), files: z.array(fileIdentity) }),
  /** Only the name and fingerprint are known (files migrated from version 1, data restored from browser storage). */
  z.object({ kind: z.literal('other'), name: z.string(), fingerprint: z.string() }),
]);

/** A cell output as saved: like the live ones, except charts are saved as drawn (SVG) with their data. */
export const savedOutput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('table'), title: z.string().optional(), columns: z.array(z.string()), rows: z.array(z.array(scalar)), totalRows: z.number().optional() }),
  z.object({ kind: z.literal('chart'), title: z.string().optional(), svg: z.string().nullable(), data: z.array(z.record(z.string(), scalar)) }),
  z.object({
    kind: z.literal('images'),
    title: z.string().optional(),
    items: z.array(z.object({ src: z.string(), caption: z.string(), detail: z.string().optional(), highlight: z.boolean().optional() })),
    columns: z.number().optional(),
  }),
  z.object({ kind: z.literal('metrics'), title: z.string().optional(), values: z.array(z.object({ name: z.string(), value: scalar, unit: z.string().optional() })) }),
  z.object({ kind: z.literal('markdown'), text: z.string() }),
  z.object({ kind: z.literal('log'), title: z.string().optional(), lines: z.array(z.string()) }),
  z.object({
    kind: z.literal('graph'),
    title: z.string().optional(),
    nodes: z.array(z.object({ id: z.string(), label: z.string(), group: z.string() })),
    links: z.array(z.object({ source: z.string(), target: z.string(), label: z.string().optional() })),
  }),
]);

export const savedCell = z.object({
  params,
  status,
  /** When the cell's results were computed (ISO); null when it never finished. */
  finishedAt: z.string().nullable(),
  summary: z.record(z.string(), jsonValue).nullable(),
  outputs: z.array(savedOutput),
  error: z.object({ message: z.string(), hint: z.string().optional() }).nullable(),
});

/** Top-k lists of a seeded sample of customers, by their own ids. */
export const recommendationSample = z.object({
  cell: z.string(),
  title: z.string(),
  customers: z.array(z.object({ customer: z.string(), items: z.array(z.string()) })),
});

export const fileSchemaV2 = z.object({
  format: z.literal(NOTEBOOK_FORMAT),
  version: z.literal(2),
  savedAt: z.string(),
  app: z.object({ name: z.string(), version: z.string() }),
  /** The TF.js backend the ML cells ran on (null: unknown, e.g. nothing ran). */
  backend: z.string().nullable(),
  seed: z.number().int(),
  dataset: datasetIdentity.nullable(),
  cells: z.record(z.string(), savedCell),
  recommendations: z.array(recommendationSample),
  submission: z.object({ sha256: z.string(), rows: z.number().int() }).nullable(),
});

export type NotebookFileV1 = z.infer<typeof fileSchemaV1>;
export type NotebookFile = z.infer<typeof fileSchemaV2>;
export type DatasetIdentity = z.infer<typeof datasetIdentity>;
export type FileIdentity = z.infer<typeof fileIdentity>;
export type SavedOutput = z.infer<typeof savedOutput>;
export type SavedCell = z.infer<typeof savedCell>;
export type RecommendationSample = z.infer<typeof recommendationSample>;
