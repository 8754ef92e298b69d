/**
 * A stateful set's claims (Kubernetes' stateful_set_utils): each pod gets one claim per
 * `volumeClaimTemplates` entry, named `TEMPLATE-SET-ORDINAL`, created before the pod and mounted
 * as the volume named after the template. The claims outlive their pods; what removes them is
 * `persistentVolumeClaimRetentionPolicy`, through owner references the garbage collector follows:
 * `whenDeleted: Delete` makes the set an owner of every claim, `whenScaled: Delete` makes a
 * condemned pod (an ordinal beyond the replicas) the owner of its claims before it is deleted.
 */
import type { PersistentVolumeClaim, Pod, PodTemplateSpec, StatefulSet, Volume } from '../../api/kinds.js';
import { isRecord, type OwnerReference } from '../../api/types.js';

interface ClaimTemplate {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export function claimTemplates(set: StatefulSet): ClaimTemplate[] {
  return (set.spec.volumeClaimTemplates ?? []).filter(isRecord) as ClaimTemplate[];
}

export function claimName(template: ClaimTemplate, set: StatefulSet, ordinal: number): string {
  return `${template.metadata?.name ?? ''}-${set.metadata.name ?? ''}-${ordinal}`;
}

/** The claims of `ordinal`, as they are created: the template, the set's selector labels. */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  return claimTemplates(set).map((t) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(t, set, ordinal),
      namespace: set.metadata.namespace ?? 'default',
      labels: { ...(t.metadata?.labels ?? {}), ...(set.spec.selector?.matchLabels ?? {}) },
      ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
    },
    spec: structuredClone(t.spec ?? {}) as PersistentVolumeClaim['spec'],
  }));
}

/** The pod template with each claim mounted as the volume named after its template. */
export function withClaimVolumes(template: PodTemplateSpec, set: StatefulSet, ordinal: number): PodTemplateSpec {
  const templates = claimTemplates(set);
  if (templates.length === 0) return template;
  const names = new Set(templates.map((t) => t.metadata?.name ?? ''));
  const kept = (template.spec.volumes ?? []).filter((v) => !names.has(v.name));
  const claims: Volume[] = templates.map((t) => ({ name: t.metadata?.name ?? '', persistentVolumeClaim: { claimName: claimName(t, set, ordinal) } }) as Volume);
  return { ...template, spec: { ...template.spec, volumes: [...kept, ...claims] } };
}

/** The owner references a claim of `ordinal` should carry under the set's retention policy;
 * `pod` is the pod of that ordinal when it exists, `condemned` when it is beyond the replicas. */
export function desiredOwners(set: StatefulSet, pod: Pod | undefined, condemned: boolean): OwnerReference[] {
  const policy = set.spec.persistentVolumeClaimRetentionPolicy ?? {};
  const refs: OwnerReference[] = [];
  if (policy.whenDeleted === 'Delete') {
    refs.push({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata.name ?? '', uid: set.metadata.uid ?? '' });
  }
  if (policy.whenScaled === 'Delete' && condemned && pod) {
    refs.push({ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' });
  }
  return refs;
}

/** The claim's references with the set's and pods' replaced by `want` (others are kept). */
export function ownersAfter(claim: PersistentVolumeClaim, set: StatefulSet, want: readonly OwnerReference[]): OwnerReference[] | undefined {
  const current = claim.metadata.ownerReferences ?? [];
  const ours = (r: OwnerReference): boolean => r.uid === set.metadata.uid || r.kind === 'Pod';
  const next = [...current.filter((r) => !ours(r)), ...want];
  const key = (rs: readonly OwnerReference[]): string => rs.map((r) => r.uid).sort().join(',');
  return key(next) === key(current) ? undefined : next;
}
