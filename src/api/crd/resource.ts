/**
 * The resource an established CRD serves, as a client sees it through discovery: group, plural
 * and kind from its accepted names, the storage version, the scope. What controllers that work
 * on every kind (garbage collector, namespace deletion) add to the built-in resource table.
 */
import type { ResourceType } from '../resources.js';
import { isRecord, type KubeObject } from '../types.js';

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

function isEstablished(crd: KubeObject): boolean {
  const conds = crd.status?.['conditions'];
  return Array.isArray(conds) && conds.some((c) => isRecord(c) && c['type'] === 'Established' && c['status'] === 'True');
}

/** The CRD's resource, or undefined while it is not established. */
export function crdResourceType(crd: KubeObject): ResourceType | undefined {
  if (!isEstablished(crd)) return undefined;
  const names = isRecord(crd.status?.['acceptedNames']) ? crd.status['acceptedNames'] : {};
  const plural = typeof names['plural'] === 'string' ? names['plural'] : '';
  const kind = typeof names['kind'] === 'string' ? names['kind'] : '';
  const versions = Array.isArray(crd.spec?.['versions']) ? (crd.spec['versions'] as unknown[]).filter(isRecord) : [];
  const storage = versions.find((v) => v['storage'] === true);
  const group = typeof crd.spec?.['group'] === 'string' ? crd.spec['group'] : '';
  if (!plural || !kind || !storage || typeof storage['name'] !== 'string' || !group) return undefined;
  return {
    plural,
    singular: typeof names['singular'] === 'string' && names['singular'] ? names['singular'] : kind.toLowerCase(),
    kind,
    group,
    storageVersion: storage['name'],
    namespaced: crd.spec?.['scope'] !== 'Cluster',
    shortNames: [],
    categories: [],
    subresources: {},
    verbs: allVerbs,
  };
}
