/**
 * Model files picked by the person ("Pick ResNet50V2 files": model.json plus
 * its `group1-shard*.bin` files) as a TF.js load handler. The ML worker and the
 * Keras parity test both go through this one function, so the test covers the
 * app's own path; a URL goes through `tf.io.http` unchanged.
 */
import type * as tfType from '@tensorflow/tfjs';
import { artifactsFromFiles, type ConverterModelJson } from './weights';

type Tf = typeof tfType;

/** One picked file: its name (as in the manifest's `paths`) and bytes. */
export interface PickedFile {
  name: string;
  data: ArrayBuffer;
}

/**
 * A load handler over picked files: finds the one model.json, parses it, and
 * joins the shards in manifest order. Throws naming what is wrong (no
 * model.json, several, unreadable JSON, a missing shard).
 */
export function handlerFromPickedFiles(tf: Tf, files: readonly PickedFile[]): tfType.io.IOHandler {
  const jsons = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  if (jsons.length === 0) throw new Error(`invalid files: no model.json among the ${files.length} picked files; pick model.json with its shards`);
  if (jsons.length > 1) throw new Error(`invalid files: ${jsons.length} .json files (${jsons.map((f) => f.name).join(', ')}); pick one model.json with its shards`);
  let modelJson: ConverterModelJson;
  try {
    modelJson = JSON.parse(new TextDecoder().decode(jsons[0].data)) as ConverterModelJson;
  } catch (e) {
    throw new Error(`invalid ${jsons[0].name}: not JSON (${(e as Error).message})`);
  }
  const byName = new Map(files.map((f) => [f.name, f.data]));
  return tf.io.fromMemory(artifactsFromFiles(modelJson, byName));
}
