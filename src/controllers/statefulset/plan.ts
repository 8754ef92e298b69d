/**
 * One pass of the stateful set control, free of I/O (Kubernetes' StatefulSetControl): which
 * ordinal to create, which pod to delete and why, and the status. Pods are NAME-ORDINAL; those
 * in [start, start+replicas) are the replicas, higher or lower ordinals are condemned.
 * OrderedReady creates one pod at a time in ascending order, only once every lower one is Running
 * and Ready, and deletes condemned pods one at a time from the highest ordinal; Parallel does
 * both at once. A RollingUpdate deletes pods not at the update revision from the highest ordinal
 * down to the partition, never leaving more than maxUnavailable unhealthy; OnDelete waits for
 * the user to delete them. Recreated pods below the partition keep the current revision.
 */
import type { Pod, StatefulSet } from '../../api/kinds.js';
import { isAvailable, isReady } from '../replication/pods.js';
import { revisionLabel } from '../history/index.js';

export type StatefulAction =
  | { readonly kind: 'create'; readonly ordinal: number; readonly revision: 'current' | 'update' }
  | { readonly kind: 'delete'; readonly pod: Pod; readonly reason: 'failed' | 'condemned' | 'update' };

export interface StatefulStatus {
  observedGeneration: number;
  replicas: number;
  readyReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
}

export interface StatefulPlan {
  readonly actions: readonly StatefulAction[];
  /** Why the pass stopped early (OrderedReady), for the log. */
  readonly waiting?: string;
  readonly status: StatefulStatus;
}

/** The ordinal in a pod's name `SET-N`, or -1. */
export function ordinalOf(setName: string, pod: Pod): number {
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(`${setName}-`)) return -1;
  const rest = name.slice(setName.length + 1);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : -1;
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec.ordinals?.start ?? 0;
}

function terminating(p: Pod): boolean {
  return Boolean(p.metadata.deletionTimestamp);
}

function runningAndReady(p: Pod): boolean {
  return p.status?.phase === 'Running' && isReady(p);
}

function finished(p: Pod): boolean {
  return p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';
}

/** maxUnavailable as a pod count: a percentage of replicas rounds down, but never below 1. */
export function maxUnavailableOf(set: StatefulSet, replicas: number): number {
  const v = set.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
  const n = typeof v === 'string' && v.endsWith('%') ? Math.floor((Number(v.slice(0, -1)) * replicas) / 100) : Number(v);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

export function revisionOf(p: Pod): string {
  return p.metadata.labels?.[revisionLabel] ?? '';
}

export function planStatefulSet(set: StatefulSet, pods: readonly Pod[], currentRevision: string, updateRevision: string, collisionCount: number, now: number): StatefulPlan {
  const name = set.metadata.name ?? '';
  const start = startOrdinal(set);
  const count = set.spec.replicas ?? 1;
  const minReady = set.spec.minReadySeconds ?? 0;
  const healthy = (p: Pod | undefined): boolean => p !== undefined && !terminating(p) && runningAndReady(p) && isAvailable(p, minReady, now);
  const replicas: (Pod | undefined)[] = new Array<Pod | undefined>(count).fill(undefined);
  const condemned: Pod[] = [];
  for (const p of pods) {
    const ord = ordinalOf(name, p);
    if (ord < 0) continue;
    if (ord >= start && ord < start + count) replicas[ord - start] = p;
    else condemned.push(p);
  }
  condemned.sort((a, b) => ordinalOf(name, b) - ordinalOf(name, a));

  const status: StatefulStatus = {
    observedGeneration: set.metadata.generation ?? 0, replicas: 0, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0,
    availableReplicas: 0, currentRevision, updateRevision, collisionCount,
  };
  for (const p of pods) {
    if (ordinalOf(name, p) < 0) continue;
    status.replicas++;
    if (runningAndReady(p)) {
      status.readyReplicas++;
      if (isAvailable(p, minReady, now)) status.availableReplicas++;
    }
    if (!terminating(p)) {
      if (revisionOf(p) === currentRevision) status.currentReplicas++;
      if (revisionOf(p) === updateRevision) status.updatedReplicas++;
    }
  }
  const rolling = (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  // Once every pod runs the update revision, it becomes the current one.
  if (rolling && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
    status.currentRevision = updateRevision;
    status.currentReplicas = status.updatedReplicas;
  }

  const monotonic = (set.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
  const partition = rolling ? (set.spec.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
  const actions: StatefulAction[] = [];
  const done = (waiting?: string): StatefulPlan => ({ actions, status, ...(waiting ? { waiting } : {}) });

  for (let i = 0; i < count; i++) {
    const pod = replicas[i];
    const podName = `${name}-${start + i}`;
    if (!pod) {
      const revision = rolling && i < partition ? 'current' : 'update';
      actions.push({ kind: 'create', ordinal: start + i, revision });
      if (monotonic) return done(`waiting for Pod ${podName} to be created`);
      continue;
    }
    if (finished(pod) && !terminating(pod)) {
      actions.push({ kind: 'delete', pod, reason: 'failed' });
      if (monotonic) return done(`Pod ${podName} has ${pod.status?.phase} and is being recreated`);
      continue;
    }
    if (!monotonic) continue;
    if (terminating(pod)) return done(`waiting for Pod ${podName} to terminate`);
    if (!runningAndReady(pod)) return done(`waiting for Pod ${podName} to be Running and Ready`);
    if (!isAvailable(pod, minReady, now)) return done(`waiting for Pod ${podName} to be Available`);
  }

  const firstUnhealthy = [...replicas, ...[...condemned].reverse()].find((p) => !healthy(p));
  for (const pod of condemned) {
    if (terminating(pod)) {
      if (monotonic) return done(`waiting for Pod ${pod.metadata.name ?? ''} to terminate prior to scale down`);
      continue;
    }
    if (monotonic && firstUnhealthy !== undefined && firstUnhealthy !== pod) {
      return done(`waiting for Pod ${firstUnhealthy.metadata.name ?? ''} to be Running and Ready prior to scale down`);
    }
    actions.push({ kind: 'delete', pod, reason: 'condemned' });
    if (monotonic) return done();
  }

  if (!rolling || set.metadata.deletionTimestamp) return done();
  const maxUnavailable = maxUnavailableOf(set, count);
  const unavailable = replicas.filter((p) => !healthy(p)).length;
  if (unavailable >= maxUnavailable) return done(unavailable > 0 ? 'waiting for unhealthy pods before updating' : undefined);
  let budget = maxUnavailable - unavailable;
  for (let i = count - 1; i >= Math.min(partition, count) && budget > 0; i--) {
    const pod = replicas[i];
    if (pod && revisionOf(pod) !== updateRevision && !terminating(pod)) {
      actions.push({ kind: 'delete', pod, reason: 'update' });
      budget--;
    }
  }
  return done();
}
