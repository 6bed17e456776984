import { afterAll, describe, expect, inject, it } from 'vitest';
import { closeDrivers, serverInfo, type Neo4jConfig } from '../../lib/graph/server/driver';
import { findFreePort } from '../../scripts/neo4j-lib.mjs';

const { main } = inject('neo4j');
const cfg: Neo4jConfig = { uri: main.uri, user: main.user, password: main.password, database: 'neo4j' };

afterAll(() => closeDrivers());

describe('serverInfo on the embedded test server', () => {
  it('reports version, edition, database, address and latency', async () => {
    const info = await serverInfo(cfg);
    if (!info.ok) throw new Error(`${info.error} (${info.hint})`);
    expect(info.version).toMatch(/^5\.26\.\d+$/);
    expect(info.edition).toBe('community');
    expect(info.database).toBe('neo4j');
    expect(info.address).toBe(main.uri.replace('bolt://', ''));
    expect(info.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('names wrong credentials and hints at NEO4J_PASSWORD', async () => {
    const info = await serverInfo({ ...cfg, password: 'definitely-not-the-password' });
    expect(info.ok).toBe(false);
    if (info.ok) return;
    expect(info.kind).toBe('credentials');
    expect(info.error).toContain('rejected the credentials of user neo4j');
    expect(info.hint).toContain('NEO4J_PASSWORD');
  });

  it('reports a closed port as unreachable and hints at npm run neo4j / NEO4J_URI', async () => {
    const port = await findFreePort(); // nothing listens there
    const info = await serverInfo({ ...cfg, uri: `bolt://127.0.0.1:${port}` });
    expect(info.ok).toBe(false);
    if (info.ok) return;
    expect(info.kind).toBe('unreachable');
    expect(info.error).toContain(`127.0.0.1:${port}`);
    expect(info.hint).toContain('npm run neo4j');
    expect(info.hint).toContain('NEO4J_URI');
  });

  it('recovers after a wrong password once the right one is used', async () => {
    const bad = await serverInfo({ ...cfg, password: 'another-wrong-password' });
    expect(bad.ok).toBe(false);
    const good = await serverInfo(cfg);
    expect(good.ok).toBe(true);
  });
});
