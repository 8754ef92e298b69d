/**
 * The autoscaler's target through its `scale` subresource, found by discovery as the upstream
 * controller's scale client finds it: the resource of `scaleTargetRef.kind` in its apiVersion
 * that has `/scale` — Deployments, ReplicaSets, ReplicationControllers, StatefulSets and custom
 * resources alike.
 */
import { parseApiVersion } from '../../api/types.js';
import type { CrossVersionObjectReference } from '../../api/kinds.js';
import type { RestClient } from '../../client/rest.js';

export interface Scale {
  readonly metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
  readonly spec?: { replicas?: number };
  readonly status?: { replicas?: number; selector?: string };
}

interface ApiResourceList {
  resources?: { name: string; kind: string }[];
}

export class ScaleTargets {
  private readonly lists = new Map<string, { at: number; list: Promise<ApiResourceList> }>();

  constructor(private readonly client: RestClient, private readonly cacheMs = 30_000) {}

  private resources(apiVersion: string): Promise<ApiResourceList> {
    const hit = this.lists.get(apiVersion);
    if (hit && Date.now() - hit.at < this.cacheMs) return hit.list;
    const { group, version } = parseApiVersion(apiVersion);
    const list = this.client.request('GET', group ? `/apis/${group}/${version}` : `/api/${version}`) as Promise<ApiResourceList>;
    list.catch(() => this.lists.delete(apiVersion));
    this.lists.set(apiVersion, { at: Date.now(), list });
    return list;
  }

  /** The URL of the target's scale subresource; throws with the reason when there is none. */
  async scalePath(ns: string, ref: CrossVersionObjectReference): Promise<string> {
    const apiVersion = ref.apiVersion || 'v1';
    const list = await this.resources(apiVersion);
    const names = new Set((list.resources ?? []).map((r) => r.name));
    const main = (list.resources ?? []).find((r) => r.kind === ref.kind && !r.name.includes('/') && names.has(`${r.name}/scale`));
    if (!main) throw new Error(`no matches for kind "${ref.kind}" in group "${parseApiVersion(apiVersion).group}" with a scale subresource`);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    return `${base}/namespaces/${encodeURIComponent(ns)}/${main.name}/${encodeURIComponent(ref.name)}/scale`;
  }

  async get(ns: string, ref: CrossVersionObjectReference): Promise<{ scale: Scale; path: string }> {
    const path = await this.scalePath(ns, ref);
    return { scale: (await this.client.request('GET', path)) as Scale, path };
  }

  async set(path: string, replicas: number): Promise<void> {
    await this.client.request('PATCH', path, { spec: { replicas } }, 'application/merge-patch+json');
  }
}
