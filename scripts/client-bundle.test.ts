/**
 * The built client bundle (.next/static: everything a browser can download) holds no Neo4j
 * credentials, no server env values, and none of the driver's code (the graph server side is
 * guarded with 'server-only'). Needs a build (`node scripts/start.mjs --build-only`); skipped
 * with the reason when there is none.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const STATIC = path.join(root, '.next', 'static');
const built = existsSync(STATIC);
if (!built) console.warn(`SKIPPED: the client-bundle check needs a build in ${STATIC} (node scripts/start.mjs --build-only)`);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** NEO4J_* values the server may hold: the environment, .env files, the embedded server's password file. */
function serverSecrets(): string[] {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(process.env)) if (/^NEO4J_.*(PASSWORD|USER|URI)/.test(k) && v && v.length >= 6 && v !== 'neo4j') out.add(v);
  for (const f of readdirSync(root).filter((n) => /^\.env/.test(n))) {
    for (const line of readFileSync(path.join(root, f), 'utf8').split('\n')) {
      const m = /^\s*(NEO4J_\w*PASSWORD)\s*=\s*"?([^"\n]+)"?/.exec(line);
      if (m && m[2].length >= 6) out.add(m[2].trim());
    }
  }
  const pw = path.join(root, '.data', 'neo4j', 'password');
  if (existsSync(pw)) out.add(readFileSync(pw, 'utf8').trim());
  return [...out].filter((s) => s.length >= 6);
}

describe.skipIf(!built)('the client bundle', () => {
  it('holds no Neo4j credentials, server env values or driver code', () => {
    const secrets = serverSecrets();
    const leaks: string[] = [];
    const all = files(STATIC).filter((f) => /\.(js|css|html|json|txt|map)$/.test(f));
    expect(all.length).toBeGreaterThan(0);
    for (const f of all) {
      const text = readFileSync(f, 'utf8');
      for (const s of secrets) if (text.includes(s)) leaks.push(`${path.relative(root, f)} holds a server secret (${s.length} characters)`);
      // The driver's authentication and its Bolt handshake (magic preamble 0x6060b017) are server-side only.
      for (const marker of ['auth.basic(', '1616949271', '0x6060b017', 'process.env.NEO4J_PASSWORD']) if (text.includes(marker)) leaks.push(`${path.relative(root, f)} holds ${marker}`);
    }
    expect(leaks).toEqual([]);
  });
});
