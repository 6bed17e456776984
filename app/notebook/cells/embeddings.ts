/**
 * Cell 4, Image embeddings: every product photo through a backbone in the ML
 * worker (cached per article and backbone), exact top-k cosine neighbours,
 * precision@10 against the catalogue, SIMILAR + the vector index in Neo4j,
 * and a gallery of products next to their look-alikes.
 */
import type { DatasetInfo, ItemCatalog } from '@/lib/data/dataset';
import { BACKBONES, DEFAULT_BACKBONE, backbone as specOf, type BackboneId } from '@/lib/embed/backbones';
import { neighboursOf, sampleRows, truncateKnn } from '@/lib/embed/gallery';
import type { KnnResult } from '@/lib/embed/knn';
import { precisionAtK, QUALITY_ATTRIBUTES, randomPrecision } from '@/lib/embed/quality';
import { CellFailure, cellId, type CellOutput, type JsonValue } from '@/lib/notebook/types';
import { mulberry32 } from '@/lib/util/random';
import { gdsKnnAction, gdsStatusAction, prepareSimilarAction, similarFromGraphAction, similarStatsAction, vectorRecallAction, writeSimilarAction } from '@/app/actions/similar';
import type { EmbedSource } from '@/workers/protocol/embed';
import { defineAppCell } from '../define';

export const EMBEDDINGS_CELL = cellId('embeddings');
const DATA_CELL = cellId('data');
/** Rows per server-action call: keeps 2048-d base64 batches under the 1 MB body limit. */
const SIMILAR_BATCH_ROWS = 40;
/** Candidates kept per product so the same-department filter still finds k. */
const CANDIDATES = 50;

/** Converts Keras's ImageNet ResNet50V2 to the files the cell loads (needs internet once; checked by the Keras parity test). */
export const CONVERT_COMMAND =
  'python3 -m venv .venv-keras && .venv-keras/bin/pip install tensorflow-cpu && ' +
  '.venv-keras/bin/python scripts/keras_to_tfjs.py public/vendor/models/resnet50v2';

const OFFERED: BackboneId[] = ['mobilenet-v2-140-hub', 'resnet50v2', 'nsfw-mobilenet-v2', 'nsfw-inception-v3', 'histogram'];
const QUALITY_LABELS: Record<(typeof QUALITY_ATTRIBUTES)[number], string> = {
  productType: 'product type',
  colourGroup: 'colour group',
  graphicalAppearance: 'graphical appearance',
};

/** The demo's SVG data URLs cannot be decoded in a worker: rasterise them here to PNG object URLs. */
async function rasterise(url: string): Promise<string> {
  const img = new Image();
  img.src = url;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth || 120;
  canvas.height = img.naturalHeight || 180;
  canvas.getContext('2d')!.drawImage(img, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas.toBlob failed'))), 'image/png'));
  return URL.createObjectURL(blob);
}

/** Asks the person for model.json + shards (the Run click is the user gesture). */
function pickFiles(): Promise<File[]> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.accept = '.json,.bin';
    input.onchange = () => resolve(Array.from(input.files ?? []));
    input.oncancel = () => resolve([]);
    input.click();
  });
}

