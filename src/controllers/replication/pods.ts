/**
 * Pod facts every workload controller asks: is it still active, ready, available; who controls
 * it; what a new pod made from a template looks like. Pure functions over API objects, shared by
 * the replication, job and daemon set controllers (as Kubernetes' pkg/controller helpers are).
 */
import type { Pod, PodTemplateSpec } from '../../api/kinds.js';
import type { KubeObject, OwnerReference } from '../../api/types.js';

/** Neither finished nor being deleted: the pods that count toward a controller's replicas. */
export function isActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

export function isFinished(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The pod's Ready condition when it is True, else undefined. */
export function readyCondition(pod: Pod): { lastTransitionTime?: string } | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
  return c?.status === 'True' ? c : undefined;
}

export function isReady(pod: Pod): boolean {
  return readyCondition(pod) !== undefined;
}

/** Ready for at least `minReadySeconds` (Kubernetes' IsPodAvailable). */
export function isAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const c = readyCondition(pod);
  if (!c) return false;
  if (minReadySeconds <= 0) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= now;
}

/** The owner reference with `controller: true`, if any. */
export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** The reference a controller puts on the pods it owns. */
export function ownerRefFor(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** A pod to create from `template` (Kubernetes' GetPodFromTemplate): the template's labels,
 * annotations and spec, `generateName` `<owner>-`, owned by `ref`. */
export function podFromTemplate(template: PodTemplateSpec | undefined, namespace: string, ownerName: string, ref: OwnerReference): Pod {
  const t = structuredClone(template ?? { spec: { containers: [] } });
  const meta = t.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ownerName}-`,
      namespace,
      ...(meta.labels ? { labels: meta.labels } : {}),
      ...(meta.annotations ? { annotations: meta.annotations } : {}),
      ...(meta.finalizers ? { finalizers: meta.finalizers } : {}),
      ownerReferences: [ref],
    },
    spec: t.spec as Pod['spec'],
  };
}

/** `namespace/name` of a pod. */
export function podKey(pod: KubeObject): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
}

/** Sum of container restarts (init containers included). */
export function restartCount(pod: Pod): number {
  let n = 0;
  for (const s of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) n += s.restartCount ?? 0;
  return n;
}

/** Index functions the workload controllers share on the one pod informer. Names are stable so
 * every component that asks for them means the same thing. */
export const podIndexes = {
  byNamespace: 'byNamespace',
  /** `owner:<uid>` for a pod with a controller, `orphan:<namespace>` for one without: the only
   * pods a controller can claim, without scanning its whole namespace. */
  byClaim: 'byClaim',
  byNodeName: 'byNodeName',
} as const;

export function claimIndex(obj: KubeObject): readonly string[] {
  const ref = controllerRef(obj);
  return [ref ? `owner:${ref.uid}` : `orphan:${obj.metadata.namespace ?? ''}`];
}

export function namespaceIndex(obj: KubeObject): readonly string[] {
  return [obj.metadata.namespace ?? ''];
}

export function nodeNameIndex(obj: KubeObject): readonly string[] {
  const n = (obj.spec as { nodeName?: string } | undefined)?.nodeName;
  return n ? [n] : [];
}
