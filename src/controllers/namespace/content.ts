/**
 * Emptying a namespace (Kubernetes' `namespaced_resources_deleter`): a deletecollection on every
 * namespaced resource the server stores, then a count of what is left — pods in their grace
 * period and objects held by finalizers stay a while, and the estimate says when to look again.
 */
import { resourceTypes, type ResourceType } from '../../api/resources.js';
import { ApiError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import type { RestClient } from '../../client/rest.js';

export interface ContentReport {
  /** Objects still in the namespace, per resource plural (only non-zero counts). */
  readonly remaining: Readonly<Record<string, number>>;
  /** Finalizers holding remaining objects (name → count). */
  readonly finalizers: Readonly<Record<string, number>>;
  /** Milliseconds until the last known graceful deletion ends (0 when none is pending). */
  readonly estimateMs: number;
  /** Resources whose deletion failed, with the error. */
  readonly failures: readonly string[];
}

/** Every namespaced resource, in the order to delete: workloads before the pods they would
 * otherwise replace, events last (deleting the others writes new ones). */
export function namespacedResources(all: readonly ResourceType[] = resourceTypes): ResourceType[] {
  const rank = (r: ResourceType) => (r.plural === 'pods' ? 1 : r.plural === 'events' ? 2 : 0);
  return all.filter((r) => r.namespaced).sort((a, b) => rank(a) - rank(b));
}

/** Summarises what is left: counts, the finalizers holding objects, and how long the slowest
 * graceful deletion still has to run. Pure, for tests. */
export function summarise(left: ReadonlyMap<string, readonly KubeObject[]>, now: number): Omit<ContentReport, 'failures'> {
  const remaining: Record<string, number> = {};
  const finalizers: Record<string, number> = {};
  let estimateMs = 0;
  for (const [plural, items] of left) {
    if (items.length === 0) continue;
    remaining[plural] = items.length;
    for (const o of items) {
      for (const f of o.metadata.finalizers ?? []) finalizers[f] = (finalizers[f] ?? 0) + 1;
      if (o.metadata.deletionTimestamp) estimateMs = Math.max(estimateMs, Date.parse(o.metadata.deletionTimestamp) - now);
    }
  }
  return { remaining, finalizers, estimateMs: Math.max(0, estimateMs) };
}

/** Deletes every object in `namespace` (one deletecollection per resource) and reports what is
 * left after. Safe to call again: objects already being deleted stay as they are. */
export async function deleteContent(client: RestClient, namespace: string, resources: readonly ResourceType[] = namespacedResources()): Promise<ContentReport> {
  const failures: string[] = [];
  const left = new Map<string, KubeObject[]>();
  for (const r of resources) {
    try {
      const list = await client.list(r, namespace, { limit: 1 });
      if (list.items.length > 0) {
        await client.request('DELETE', client.path(r, namespace), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
      }
      left.set(r.plural, (await client.list(r, namespace)).items);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) continue;
      failures.push(`${r.plural}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { ...summarise(left, Date.now()), failures };
}
