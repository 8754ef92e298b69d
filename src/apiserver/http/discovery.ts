/** Discovery: legacy (`APIVersions`, `APIGroupList`, `APIResourceList`) and aggregated v2/v2beta1. */
import type { RuntimeConfig } from '../runtimeconfig.js';
import type { ServedVersion } from '../../api/resources.js';
import { apiVersionOf } from '../../api/types.js';

interface Sub {
  readonly name: string;
  readonly verbs: readonly string[];
  readonly kind: { group: string; version: string; kind: string };
}

function subresourcesOf(s: ServedVersion): Sub[] {
  const r = s.resource;
  const self = { group: s.group, version: s.version, kind: r.kind };
  const out: Sub[] = [];
  if (r.subresources.approval) out.push({ name: 'approval', verbs: ['get', 'patch', 'update'], kind: self });
  if (r.subresources.status) out.push({ name: 'status', verbs: ['get', 'patch', 'update'], kind: self });
  if (r.subresources.scale) {
    out.push({ name: 'scale', verbs: ['get', 'patch', 'update'], kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } });
  }
  if (r.subresources.binding) out.push({ name: 'binding', verbs: ['create'], kind: { group: '', version: 'v1', kind: 'Binding' } });
  if (r.subresources.log) out.push({ name: 'log', verbs: ['get'], kind: { group: '', version: 'v1', kind: 'Pod' } });
  if (r.subresources.eviction) out.push({ name: 'eviction', verbs: ['create'], kind: { group: 'policy', version: 'v1', kind: 'Eviction' } });
  if (r.subresources.token) out.push({ name: 'token', verbs: ['create'], kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' } });
  if (r.subresources.ephemeralContainers) out.push({ name: 'ephemeralcontainers', verbs: ['get', 'patch', 'update'], kind: self });
  // Connect subresources: GET/POST upgrade (create, get); proxy takes every HTTP method.
  const options = (kind: string): Sub['kind'] => ({ group: '', version: 'v1', kind });
  if (r.subresources.streams) {
    out.push({ name: 'attach', verbs: ['create', 'get'], kind: options('PodAttachOptions') });
    out.push({ name: 'exec', verbs: ['create', 'get'], kind: options('PodExecOptions') });
    out.push({ name: 'portforward', verbs: ['create', 'get'], kind: options('PodPortForwardOptions') });
  }
  if (r.subresources.proxy) out.push({ name: 'proxy', verbs: ['create', 'delete', 'get', 'patch', 'update'], kind: options(`${r.kind}ProxyOptions`) });
  // kube-apiserver lists them sorted by name.
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function resourcesOf(cfg: RuntimeConfig, group: string, version: string): ServedVersion[] {
  return cfg.enabled.filter((s) => s.group === group && s.version === version);
}

export function legacyApiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupsOf(cfg: RuntimeConfig): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const gv of cfg.groupVersions) {
    if (gv.group === '') continue;
    const list = groups.get(gv.group) ?? [];
    list.push(gv.version);
    groups.set(gv.group, list);
  }
  return groups;
}

function apiGroup(name: string, versions: readonly string[]): unknown {
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0] };
}

export function legacyGroupList(cfg: RuntimeConfig): unknown {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groupsOf(cfg)].map(([name, versions]) => apiGroup(name, versions)),
  };
}

export function legacyGroup(cfg: RuntimeConfig, group: string): unknown | undefined {
  const versions = groupsOf(cfg).get(group);
  return versions ? { kind: 'APIGroup', apiVersion: 'v1', ...(apiGroup(group, versions) as object) } : undefined;
}

export function legacyResourceList(cfg: RuntimeConfig, group: string, version: string): unknown | undefined {
  const served = resourcesOf(cfg, group, version);
  if (served.length === 0) return undefined;
  const resources: unknown[] = [];
  for (const s of served) {
    const r = s.resource;
    resources.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(s.shortNames.length ? { shortNames: s.shortNames } : {}),
      ...(r.categories.length && !s.converter ? { categories: r.categories } : {}),
    });
    for (const sub of subresourcesOf(s)) {
      resources.push({
        name: `${r.plural}/${sub.name}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(sub.kind.group !== s.group || sub.kind.version !== s.version ? { group: sub.kind.group, version: sub.kind.version } : {}),
        kind: sub.kind.kind,
        verbs: sub.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
}

/** Aggregated discovery for `/api` (core only) or `/apis` (every other group). */
export function aggregatedDiscovery(cfg: RuntimeConfig, core: boolean, version: 'v2' | 'v2beta1'): unknown {
  const groups = core ? new Map([['', ['v1']]]) : groupsOf(cfg);
  const items = [...groups].map(([name, versions]) => ({
    metadata: { name, creationTimestamp: null },
    versions: versions.map((v) => ({
      version: v,
      resources: resourcesOf(cfg, name, v).map((s) => ({
        resource: s.resource.plural,
        responseKind: { group: s.group, version: s.version, kind: s.resource.kind },
        scope: s.resource.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: s.resource.singular,
        verbs: s.resource.verbs,
        ...(s.shortNames.length ? { shortNames: s.shortNames } : {}),
        ...(s.resource.categories.length && !s.converter ? { categories: s.resource.categories } : {}),
        subresources: subresourcesOf(s).map((sub) => ({
          subresource: sub.name,
          responseKind: sub.kind,
          verbs: sub.verbs,
        })),
      })),
      freshness: 'Current',
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}
