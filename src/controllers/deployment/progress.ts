/**
 * A deployment's status and its two conditions, as Kubernetes' deployment controller writes them
 * (sync.go calculateStatus / syncRolloutStatus, progress.go, deployment util):
 * - `Available`: True `MinimumReplicasAvailable` while at least replicas − maxUnavailable pods are
 *   available, else False `MinimumReplicasUnavailable`.
 * - `Progressing`: True `NewReplicaSetCreated` / `FoundNewReplicaSet` / `ReplicaSetUpdated`
 *   (refreshed whenever pods move forward) until the rollout completes (`NewReplicaSetAvailable`);
 *   False `ProgressDeadlineExceeded` when no progress was seen for progressDeadlineSeconds;
 *   Unknown `DeploymentPaused` / `DeploymentResumed` around a pause.
 */
import { kubeTime } from '../../api/time.js';
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from './types.js';
import {
  actualReplicaCount, availableReplicaCount, deploymentReplicas, readyReplicaCount, replicaCount,
} from './replicasets.js';

export const conditionTypes = { available: 'Available', progressing: 'Progressing', replicaFailure: 'ReplicaFailure' } as const;

export const reasons = {
  newReplicaSetCreated: 'NewReplicaSetCreated',
  foundNewReplicaSet: 'FoundNewReplicaSet',
  replicaSetUpdated: 'ReplicaSetUpdated',
  newReplicaSetAvailable: 'NewReplicaSetAvailable',
  progressDeadlineExceeded: 'ProgressDeadlineExceeded',
  failedReplicaSetCreate: 'ReplicaSetCreateError',
  minimumReplicasAvailable: 'MinimumReplicasAvailable',
  minimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
} as const;

/** progressDeadlineSeconds at MaxInt32 means "no deadline" (the extensions/v1beta1 default). */
const noDeadline = 2147483647;

export function hasProgressDeadline(d: Deployment): boolean {
  const p = d.spec.progressDeadlineSeconds;
  return p !== undefined && p !== null && p !== noDeadline;
}

export function getCondition(status: DeploymentStatus, type: string): DeploymentCondition | undefined {
  return status.conditions?.find((c) => c.type === type);
}

export function newCondition(type: string, status: DeploymentCondition['status'], reason: string, message: string, now: string): DeploymentCondition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** Kubernetes' SetDeploymentCondition: the same status and reason is no change; the same status
 * keeps its lastTransitionTime; the new condition goes last. */
export function setCondition(status: DeploymentStatus, c: DeploymentCondition): void {
  const cur = getCondition(status, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  const next = cur && cur.status === c.status && cur.lastTransitionTime ? { ...c, lastTransitionTime: cur.lastTransitionTime } : c;
  status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== c.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
}

/** Every updated replica exists and is available, nothing old is left, and the status describes
 * the current spec. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const replicas = deploymentReplicas(d);
  return (s.updatedReplicas ?? 0) === replicas && (s.replicas ?? 0) === replicas && (s.availableReplicas ?? 0) === replicas
    && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** Any step forward since the stored status: more updated, fewer old, more ready or available. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld
    || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** No progress recorded for progressDeadlineSeconds (a finished rollout never times out). */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, conditionTypes.progressing);
  if (!c) return false;
  if (c.reason === reasons.newReplicaSetAvailable) return false;
  if (c.reason === reasons.progressDeadlineExceeded) return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  return !Number.isNaN(from) && from + (d.spec.progressDeadlineSeconds ?? 0) * 1000 < now;
}

/** Kubernetes' calculateStatus: counters from the ReplicaSets, and the Available condition. */
export function calculateStatus(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, maxUnavailable: number, now: string): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, replicaCount(allRSs) - available),
    conditions: [...(d.status?.conditions ?? [])],
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
  };
  if (available >= deploymentReplicas(d) - maxUnavailable) {
    setCondition(status, newCondition(conditionTypes.available, 'True', reasons.minimumReplicasAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition(conditionTypes.available, 'False', reasons.minimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

/** Kubernetes' syncRolloutStatus without the write: the status with its Progressing condition. */
export function rolloutStatus(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, maxUnavailable: number, nowMs: number): DeploymentStatus {
  const now = kubeTime(nowMs);
  const status = calculateStatus(d, allRSs, newRS, maxUnavailable, now);
  if (!hasProgressDeadline(d)) removeCondition(status, conditionTypes.progressing);
  const cur = getCondition(d.status ?? {}, conditionTypes.progressing);
  const complete = status.replicas === status.updatedReplicas && cur?.reason === reasons.newReplicaSetAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const what = newRS ? `ReplicaSet "${newRS.metadata.name ?? ''}"` : `Deployment "${d.metadata.name ?? ''}"`;
    if (deploymentComplete(d, status)) {
      setCondition(status, newCondition(conditionTypes.progressing, 'True', reasons.newReplicaSetAvailable, `${what} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, status)) {
      // Progress refreshes lastUpdateTime even under the same reason (what the deadline counts from).
      const c = newCondition(conditionTypes.progressing, 'True', reasons.replicaSetUpdated, `${what} is progressing.`, now);
      if (cur?.status === 'True' && cur.lastTransitionTime) c.lastTransitionTime = cur.lastTransitionTime;
      removeCondition(status, conditionTypes.progressing);
      setCondition(status, c);
    } else if (deploymentTimedOut(d, status, nowMs)) {
      setCondition(status, newCondition(conditionTypes.progressing, 'False', reasons.progressDeadlineExceeded, `${what} has timed out progressing.`, now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(status, failure);
  else removeCondition(status, conditionTypes.replicaFailure);
  return status;
}

/** The ReplicaFailure condition of the new ReplicaSet, else of any, as a deployment condition. */
function replicaFailure(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): DeploymentCondition | undefined {
  for (const rs of [newRS, ...allRSs]) {
    const c = rs?.status?.conditions?.find((x) => x.type === conditionTypes.replicaFailure);
    if (c) return { type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason ?? '', message: c.message ?? '' };
  }
  return undefined;
}

/** When to look again at a rollout that has not progressed, in ms (requeueStuckDeployment);
 * undefined when there is nothing to wait for. */
export function stuckRequeueAfter(d: Deployment, next: DeploymentStatus, nowMs: number): number | undefined {
  const cur = getCondition(d.status ?? {}, conditionTypes.progressing);
  if (!hasProgressDeadline(d) || !cur) return undefined;
  if (deploymentComplete(d, next) || cur.reason === reasons.progressDeadlineExceeded) return undefined;
  const from = Date.parse(cur.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return undefined;
  return Math.max(0, from + (d.spec.progressDeadlineSeconds ?? 0) * 1000 - nowMs);
}

/** Kubernetes' checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed.
 * Returns the status to write, or undefined when nothing changes. A timed-out rollout keeps its
 * condition. */
export function pausedConditions(d: Deployment, now: string): DeploymentStatus | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const cur = getCondition(d.status ?? {}, conditionTypes.progressing);
  if (cur?.reason === reasons.progressDeadlineExceeded) return undefined;
  const pausedRecorded = cur?.reason === reasons.paused;
  const status: DeploymentStatus = { ...(d.status ?? {}), conditions: [...(d.status?.conditions ?? [])] };
  if (d.spec.paused && !pausedRecorded) {
    setCondition(status, newCondition(conditionTypes.progressing, 'Unknown', reasons.paused, 'Deployment is paused', now));
  } else if (!d.spec.paused && pausedRecorded) {
    setCondition(status, newCondition(conditionTypes.progressing, 'Unknown', reasons.resumed, 'Deployment is resumed', now));
  } else return undefined;
  return status;
}
