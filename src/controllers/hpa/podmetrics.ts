/** The pods' resource use from metrics.k8s.io (the REST metrics client of the upstream
 * controller): each pod's containers summed, CPU in cores and memory in bytes. */
import { parseQuantity } from '../../api/quantity.js';
import type { RestClient } from '../../client/rest.js';
import type { PodUsage } from './replicas.js';

interface PodMetricsList {
  items?: { metadata: { name?: string }; timestamp?: string; window?: string; containers?: { usage?: Record<string, string> }[] }[];
}

function num(q: string | undefined): number {
  try {
    return q ? parseQuantity(q).toNumber() : 0;
  } catch {
    return 0;
  }
}

export async function podUsage(client: RestClient, namespace: string, selector: string, resource: string): Promise<Map<string, PodUsage>> {
  const path = `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods?labelSelector=${encodeURIComponent(selector)}`;
  const list = (await client.request('GET', path)) as PodMetricsList;
  const out = new Map<string, PodUsage>();
  for (const item of list.items ?? []) {
    const containers = item.containers ?? [];
    // A pod whose containers do not all report the resource is left out, as upstream does.
    if (!containers.length || containers.some((c) => c.usage?.[resource] === undefined)) continue;
    out.set(item.metadata.name ?? '', {
      value: containers.reduce((a, c) => a + num(c.usage?.[resource]), 0),
      timestamp: Date.parse(item.timestamp ?? '') || 0,
      windowMs: Number.parseFloat(item.window ?? '0') * 1000 || 0,
    });
  }
  return out;
}
