/**
 * The Image embeddings cell's Neo4j part: `Product.embedding` + `SIMILAR
 * {score}` in batches through server actions, then the vector index's recall
 * against the exact top-k and the counts. A job built from the cell's results,
 * so it runs now or, when Neo4j is down, later from the Graph cell.
 */
import { gdsKnnAction, gdsStatusAction, prepareSimilarAction, similarStatsAction, vectorRecallAction, writeSimilarAction } from '@/app/actions/similar';
import { sampleRows } from '@/lib/embed/gallery';
import type { KnnResult } from '@/lib/embed/knn';
import { CellFailure, type CellOutput } from '@/lib/notebook/types';
import { mulberry32 } from '@/lib/util/random';

/**
 * Bytes per server-action call (the limit is 8 MB, next.config.js): about 390 rows of 1,792-d embeddings
 * in base64 with their neighbours, so the demo's 1,908 products take 5 calls (40 rows a call took 48
 * calls and a third longer).
 */
const SIMILAR_BATCH_BYTES = 4_000_000;
/** Most rows per call (the action accepts 500). */
const SIMILAR_MAX_ROWS = 400;

/** Rows per write call for `dim`-wide embeddings and `k` neighbours each. */
export function similarBatchRows(dim: number, k: number): number {
  const rowBytes = 4 * Math.ceil((dim * 4) / 3) + k * 64 + 64;
  return Math.max(1, Math.min(SIMILAR_MAX_ROWS, Math.floor(SIMILAR_BATCH_BYTES / rowBytes)));
}

export interface SimilarInput {
  /** The dataset the embeddings are of: the graph must hold it (see prepareSimilarAction). */
  dataset: { fingerprint: string; name: string };
  backbone: string;
  dim: number;
  /** Article id per embedded row. */
  codes: readonly string[];
  /** rows x dim, row-major. */
  vectors: Float32Array;
  /** The exact top-k (k per row, indices into the rows). */
  knn: KnnResult;
  seed: number;
  /** Also run seed 001's gds.knn.write where the server has GDS. */
  gdsKnn: boolean;
}

function toBase64(v: Float32Array): string {
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Writes embeddings and SIMILAR; returns the report outputs and the vector index's recall@k (null when not measured). */
export async function writeSimilar(
  input: SimilarInput,
  progress: (label: string, done: number, total: number) => void,
  signal: AbortSignal,
  log: (line: string) => void = () => {},
): Promise<{ outputs: CellOutput[]; recall: number | null }> {
  const { backbone, dim, codes, vectors, knn, seed } = input;
  let t = performance.now();
  const lap = (what: string) => {
    const now = performance.now();
    log(`Neo4j: ${what} in ${((now - t) / 1000).toFixed(1)} s`);
    t = now;
  };
  const n = codes.length;
  const k = knn.k;
  const prep = await prepareSimilarAction({ backbone, dim, dataset: input.dataset });
  if (!prep.ok) throw new CellFailure(prep.error, prep.hint);
  lap('schema and vector index prepared');
  let rels = 0;
  const rows = similarBatchRows(dim, k);
  for (let b = 0; b < n; b += rows) {
    if (signal.aborted) break;
    const batch = [];
    for (let r = b; r < Math.min(n, b + rows); r++) {
      batch.push({
        code: codes[r],
        embedding: toBase64(vectors.subarray(r * dim, (r + 1) * dim)),
        neighbours: Array.from({ length: k }, (_, c) => ({ code: codes[knn.indices[r * k + c]], score: knn.scores[r * k + c] })),
      });
    }
    const w = await writeSimilarAction({ backbone, dim, rows: batch });
    if (!w.ok) throw new CellFailure(w.error, w.hint);
    rels += w.data.relationships;
    progress('Writing SIMILAR to Neo4j', Math.min(n, b + rows), n);
  }
  lap(`${rels} SIMILAR and ${n} embeddings written (${Math.ceil(n / rows)} calls of ${rows} rows)`);
  const sample = sampleRows(n, 200, mulberry32(seed ^ 0x5eed)).map((r) => codes[r]);
  const rec = await vectorRecallAction({ codes: sample, k });
  const recall = rec.ok ? rec.data.recall : null;
  lap('vector index online and its recall measured');
  const stats = await similarStatsAction({});
  lap('counts');
  const outputs: CellOutput[] = [
    {
      kind: 'metrics',
      title: `Neo4j (vector index recall measured on ${rec.ok ? rec.data.queries : 0} products against the exact top-${k})`,
      values: [
        { name: 'SIMILAR relationships written', value: rels },
        { name: 'SIMILAR in Neo4j', value: stats.ok ? stats.data.similar : null },
        { name: 'products with an embedding', value: stats.ok ? stats.data.embedded : null },
        { name: 'vector index recall@k', value: recall === null ? null : Number(recall.toFixed(4)) },
        { name: 'old embeddings removed', value: prep.data.removedEmbeddings },
      ],
    },
  ];
  if (!rec.ok) outputs.push({ kind: 'markdown', text: `Vector index recall could not be measured: ${rec.error}` });

  // Seed 001 ran GDS KNN; the embedded Neo4j has no GDS, so it runs only where the server has it.
  const gds = input.gdsKnn ? await gdsStatusAction({}) : null;
  if (gds?.ok && gds.data.available) {
    const g = await gdsKnnAction({ k });
    outputs.push(
      g.ok
        ? { kind: 'metrics', title: `GDS ${gds.data.version} gds.knn.write (topK ${k}, randomSeed 42, concurrency 1) against the exact top-${k}`, values: [
            { name: 'SIMILAR_GDS written', value: g.data.relationships },
            { name: 'GDS KNN recall@k', value: Number(g.data.recall.toFixed(4)) },
            { name: 'GDS KNN time', value: Number(g.data.seconds.toFixed(2)), unit: 's' },
          ] }
        : { kind: 'markdown', text: `GDS KNN failed: ${g.error}` },
    );
  } else if (input.gdsKnn) {
    outputs.push({ kind: 'markdown', text: `GDS KNN (seed 001’s \`gds.knn.write\`) not run: ${gds?.ok ? gds.data.reason : gds?.error}. The exact top-${k} above (SIMILAR) and the vector index replace it.` });
  }
  return { outputs, recall };
}
