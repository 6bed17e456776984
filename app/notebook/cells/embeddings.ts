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
import { similarFromGraphAction } from '@/app/actions/similar';
import type { EmbedSource } from '@/workers/protocol/embed';
import { defineAppCell } from '../define';
import { writeSimilar } from './embeddings-neo4j';
import { clearDeferred, deferWrite, neo4jDown, skippedNote } from './neo4j-pending';

export const EMBEDDINGS_CELL = cellId('embeddings');
const DATA_CELL = cellId('data');
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

/** A short hash of a string (SHA-256, hex): the cache key of a drawing's content. */
async function contentKey(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest).subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
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

export const embeddingsCell = defineAppCell({
  id: EMBEDDINGS_CELL,
  title: 'Image embeddings',
  explanation:
    'Embeds every product photo with a CNN in the ML worker, finds each product’s **exact** top-k most similar products by cosine similarity ' +
    '(in blocks, never an N×N matrix), writes `SIMILAR {score}` and `Product.embedding` with a cosine vector index to Neo4j, and shows a gallery. ' +
    'Photos are fitted to the 224×224 input as Keras’s `load_img(target_size=(224, 224))` does (a nearest-neighbour squeeze of the 360×540 photo), or padded on white. ' +
    'Embeddings are cached by photo and backbone in IndexedDB, so a second run resumes; products that share a photo (the demo draws one picture per look) are embedded once. ' +
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
    if (order.length > 0 && noUrl === order.length) {
      // A dataset without photos (the H&M-scale demo, files picked without images/): nothing to embed. The cell is done with no
      // image neighbours rather than failed, so that Hybrid (co-purchase and popularity) and Evaluate still run after it.
      return {
        outputs: [{
          kind: 'markdown',
          text: `None of the ${order.length.toLocaleString('en')} products has a photo: no embeddings and no image neighbours. ` +
            'The Hybrid cell fills its lists from co-purchase and popularity; Evaluate runs its strategies without image neighbours.',
        }],
        summary: { backbone: spec.id, embedded: 0, missing: order.length, noPhotos: true },
        artifacts: {},
      };
    }

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

    let t = performance.now();
    const lap = (what: string) => {
      const now = performance.now();
      ctx.log(`${what}: ${((now - t) / 1000).toFixed(1)} s`);
      t = now;
    };
    // 3. Photos → embeddings. The demo's SVG drawings are rasterised in the worker by lib/data/demo/raster (the same
    // pixels headless), keyed by their content: products that share a drawing share one embedding (computed once, cached).
    // (`svgjs`: the cache's earlier `svg` entries came from the browser's own SVG renderer, whose pixels differ.)
    const items: { key: string; url: string | null }[] = [];
    const svgKey = new Map<string, string>();
    for (const i of order) {
      const url = catalog.imageUrl[i];
      if (url?.startsWith('data:image/svg')) {
        if (!svgKey.has(url)) svgKey.set(url, await contentKey(url));
        items.push({ key: `${p.fit}:svgjs:${svgKey.get(url)}`, url });
      } else {
        // The worker prefixes the backbone; the fit changes the pixels, the fingerprint the photo set.
        items.push({ key: `${p.fit}:${info?.fingerprint ?? 'nofp'}:${catalog.keys[i]}`, url });
      }
    }
    const emb = await ml.call(
      'embed.images',
      { backbone: spec.id, items, batchSize: p.batchSize, fit: p.fit === 'pad' ? 'pad' : 'resize' },
      { signal: ctx.signal, onProgress: (g) => ctx.progress(g), onLog: (l) => ctx.log(l) },
    );
    lap('photos embedded');
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
    lap(`exact top-${kc} neighbours`);

    const missing = emb.missing.length + (order.length - items.length);
    outputs.push({
      kind: 'metrics',
      title: `${spec.label}${loaded.randomWeights ? ' — RANDOM WEIGHTS (test only)' : ''}`,
      values: [
        { name: 'products', value: order.length },
        { name: 'embedded', value: n },
        { name: 'from cache', value: emb.cached },
        { name: 'same photo as another product (embedded once)', value: emb.shared },
        { name: 'without a photo (left out)', value: missing },
        { name: 'corrupt files (skipped)', value: emb.corrupt.length },
        { name: 'throughput', value: emb.computed ? Number((emb.computed / emb.computeSeconds).toFixed(1)) : null, unit: 'images/s' },
        { name: 'backend', value: backendReport.backend },
        // XNNPACK's pool on WASM (workers/wasm-threads.ts); other backends have none.
        { name: 'TF.js WASM threads', value: backendReport.wasm ? backendReport.wasm.threads : 'n/a' },
        { name: 'exact top-k time', value: Number(knnRes.seconds.toFixed(2)), unit: 's' },
        // The threads the SIMD kernel ran on, or the TF.js backend it used instead.
        { name: 'exact top-k threads', value: knnRes.threads ?? (knnRes.method ? `TF.js (${knnRes.method.replace(/^tfjs-/, '')})` : null) },
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

    // 6. Neo4j: now, or (Neo4j down) deferred to the Graph cell's next run.
    let recall: number | null = null;
    let neo4jSkipped: string | null = null;
    if (p.writeNeo4j) {
      const codes = Array.from(rows, (r) => catalog.keys[r]);
      if (!info) throw new CellFailure('The Data cell gave no dataset identity, so Neo4j cannot be checked to hold this dataset.', 'Run the Data cell again, or untick “Write SIMILAR + vector index to Neo4j”.');
      const input = { dataset: { fingerprint: info.fingerprint, name: info.name }, backbone: spec.id, dim: emb.dim, codes, vectors: emb.embeddings, knn, seed: ctx.seed, gdsKnn: p.gdsKnn };
      const down = await neo4jDown();
      if (down) {
        neo4jSkipped = `SIMILAR relationships and embeddings of ${n.toLocaleString('en')} products (Image embeddings, ${spec.id})`;
        deferWrite('similar', { what: neo4jSkipped, run: async (pr, s) => (await writeSimilar(input, pr, s)).outputs });
        outputs.push(skippedNote(neo4jSkipped, down));
      } else {
        clearDeferred('similar');
        const w = await writeSimilar(input, (label, done, total) => ctx.progress({ label, done, total, unit: 'products' }), ctx.signal, (l) => ctx.log(l));
        recall = w.recall;
        outputs.push(...w.outputs);
      }
    }

    if (p.writeNeo4j) lap('Neo4j writes');

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
    const fromGraph = p.writeNeo4j && !neo4jSkipped && !p.sameDeptIndex ? await similarFromGraphAction({ codes: queries.map((r) => catalog.keys[rows[r]]) }) : null;
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

    lap('gallery');
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
      neo4jSkipped,
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
