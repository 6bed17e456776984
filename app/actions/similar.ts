'use server';
/**
 * Server actions of the Image embeddings cell: thin wrappers that validate
 * input (zod), call lib/graph/server/similar.ts on the products graph
 * (NEO4J_PRODUCTS_URI when set, else the main graph) and return
 * `{ok: true, data} | {ok: false, error, hint}` instead of throwing.
 * Embeddings travel as base64 of little-endian float32 (a third of JSON's size),
 * so a batch of 400 rows of 2048-d (about 4.5 MB) stays under the 8 MB action body limit (next.config.js).
 */
import { z } from 'zod';
import { configFromEnv, describeNeo4jError, getDriver, productsConfigFromEnv } from '@/lib/graph/server/driver';
import { detectGds, gdsKnnRecall } from '@/lib/graph/server/gds';
import { otherDatasetRefusal } from '@/lib/graph/loaded';
import { loadedDatasets, prepareSimilar, similarOf, similarStats, vectorIndexRecall, writeSimilarBatch, type GraphTarget } from '@/lib/graph/server/similar';

/** Most rows one SIMILAR write accepts. */
const SIMILAR_MAX_ROWS = 500;

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: string; hint?: string };

const code = z.string().min(1).max(64);
const backboneId = z.string().min(1).max(64);
const dim = z.number().int().min(1).max(4096);
const rowSchema = z.object({
  code,
  /** base64 float32 little-endian, `dim` values. */
  embedding: z.string().max(40_000),
  neighbours: z.array(z.object({ code, score: z.number().finite() })).max(100),
});
const writeSchema = z.object({ backbone: backboneId, dim, rows: z.array(rowSchema).max(SIMILAR_MAX_ROWS) });

function target(): { t: GraphTarget; uri: string; user: string } {
  const cfg = productsConfigFromEnv() ?? configFromEnv();
  return { t: { driver: getDriver(cfg), database: cfg.database }, uri: cfg.uri, user: cfg.user };
}

async function guard<T>(fn: (t: GraphTarget) => Promise<T>): Promise<ActionResult<T>> {
  const { t, uri, user } = target();
  try {
    return { ok: true, data: await fn(t) };
  } catch (err) {
    const f = describeNeo4jError(err, { uri, user });
    return { ok: false, error: f.error, hint: f.hint };
  }
}

function invalid(issues: z.ZodError): ActionResult<never> {
  const first = issues.issues[0];
  return { ok: false, error: `invalid ${first?.path.join('.') || 'input'}: ${first?.message ?? 'bad value'}` };
}

function decodeFloats(b64: string, expected: number, field: string): number[] {
  const buf = Buffer.from(b64, 'base64');
  if (buf.byteLength !== expected * 4) throw new Error(`invalid ${field}: ${buf.byteLength} bytes; expected ${expected * 4} (${expected} float32)`);
  const out = new Array<number>(expected);
  for (let i = 0; i < expected; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

/**
 * Constraint, stale-embedding cleanup and the vector index for `dim`-wide embeddings of `backbone`, once the
 * graph is known to hold `dataset` (the Graph cell's record of its load): SIMILAR of one dataset is never
 * written among another's products. The refusal names both and says to re-run the Graph cell.
 */
export async function prepareSimilarAction(input: { backbone: string; dim: number; dataset: { fingerprint: string; name: string } }) {
  const p = z.object({ backbone: backboneId, dim, dataset: z.object({ fingerprint: z.string().min(1).max(200), name: z.string().min(1).max(500) }) }).safeParse(input);
  if (!p.success) return invalid(p.error);
  const loaded = await guard((t) => loadedDatasets(t));
  if (!loaded.ok) return loaded;
  const refusal = otherDatasetRefusal(loaded.data, p.data.dataset, 'SIMILAR relationships and embeddings', 'Write SIMILAR + vector index to Neo4j');
  if (refusal) return { ok: false as const, ...refusal };
  return guard((t) => prepareSimilar(t, p.data.backbone, p.data.dim));
}

/** Writes a batch of embeddings and replaces each product's SIMILAR set. */
export async function writeSimilarAction(input: z.input<typeof writeSchema>) {
  const p = writeSchema.safeParse(input);
  if (!p.success) return invalid(p.error);
  let rows;
  try {
    rows = p.data.rows.map((r, i) => ({ code: r.code, neighbours: r.neighbours, embedding: decodeFloats(r.embedding, p.data.dim, `rows.${i}.embedding`) }));
  } catch (e) {
    return { ok: false as const, error: (e as Error).message };
  }
  return guard((t) => writeSimilarBatch(t, p.data.backbone, p.data.dim, rows));
}

/** Recall@k of the vector index against the exact SIMILAR sets of `codes`. */
export async function vectorRecallAction(input: { codes: string[]; k: number }) {
  const p = z.object({ codes: z.array(code).max(1000), k: z.number().int().min(1).max(100) }).safeParse(input);
  if (!p.success) return invalid(p.error);
  return guard((t) => vectorIndexRecall(t, p.data.codes, p.data.k));
}

/** Products with embeddings and SIMILAR count; optionally one product's SIMILAR set. */
export async function similarStatsAction(input: { code?: string }) {
  const p = z.object({ code: code.optional() }).safeParse(input);
  if (!p.success) return invalid(p.error);
  return guard(async (t) => ({ ...(await similarStats(t)), of: p.data.code ? await similarOf(t, p.data.code) : null }));
}

/** Whether the products graph has GDS (never fails: absent is an answer). */
export async function gdsStatusAction(input: Record<string, never>) {
  const p = z.object({}).safeParse(input);
  if (!p.success) return invalid(p.error);
  return guard((t) => detectGds(t));
}

/** Seed 001's gds.knn.write (topK k, randomSeed 42, concurrency 1) and its recall against the exact SIMILAR. */
export async function gdsKnnAction(input: { k: number }) {
  const p = z.object({ k: z.number().int().min(1).max(100) }).safeParse(input);
  if (!p.success) return invalid(p.error);
  return guard((t) => gdsKnnRecall(t, p.data.k));
}

/** The SIMILAR sets of `codes` as Neo4j holds them (for the gallery), best first. */
export async function similarFromGraphAction(input: { codes: string[] }) {
  const p = z.object({ codes: z.array(code).max(50) }).safeParse(input);
  if (!p.success) return invalid(p.error);
  return guard(async (t) => {
    const out: Record<string, { code: string; score: number; rank: number }[]> = {};
    for (const c of p.data.codes) out[c] = await similarOf(t, c);
    return out;
  });
}
