#!/usr/bin/env node
// npm run bench [-- NAME ...] [--quick]: runs bench/NAME.mjs (all when no
// name is given), each in its own process, then prints the summary line.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const all = readdirSync(dir).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs').map((f) => f.replace(/\.mjs$/, '')).sort();
const chosen = names.length ? names : all;
for (const n of chosen) {
  if (!all.includes(n)) {
    console.error(`invalid benchmark name: ${n}; expected one of ${all.join(', ')}`);
    process.exit(2);
  }
}

let figures = 0;
let withPeer = 0;
const failed = [];
for (const name of chosen) {
  console.error(`\n=== bench ${name}${flags.length ? ' ' + flags.join(' ') : ''}`);
  const r = spawnSync(process.execPath, [path.join(dir, `${name}.mjs`), ...flags], { stdio: 'inherit' });
  if (r.status !== 0) failed.push(name);
  const results = path.join(dir, 'results', `${name}.json`);
  if (existsSync(results)) {
    for (const f of JSON.parse(readFileSync(results, 'utf8')).figures ?? []) {
      figures++;
      if (f.peer !== null && f.peer_value !== null) withPeer++;
    }
  }
}
if (failed.length) console.error(`benchmarks that exited with an error: ${failed.join(', ')}`);
console.log(`${figures} figures, ${withPeer} with a peer`);
