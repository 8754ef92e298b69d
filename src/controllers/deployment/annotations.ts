/**
 * The annotations the deployment controller keeps (Kubernetes' deployment util): the revision of
 * each ReplicaSet and of the Deployment, the revisions a ReplicaSet had before a rollback brought
 * it back, the deployment size a ReplicaSet was last scaled for (`desired-replicas`) and that size
 * plus surge (`max-replicas`), which proportional scaling reads; and the Deployment's own
 * annotations, copied to its new ReplicaSet so that `rollout history` and `undo` can find them.
 */
import type { KubeObject } from '../../api/types.js';

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';
export const deprecatedRollbackTo = 'deprecated.deployment.rollback.to';

/** Never copied from a Deployment to its ReplicaSets: the controller owns these per object. */
const skipped = new Set([lastAppliedAnnotation, revisionAnnotation, revisionHistoryAnnotation, desiredReplicasAnnotation, maxReplicasAnnotation, deprecatedRollbackTo]);

/** Kubernetes caps revision-history at this many characters. */
export const maxRevisionHistoryChars = 2000;

function annotations(obj: KubeObject): Record<string, string> {
  return (obj.metadata.annotations ??= {});
}

/** The object's revision, 0 when it has none; NaN when it is not a number. */
export function revisionOf(obj: KubeObject): number {
  const v = obj.metadata.annotations?.[revisionAnnotation];
  if (v === undefined || v === '') return 0;
  return /^-?\d+$/.test(v) ? Number(v) : NaN;
}

/** The highest revision among `objs` (unreadable ones ignored). */
export function maxRevision(objs: readonly KubeObject[]): number {
  let max = 0;
  for (const o of objs) {
    const r = revisionOf(o);
    if (Number.isFinite(r) && r > max) max = r;
  }
  return max;
}

/** Copies the deployment's annotations to `rs` (Kubernetes' copyDeploymentAnnotationsToReplicaSet);
 * true when something changed. */
export function copyDeploymentAnnotations(d: KubeObject, rs: KubeObject): boolean {
  const to = annotations(rs);
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (skipped.has(k) || to[k] === v) continue;
    to[k] = v;
    changed = true;
  }
  return changed;
}

/** Sets desired-replicas and max-replicas; true when either changed. */
export function setReplicasAnnotations(rs: KubeObject, desired: number, max: number): boolean {
  const a = annotations(rs);
  let changed = false;
  if (a[desiredReplicasAnnotation] !== String(desired)) {
    a[desiredReplicasAnnotation] = String(desired);
    changed = true;
  }
  if (a[maxReplicasAnnotation] !== String(max)) {
    a[maxReplicasAnnotation] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: KubeObject, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[desiredReplicasAnnotation] !== String(desired) || a[maxReplicasAnnotation] !== String(max);
}

function intAnnotation(rs: KubeObject, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

export function desiredReplicasOf(rs: KubeObject): number | undefined {
  return intAnnotation(rs, desiredReplicasAnnotation);
}

export function maxReplicasOf(rs: KubeObject): number | undefined {
  return intAnnotation(rs, maxReplicasAnnotation);
}

/**
 * Kubernetes' SetNewReplicaSetAnnotations: copies the deployment's annotations, raises the
 * revision to `newRevision` (remembering the one it replaces in revision-history, which is how a
 * rolled-back-to ReplicaSet keeps its past), and for a ReplicaSet about to be created sets the
 * replicas annotations. True when anything changed.
 */
export function setNewReplicaSetAnnotations(d: KubeObject, rs: KubeObject, newRevision: number, exists: boolean, desired: number, max: number): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = annotations(rs);
  const had = Object.prototype.hasOwnProperty.call(a, revisionAnnotation);
  const oldText = a[revisionAnnotation] ?? '';
  const old = oldText === '' ? 0 : Number(oldText);
  if (!/^-?\d*$/.test(oldText)) return changed;
  if (old < newRevision) {
    a[revisionAnnotation] = String(newRevision);
    changed = true;
    if (had) {
      const history = a[revisionHistoryAnnotation] ?? '';
      if (history === '') a[revisionHistoryAnnotation] = oldText;
      else {
        const parts = history.split(',');
        let total = history.length + oldText.length + 1;
        let start = 0;
        while (total > maxRevisionHistoryChars && start < parts.length) {
          total -= parts[start]!.length + 1;
          start++;
        }
        if (total <= maxRevisionHistoryChars) a[revisionHistoryAnnotation] = [...parts.slice(start), oldText].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, desired, max)) changed = true;
  return changed;
}

/** Sets the deployment's revision annotation; true when it changed. */
export function setDeploymentRevision(d: KubeObject, revision: string): boolean {
  const a = annotations(d);
  if (a[revisionAnnotation] === revision) return false;
  a[revisionAnnotation] = revision;
  return true;
}
