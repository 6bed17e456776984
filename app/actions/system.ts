'use server';
/**
 * Server action for the System cell: the Neo4j connection as the server sees
 * it. Takes no input; credentials stay on the server.
 */
import { serverInfo } from '@/lib/graph/server/driver';

export type Neo4jStatus = Awaited<ReturnType<typeof serverInfo>>;

export async function neo4jStatus(): Promise<Neo4jStatus> {
  return serverInfo();
}
