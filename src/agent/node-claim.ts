/**
 * One live agent per node name. Each agent has an instance id kept in its data dir and stated on
 * its Node; an agent that finds its name held by another instance whose Lease is still being
 * renewed refuses to start (kubelet would silently take the node over, flipping its address
 * between the two). A holder silent for a whole lease duration is gone: the name is taken over.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Lease, Node } from '../api/kinds.js';
import { ApiError } from '../api/errors.js';
import { leases, nodes } from '../api/resources.js';
import type { RestClient } from '../client/rest.js';
import { leaseDurationSeconds, nodeLeaseNamespace } from './lease.js';

export const agentInstanceAnnotation = 'skiff.io/agent-instance';

/** The node name is held by another live agent: this one must not start. */
export class NodeNameInUseError extends Error {
  override name = 'NodeNameInUseError';
}

/** This data dir's agent instance id, made on first use. */
export function agentInstance(dataDir: string): string {
  const file = path.join(dataDir, 'agent-instance');
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (id) return id;
  } catch {
    // first start of this data dir
  }
  const id = randomUUID();
  writeFileSync(file, `${id}\n`, { mode: 0o600 });
  return id;
}

async function getOrUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
}

/** Throws a NodeNameInUseError when another live agent holds `name`; `now` in epoch ms. */
export async function checkNodeClaim(client: RestClient, name: string, instance: string, now = Date.now()): Promise<void> {
  const node = await getOrUndefined(client.get<Node>(nodes, undefined, name));
  const holder = node?.metadata.annotations?.[agentInstanceAnnotation];
  if (!holder || holder === instance) return;
  const lease = await getOrUndefined(client.get<Lease>(leases, nodeLeaseNamespace, name));
  const renewed = lease?.spec?.renewTime ? Date.parse(lease.spec.renewTime) : NaN;
  const silentMs = now - renewed;
  if (Number.isNaN(renewed) || silentMs > (lease?.spec?.leaseDurationSeconds ?? leaseDurationSeconds) * 1000) return;
  const address = node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  throw new NodeNameInUseError(
    `node "${name}" is run by another live agent${address ? ` at ${address}` : ''} (its lease was renewed ${Math.max(0, Math.round(silentMs / 1000))}s ago): ` +
      'give this agent another name with --node-name, or stop the other one first',
  );
}
