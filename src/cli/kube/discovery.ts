/**
 * What the server serves, asked of the server: the API is the source of truth (runtime-config can
 * switch resources on and off, and another server version may serve more), so type names are
 * resolved against `GET /api/v1` and `GET /apis/G/V`. When discovery fails the static resource
 * table stands in, so a half-broken server still gets a useful error from the real request.
 */
import { servedVersions } from '../../api/resources.js';
import { apiVersionOf } from '../../api/types.js';
import type { RestClient } from '../../client/index.js';

/** One resource under one group/version, as discovery announces it. */
export interface ApiResource {
  readonly group: string;
  readonly version: string;
  /** The plural name: `replicationcontrollers`. */
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly verbs: readonly string[];
  /** Subresource names: `status`, `scale`, `log`… */
  readonly subresources: readonly string[];
  /** This group/version is the group's preferred one. */
  readonly preferred: boolean;
}

interface ResourceListEntry {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
}

interface GroupList {
  groups?: { name: string; versions: { groupVersion: string; version: string }[]; preferredVersion?: { version: string } }[];
}

export class Discovery {
  private constructor(readonly resources: readonly ApiResource[], readonly fromServer: boolean) {}

  /** Asks the server; falls back to the static table when discovery itself fails. */
  static async load(client: RestClient): Promise<Discovery> {
    try {
      return new Discovery(await fetchAll(client), true);
    } catch {
      return Discovery.static();
    }
  }

  /** The resource table compiled in, as a server with default settings serves it. */
  static static(): Discovery {
    const preferred = new Map<string, string>();
    for (const s of servedVersions) if (s.enabledByDefault && !preferred.has(s.group)) preferred.set(s.group, s.version);
    return new Discovery(
      servedVersions.filter((s) => s.enabledByDefault).map((s) => ({
        group: s.group,
        version: s.version,
        plural: s.resource.plural,
        singular: s.resource.singular,
        kind: s.resource.kind,
        namespaced: s.resource.namespaced,
        shortNames: s.shortNames,
        categories: s.converter ? [] : s.resource.categories,
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
        subresources: Object.entries(s.resource.subresources).filter(([, v]) => Boolean(v)).flatMap(([k]) => subresourceNames[k] ?? [k]),
        preferred: preferred.get(s.group) === s.version,
      })),
      false,
    );
  }

  /** Builds one from a fixed list (tests). */
  static of(resources: readonly ApiResource[]): Discovery {
    return new Discovery(resources, false);
  }

  /** The resource serving `kind` at exactly `apiVersion` (what a manifest names). */
  forKind(apiVersion: string, kind: string): ApiResource | undefined {
    return this.resources.find((r) => apiVersionOf(r.group, r.version) === apiVersion && r.kind === kind);
  }
}

/** The served names of the resource table's subresource flags that differ from them. */
const subresourceNames: Record<string, readonly string[]> = { streams: ['attach', 'exec', 'portforward'], ephemeralContainers: ['ephemeralcontainers'] };

async function fetchAll(client: RestClient): Promise<ApiResource[]> {
  const [core, groups] = await Promise.all([
    client.request('GET', '/api/v1') as Promise<{ resources?: ResourceListEntry[] }>,
    client.request('GET', '/apis') as Promise<GroupList>,
  ]);
  const gvs: { group: string; version: string; preferred: boolean }[] = [];
  for (const g of groups.groups ?? []) {
    const pref = g.preferredVersion?.version ?? g.versions[0]?.version;
    for (const v of g.versions) gvs.push({ group: g.name, version: v.version, preferred: v.version === pref });
  }
  const lists = await Promise.all(
    gvs.map((gv) => (client.request('GET', `/apis/${gv.group}/${gv.version}`) as Promise<{ resources?: ResourceListEntry[] }>).catch(() => ({ resources: [] }))),
  );
  const out = entries('', 'v1', true, core.resources ?? []);
  gvs.forEach((gv, i) => out.push(...entries(gv.group, gv.version, gv.preferred, lists[i]?.resources ?? [])));
  // Preferred versions first, so a plain name resolves to the version the group prefers.
  return [...out.filter((r) => r.preferred), ...out.filter((r) => !r.preferred)];
}

function entries(group: string, version: string, preferred: boolean, list: readonly ResourceListEntry[]): ApiResource[] {
  const subs = new Map<string, string[]>();
  for (const e of list) {
    const [base, sub] = e.name.split('/');
    if (base && sub) subs.set(base, [...(subs.get(base) ?? []), sub]);
  }
  return list.filter((e) => !e.name.includes('/')).map((e) => ({
    group,
    version,
    plural: e.name,
    singular: e.singularName || e.kind.toLowerCase(),
    kind: e.kind,
    namespaced: e.namespaced,
    shortNames: e.shortNames ?? [],
    categories: e.categories ?? [],
    verbs: e.verbs ?? [],
    subresources: subs.get(e.name) ?? [],
    preferred,
  }));
}
