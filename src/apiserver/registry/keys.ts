/** Storage keys: `/registry/<plural>/<ns>/<name>` for the core group, `/registry/<group>/<plural>/…`
 * for the others; cluster-scoped resources have no namespace segment. */
import type { ResourceType } from '../../api/resources.js';

export function resourcePrefix(r: ResourceType): string {
  return r.group === '' ? `/registry/${r.plural}/` : `/registry/${r.group}/${r.plural}/`;
}

/** The prefix to list: all namespaces when `namespace` is undefined. */
export function listPrefix(r: ResourceType, namespace: string | undefined): string {
  const base = resourcePrefix(r);
  return r.namespaced && namespace !== undefined ? `${base}${namespace}/` : base;
}

export function objectKey(r: ResourceType, namespace: string | undefined, name: string): string {
  return r.namespaced ? `${resourcePrefix(r)}${namespace ?? ''}/${name}` : `${resourcePrefix(r)}${name}`;
}
