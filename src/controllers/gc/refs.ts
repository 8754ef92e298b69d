/**
 * How the garbage collector names things: which stored resource an ownerReference points at, the
 * indexes it keeps on every shared informer (dependents by owner uid, objects by uid), and the
 * queue keys it works on.
 */
import { resourceTypes, type ResourceType } from '../../api/resources.js';
import { parseApiVersion, type KubeObject, type OwnerReference } from '../../api/types.js';

/** Index: owner uid → objects naming it in ownerReferences. */
export const byOwnerUid = 'byOwnerUid';
/** Index: uid → the object (owners are found by the uid an ownerReference carries). */
export const byUid = 'byUid';

export const ownerUidIndex = (o: KubeObject): string[] => (o.metadata.ownerReferences ?? []).map((r) => r.uid);
export const uidIndex = (o: KubeObject): string[] => (o.metadata.uid ? [o.metadata.uid] : []);

export const orphanFinalizer = 'orphan';
export const foregroundFinalizer = 'foregroundDeletion';

/**
 * The resource an ownerReference means, among `resources` (the built-in ones by default). Group
 * and kind decide; a legacy group (`extensions/v1beta1` ReplicaSet) resolves by kind to where that
 * kind is stored now.
 */
export function resourceForRef(ref: Pick<OwnerReference, 'apiVersion' | 'kind'>, resources: readonly ResourceType[] = resourceTypes): ResourceType | undefined {
  const { group } = parseApiVersion(ref.apiVersion);
  return resources.find((r) => r.group === group && r.kind === ref.kind) ??
    (group === 'extensions' ? resources.find((r) => r.kind === ref.kind) : undefined);
}

/** `namespace/name` (or `name`) of an object of `r` — the informer's key. */
export function objectKey(r: ResourceType, namespace: string | undefined, name: string): string {
  return r.namespaced && namespace ? `${namespace}/${name}` : name;
}

/** Queue keys: `D|…` checks a dependent's owners, `O|…` works an owner's GC finalizers. */
export type WorkKind = 'D' | 'O';

export function workKey(kind: WorkKind, r: ResourceType, key: string): string {
  return `${kind}|${r.group}/${r.plural}|${key}`;
}

export function parseWorkKey(k: string, resources: readonly ResourceType[] = resourceTypes): { kind: WorkKind; resource: ResourceType; key: string } | undefined {
  const [kind, gr, ...rest] = k.split('|');
  const resource = resources.find((r) => `${r.group}/${r.plural}` === gr);
  if ((kind !== 'D' && kind !== 'O') || !resource) return undefined;
  return { kind, resource, key: rest.join('|') };
}

/** Being deleted with a finalizer the garbage collector owns. */
export function hasGcFinalizer(o: KubeObject): boolean {
  const f = o.metadata.finalizers ?? [];
  return o.metadata.deletionTimestamp !== undefined && (f.includes(orphanFinalizer) || f.includes(foregroundFinalizer));
}