function toBase64(v: Float32Array): string {
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export const embeddingsCell = defineAppCell({
  id: EMBEDDINGS_CELL,
  title: 'Image embeddings',
  explanation:
    'Embeds every product photo with a CNN in the ML worker, finds each product’s **exact** top-k most similar products by cosine similarity ' +
    '(in blocks, never an N×N matrix), writes `SIMILAR {score}` and `Product.embedding` with a cosine vector index to Neo4j, and shows a gallery. ' +
    'Photos are fitted to the 224×224 input as Keras’s `load_img(target_size=(224, 224))` does (a nearest-neighbour squeeze of the 360×540 photo), or padded on white. ' +
    'Embeddings are cached per article and backbone in IndexedDB, so a second run resumes. ' +
    'The default backbone is MobileNetV2 1.4 (TF-Hub ImageNet features, shipped in the MIT-licensed npm package `nsfwjs`); ' +
    'ResNet50V2 needs weights converted from Keras, once, on a machine with internet, in the app’s folder: ' +
    `\`${CONVERT_COMMAND}\` ` +
    '(Keras downloads its ImageNet weights; the script writes `model.json` and 23 `group1-shard*of23.bin` files in the manifest order of `tensorflowjs_converter --input_format=keras`). ' +
    'Then restart the app and give `/vendor/models/resnet50v2/model.json` as the model.json URL, or tick “Pick ResNet50V2 files” and pick `model.json` with all its shards. ' +
    'A test proves the loaded network gives Keras’s embeddings (same weights, real photos: max difference 5e-7 of the largest value on WASM). ' +
    'Files that do not fit are refused with the weight and shape that were expected; the default backbone keeps working. ' +
    'Seed 001 wrote SIMILAR with GDS KNN (`gds.knn.write`, topK 10, randomSeed 42, concurrency 1). The GDS plugin is not on Maven Central, so the embedded Neo4j has none: ' +
    'the exact top-k (SIMILAR) and the cosine vector index replace it, with the index’s recall@k against the exact top-k reported below. ' +
    'When the Neo4j server has GDS, the cell also runs `gds.knn.write` with the seed’s parameters (as SIMILAR_GDS) and reports its recall; without GDS it says so and goes on. ' +
    'The gallery reads each product’s SIMILAR back from Neo4j when the graph holds it.',
  params: {
    backbone: {
      kind: 'select',
      label: 'Backbone',
      default: DEFAULT_BACKBONE,
      options: OFFERED.map((id) => ({ value: id, label: BACKBONES[id].label })),
    },
    weightsUrl: {
      kind: 'text',
      label: 'ResNet50V2 model.json URL',
      default: '',
      help: `Converter output: ${CONVERT_COMMAND} then /vendor/models/resnet50v2/model.json`,
    },
    pickWeights: { kind: 'boolean', label: 'Pick ResNet50V2 files (model.json + shards)', default: false },
    fit: {
      kind: 'select',
      label: 'Fit 360×540 photos',
      default: 'resize',
      options: [
        { value: 'resize', label: 'resize to 224×224 (Keras load_img)' },
        { value: 'pad', label: 'pad to a square on white (keeps proportions)' },
      ],
    },
    batchSize: { kind: 'number', label: 'Batch size', default: 16, min: 1, max: 128, integer: true },
    k: { kind: 'number', label: 'Neighbours (k)', default: 10, min: 1, max: 50, integer: true },
    limit: { kind: 'number', label: 'Products to embed (0 = all with a photo)', default: 0, min: 0, integer: true },
    writeNeo4j: { kind: 'boolean', label: 'Write SIMILAR + vector index to Neo4j', default: true },
    gdsKnn: { kind: 'boolean', label: 'Also run GDS KNN (gds.knn.write, seed 001’s parameters) if the server has GDS', default: true },
    galleryProduct: { kind: 'text', label: 'Gallery: article id (empty = random sample)', default: '' },
    gallerySample: { kind: 'number', label: 'Gallery: random products', default: 20, min: 1, max: 50, integer: true },
    sameDeptIndex: { kind: 'boolean', label: 'Gallery: same department and index only', default: false },
  },
  dependsOn: [DATA_CELL],
  async run(ctx) {
    const p = ctx.params;
    const spec = specOf(p.backbone);
    const catalog = ctx.artifacts.get<ItemCatalog>(DATA_CELL, 'catalog');
    const info = ctx.artifacts.find<DatasetInfo>(DATA_CELL, 'info');
    const outputs: CellOutput[] = [];

    // 1. Which products, and their photos.
    let order = catalog.keys.map((_, i) => i);
    if (p.limit > 0) order = order.slice(0, p.limit);
    const noUrl = order.filter((i) => !catalog.imageUrl[i]).length;

    // 2. The backbone.
    let source: EmbedSource = spec.vendoredUrl ? { kind: 'url', url: spec.vendoredUrl } : { kind: 'none' };
    if (spec.id === 'resnet50v2') {
      if (p.pickWeights) {
        const files = await pickFiles();
        if (!files.length) throw new CellFailure('No files picked.', 'Pick model.json together with all its group1-shard*.bin files.');
        source = { kind: 'files', files: await Promise.all(files.map(async (f) => ({ name: f.name, data: await f.arrayBuffer() }))) };
      } else if (p.weightsUrl.trim()) source = { kind: 'url', url: p.weightsUrl.trim() };
      else
        throw new CellFailure(
          'ResNet50V2 embeddings need weights: without them the network is random and its neighbours mean nothing.',
          `Convert Keras's weights once (${CONVERT_COMMAND}), then give the model.json URL or pick the files; or choose the default MobileNetV2 backbone.`,
        );
    }
    const ml = await ctx.services.ml();
    const backendReport = await ctx.services.backend();
    ctx.progress({ label: `Loading ${spec.label}`, done: 0, total: 1, unit: 'models' });
    const loaded = await ml.call('embed.load', { backbone: spec.id, source }, { signal: ctx.signal });
    ctx.log(`loaded ${spec.id} on ${backendReport.backend} in ${Math.round(loaded.ms)} ms${loaded.randomWeights ? ' (RANDOM WEIGHTS)' : ''}`);

    // 3. Photos → embeddings (SVG demo images rasterised here first).
    const made: string[] = [];
    const items: { key: string; url: string | null }[] = [];
    for (const i of order) {
      let url = catalog.imageUrl[i];
      if (url?.startsWith('data:image/svg')) {
        url = await rasterise(url);
        made.push(url);
      }
      // The worker prefixes the backbone; the fit changes the pixels, the fingerprint the photo set.
      items.push({ key: `${p.fit}:${info?.fingerprint ?? 'nofp'}:${catalog.keys[i]}`, url });
    }
    let emb;
    try {
      emb = await ml.call(
        'embed.images',
        { backbone: spec.id, items, batchSize: p.batchSize, fit: p.fit === 'pad' ? 'pad' : 'resize' },
        { signal: ctx.signal, onProgress: (g) => ctx.progress(g), onLog: (l) => ctx.log(l) },
      );
    } finally {
      made.forEach((u) => URL.revokeObjectURL(u));
    }
    const rows = Int32Array.from(emb.rows, (r) => order[r]);
    const n = rows.length;
    if (n < 2) throw new CellFailure(`Only ${n} product photo(s) could be embedded; neighbours need at least 2.`, 'Check that the dataset has images.');

    // 4. Exact neighbours (candidates for the gallery filter; SIMILAR uses the first k).
    const k = Math.min(p.k, n - 1);
    const kc = Math.min(n - 1, Math.max(k, CANDIDATES));
    const knnRes = await ml.call(
      'embed.knn',
      { vectors: emb.embeddings.slice(), n, d: emb.dim, k: kc },
      { signal: ctx.signal, onProgress: (g) => ctx.progress(g) },
    );
    const candidates: KnnResult = { n, k: kc, indices: knnRes.indices, scores: knnRes.scores };
    const knn = truncateKnn(candidates, k);

    const missing = emb.missing.length + (order.length - items.length);
    outputs.push({
      kind: 'metrics',
      title: `${spec.label}${loaded.randomWeights ? ' — RANDOM WEIGHTS (test only)' : ''}`,
      values: [
        { name: 'products', value: order.length },
        { name: 'embedded', value: n },
        { name: 'from cache', value: emb.cached },
        { name: 'without a photo (left out)', value: missing },
        { name: 'corrupt files (skipped)', value: emb.corrupt.length },
        { name: 'throughput', value: emb.computed ? Number((emb.computed / emb.computeSeconds).toFixed(1)) : null, unit: 'images/s' },
        { name: 'backend', value: backendReport.backend },
        { name: 'exact top-k', value: Number(knnRes.seconds.toFixed(2)), unit: 's' },
      ],
    });
    if (missing > 0) {
      outputs.push({ kind: 'markdown', text: `${missing} product(s) have no photo${noUrl ? ` (${noUrl} without an image URL)` : ''}: they are left out of the neighbour search, not given a zero vector.` });
    }
    if (emb.corrupt.length) {
      outputs.push({
        kind: 'table',
        title: 'Files that could not be read (skipped)',
        columns: ['article', 'reason'],
        rows: emb.corrupt.slice(0, 50).map((c) => [catalog.keys[order[c.index]], c.reason]),
        totalRows: emb.corrupt.length,
      });
    }

    // 5. Quality against the catalogue.
    const labels = {
      productType: Array.from(rows, (r) => catalog.productType[r]),
      colourGroup: Array.from(rows, (r) => catalog.colourGroup[r]),
      graphicalAppearance: Array.from(rows, (r) => catalog.graphicalAppearance[r]),
    };
    const quality = QUALITY_ATTRIBUTES.map((a) => ({ a, p: precisionAtK(knn, labels[a], k), r: randomPrecision(labels[a]) }));
    outputs.push({
      kind: 'table',
      title: `Precision@${k}: share of neighbours with the query's attribute (${spec.id})`,
      columns: ['attribute', `precision@${k}`, 'random neighbours'],
      rows: quality.map((q) => [QUALITY_LABELS[q.a], Number(q.p.toFixed(4)), Number(q.r.toFixed(4))]),
    });

    // 6. Neo4j.
    let recall: number | null = null;
    if (p.writeNeo4j) {
      const prep = await prepareSimilarAction({ backbone: spec.id, dim: emb.dim });
      if (!prep.ok) throw new CellFailure(prep.error, prep.hint);
      let rels = 0;
      for (let b = 0; b < n; b += SIMILAR_BATCH_ROWS) {
        if (ctx.signal.aborted) break;
        const batch = [];
        for (let r = b; r < Math.min(n, b + SIMILAR_BATCH_ROWS); r++) {
          batch.push({
            code: catalog.keys[rows[r]],
            embedding: toBase64(emb.embeddings.subarray(r * emb.dim, (r + 1) * emb.dim)),
            neighbours: Array.from({ length: k }, (_, c) => ({ code: catalog.keys[rows[knn.indices[r * k + c]]], score: knn.scores[r * k + c] })),
          });
        }
        const w = await writeSimilarAction({ backbone: spec.id, dim: emb.dim, rows: batch });
        if (!w.ok) throw new CellFailure(w.error, w.hint);
        rels += w.data.relationships;
        ctx.progress({ label: 'Writing SIMILAR to Neo4j', done: Math.min(n, b + SIMILAR_BATCH_ROWS), total: n, unit: 'products' });
      }
      const sample = sampleRows(n, 200, mulberry32(ctx.seed ^ 0x5eed)).map((r) => catalog.keys[rows[r]]);
      const rec = await vectorRecallAction({ codes: sample, k });
      if (rec.ok) recall = rec.data.recall;
      const stats = await similarStatsAction({});
      outputs.push({
        kind: 'metrics',
        title: `Neo4j (vector index recall measured on ${rec.ok ? rec.data.queries : 0} products against the exact top-${k})`,
        values: [
          { name: 'SIMILAR relationships written', value: rels },
          { name: 'SIMILAR in Neo4j', value: stats.ok ? stats.data.similar : null },
          { name: 'products with an embedding', value: stats.ok ? stats.data.embedded : null },
          { name: 'vector index recall@k', value: recall === null ? null : Number(recall.toFixed(4)) },
          { name: 'old embeddings removed', value: prep.data.removedEmbeddings },
        ],
      });
      if (!rec.ok) outputs.push({ kind: 'markdown', text: `Vector index recall could not be measured: ${rec.error}` });

      // Seed 001 ran GDS KNN; the embedded Neo4j has no GDS, so it runs only where the server has it.
      const gds = p.gdsKnn ? await gdsStatusAction({}) : null;
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
      } else if (p.gdsKnn) {
        outputs.push({ kind: 'markdown', text: `GDS KNN (seed 001’s \`gds.knn.write\`) not run: ${gds?.ok ? gds.data.reason : gds?.error}. The exact top-${k} above (SIMILAR) and the vector index replace it.` });
      }
    }

    // 7. Gallery.
    const rowOf = new Map<string, number>();
    rows.forEach((item, r) => rowOf.set(catalog.keys[item], r));
    const wanted = p.galleryProduct.trim();
    let queries: number[];
    if (wanted) {
      const r = rowOf.get(wanted);
      if (r === undefined) throw new CellFailure(`invalid galleryProduct: ${wanted}; not among the embedded products`, 'Leave it empty for a random sample.');
      queries = [r];
    } else queries = sampleRows(n, p.gallerySample, mulberry32(ctx.seed));
    // The gallery reads SIMILAR back from Neo4j when the graph holds it (as seed 001 queried it);
    // the same-department filter needs more than k candidates, so it uses the in-memory ones.
    const codeRow = new Map(catalog.keys.map((c, i) => [c, i]));
    const fromGraph = p.writeNeo4j && !p.sameDeptIndex ? await similarFromGraphAction({ codes: queries.map((r) => catalog.keys[rows[r]]) }) : null;
    for (const r of queries) {
      const q = rows[r];
      const stored = fromGraph?.ok ? fromGraph.data[catalog.keys[q]] : undefined;
      const nbs = stored?.length
        ? stored.flatMap((s) => (codeRow.has(s.code) ? [{ item: codeRow.get(s.code)!, score: s.score }] : []))
        : neighboursOf(candidates, rows, catalog, r, k, p.sameDeptIndex);
      const cap = (i: number) => `${catalog.productType[i] ?? '?'} · ${catalog.department[i] ?? '?'}`;
      outputs.push({
        kind: 'images',
        title: `${catalog.keys[q]} ${catalog.name[q] ?? ''} and its ${nbs.length} most similar${p.sameDeptIndex ? ' (same department and index)' : ''}${stored?.length ? ' (SIMILAR read from Neo4j)' : ''}`,
        columns: 11,
        items: [
          { src: catalog.imageUrl[q] ?? '', caption: `query · ${cap(q)}`, detail: catalog.keys[q], highlight: true },
          ...nbs.map((nb) => ({ src: catalog.imageUrl[nb.item] ?? '', caption: `${nb.score.toFixed(3)} · ${cap(nb.item)}`, detail: catalog.keys[nb.item] })),
        ],
      });
    }

    const summary: Record<string, JsonValue> = {
      backbone: spec.id,
      randomWeights: loaded.randomWeights,
      backend: backendReport.backend,
      embedded: n,
      missing,
      corrupt: emb.corrupt.map((c) => catalog.keys[order[c.index]]),
      k,
      precision: Object.fromEntries(quality.map((q) => [q.a, q.p])),
      vectorIndexRecall: recall,
    };
    return {
      outputs,
      summary,
      artifacts: {
        embeddings: { backbone: spec.id, dim: emb.dim, rows, vectors: emb.embeddings },
        neighbours: { rows, knn },
      },
    };
  },
});
