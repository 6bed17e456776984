#!/usr/bin/env node
// Copies the ImageNet-pretrained models that the npm package `nsfwjs` (MIT)
// ships inside its tarball into public/vendor/models/ as ordinary TF.js files
// (model.json + group1-shardKofN.bin), so the embeddings cell works offline.
// nsfwjs stores each file as a UMD module: model.json as an object and each
// weight shard as a base64 string. Idempotent; run by `npm run vendor:models`
// and before builds. public/vendor/ is gitignored.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Our folder name -> nsfwjs folder. See lib/embed/backbones.ts for what each is. */
export const VENDORED = {
  'mobilenet-v2-140-hub': 'mobilenet_v2_mid',
  'nsfw-mobilenet-v2': 'mobilenet_v2',
  'nsfw-inception-v3': 'inception_v3',
};

export function vendorModels(outRoot = path.join(root, 'public', 'vendor', 'models')) {
  // nsfwjs's exports map hides package.json; walk up from its main entry.
  let pkgDir = path.dirname(require.resolve('nsfwjs'));
  while (!existsSync(path.join(pkgDir, 'package.json')) || !existsSync(path.join(pkgDir, 'dist', 'models'))) pkgDir = path.dirname(pkgDir);
  const version = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  const src = path.join(pkgDir, 'dist', 'models');
  const written = [];
  for (const [ours, theirs] of Object.entries(VENDORED)) {
    const dir = path.join(outRoot, ours);
    const stamp = path.join(dir, 'SOURCE.txt');
    const stampText = `nsfwjs ${version} (MIT) dist/models/${theirs}\n`;
    if (existsSync(stamp) && readFileSync(stamp, 'utf8') === stampText) continue;
    mkdirSync(dir, { recursive: true });
    // A copy: require's cache holds one object per process, and its paths are rewritten below.
    const json = structuredClone(require(path.join(src, theirs, 'model.min.js')));
    for (const group of json.weightsManifest) {
      group.paths = group.paths.map((p) => {
        const b64 = require(path.join(src, theirs, `${p}.min.js`));
        if (typeof b64 !== 'string') throw new Error(`invalid shard ${theirs}/${p}: expected a base64 string`);
        writeFileSync(path.join(dir, `${p}.bin`), Buffer.from(b64, 'base64'));
        return `${p}.bin`;
      });
    }
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    writeFileSync(stamp, stampText);
    written.push(ours);
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
  const written = vendorModels(out);
  console.log(written.length ? `vendored models: ${written.join(', ')}` : 'vendored models: up to date');
}
