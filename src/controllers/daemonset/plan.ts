/**
 * One sync of a daemon set, free of I/O (Kubernetes' manage + rollingUpdate +
 * updateDaemonSetStatus): on which nodes to create a pod, which pods to delete and why, and what
 * the status says. Pods are matched to nodes by `spec.nodeName`, which this controller sets.
 */
import type { DaemonSet, Node, Pod } from '../../api/kinds.js';
import { isAvailable, isReady } from '../replication/pods.js';
import { revisionHashLabel } from './hash.js';
import { nodeShouldRunDaemonPod } from './predicates.js';

export type RemoveReason = 'misscheduled' | 'failed' | 'surplus' | 'node-gone' | 'update';

export interface DaemonRemoval {
  readonly pod: Pod;
  readonly reason: RemoveReason;
  /** Delete with no grace: there is no node left to stop the pod. */
  readonly force: boolean;
}

export interface DaemonStatus {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  numberAvailable: number;
  numberUnavailable: number;
  updatedNumberScheduled: number;
  observedGeneration: number;
}

export interface DaemonPlan {
  readonly createOn: readonly string[];
  readonly remove: readonly DaemonRemoval[];
  readonly status: DaemonStatus;
}

function created(p: Pod): number {
  return Date.parse(p.metadata.creationTimestamp ?? '') || 0;
}

function oldestFirst(pods: readonly Pod[]): Pod[] {
  return [...pods].sort((a, b) => created(a) - created(b) || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

function countOf(v: number | string | undefined, desired: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'string' && v.endsWith('%')) {
    const x = (Number(v.slice(0, -1)) * desired) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** maxSurge as a number of nodes (percentages round up, as Kubernetes' SurgeCount). */
export function maxSurgeOf(ds: DaemonSet, desired: number): number {
  return countOf(ds.spec.updateStrategy?.rollingUpdate?.maxSurge, desired, true);
}

/** maxUnavailable as a number of nodes: percentages of the desired count round up; 0 with no
 * surge would never progress, so it means 1 (as Kubernetes does). */
export function maxUnavailableOf(ds: DaemonSet, desired: number): number {
  const n = countOf(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, desired, true);
  return n === 0 && maxSurgeOf(ds, desired) === 0 ? 1 : n;
}

export function planDaemonSet(ds: DaemonSet, nodes: readonly Node[], pods: readonly Pod[], hash: string, now: number): DaemonPlan {
  const byNode = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = p.spec.nodeName;
    if (!n) continue;
    const list = byNode.get(n) ?? [];
    list.push(p);
    byNode.set(n, list);
  }
  const createOn: string[] = [];
  const remove: DaemonRemoval[] = [];
  const minReady = ds.spec.minReadySeconds ?? 0;
  const status: DaemonStatus = {
    desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0,
    numberAvailable: 0, numberUnavailable: 0, updatedNumberScheduled: 0, observedGeneration: ds.metadata.generation ?? 0,
  };
  /** Nodes that should run the pod, with their one healthy daemon pod (if exactly one). */
  const running = new Map<string, Pod[]>();
  const known = new Set<string>();
  /** Nodes that should run the pod but have no healthy one (missing, terminating, failed). */
  let missing = 0;
  const rolling = (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  const surging = rolling && maxSurgeOf(ds, nodes.length) > 0;

  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    known.add(name);
    const here = byNode.get(name) ?? [];
    const live = here.filter((p) => !p.metadata.deletionTimestamp);
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(ds.spec.template.spec, node);
    if (shouldRun) {
      status.desiredNumberScheduled++;
      const first = oldestFirst(live)[0];
      if (first) {
        status.currentNumberScheduled++;
        if (isReady(first)) status.numberReady++;
        if (isAvailable(first, minReady, now)) status.numberAvailable++;
        if (first.metadata.labels?.[revisionHashLabel] === hash) status.updatedNumberScheduled++;
      }
    } else if (live.length > 0) status.numberMisscheduled++;

    if (shouldRun && here.length === 0) {
      // A pod still terminating here blocks its replacement, as in Kubernetes (no surge).
      createOn.push(name);
    } else if (shouldContinueRunning) {
      const ok: Pod[] = [];
      for (const p of live) {
        if (p.status?.phase === 'Failed') remove.push({ pod: p, reason: 'failed', force: false });
        else ok.push(p);
      }
      const keep: Pod[] = [];
      if (surging) {
        // Surge allows two pods on a node: the oldest of the current revision and the oldest other.
        let newest: Pod | undefined;
        let older: Pod | undefined;
        for (const p of oldestFirst(ok)) {
          const current = p.metadata.labels?.[revisionHashLabel] === hash;
          if (current && !newest) newest = p;
          else if (!current && !older) older = p;
          else remove.push({ pod: p, reason: 'surplus', force: false });
        }
        for (const p of [older, newest]) if (p) keep.push(p);
      } else {
        const [first, ...extra] = oldestFirst(ok);
        for (const p of extra) remove.push({ pod: p, reason: 'surplus', force: false });
        if (first) keep.push(first);
      }
      if (keep.length > 0 && shouldRun) running.set(name, keep);
    } else {
      for (const p of live) remove.push({ pod: p, reason: 'misscheduled', force: false });
    }
    if (shouldRun && !running.has(name)) missing++;
  }
  status.numberUnavailable = status.desiredNumberScheduled - status.numberAvailable;

  // Pods bound to nodes that no longer exist: nobody will stop them, so delete them outright.
  for (const [name, list] of byNode) {
    if (known.has(name)) continue;
    for (const p of list) remove.push({ pod: p, reason: 'node-gone', force: true });
  }

  if (surging) {
    const surge = surgeUpdate(ds, nodes, running, hash, status.desiredNumberScheduled, now);
    for (const p of surge.remove) if (!remove.some((r) => r.pod === p)) remove.push({ pod: p, reason: 'update', force: false });
    for (const n of surge.createOn) if (!createOn.includes(n)) createOn.push(n);
  } else if (rolling) {
    for (const p of rollingUpdate(ds, nodes, running, missing, hash, status.desiredNumberScheduled, now)) {
      if (!remove.some((r) => r.pod === p)) remove.push({ pod: p, reason: 'update', force: false });
    }
  }
  return { createOn, remove, status };
}

/**
 * Old pods to replace now: every old pod that is not available anyway, plus available old pods
 * while fewer than maxUnavailable nodes are without an available daemon pod (Kubernetes'
 * rollingUpdate without surge). Nodes waiting for a pod — none yet, or one still terminating —
 * count as unavailable.
 */
function rollingUpdate(ds: DaemonSet, nodes: readonly Node[], running: ReadonlyMap<string, Pod[]>, missing: number, hash: string, desired: number, now: number): Pod[] {
  const maxUnavailable = maxUnavailableOf(ds, desired);
  const minReady = ds.spec.minReadySeconds ?? 0;
  let unavailable = missing;
  const replaceNow: Pod[] = [];
  const candidates: Pod[] = [];
  for (const node of nodes) {
    const [pod] = running.get(node.metadata.name ?? '') ?? [];
    if (!pod) continue;
    const available = isAvailable(pod, minReady, now);
    if (pod.metadata.labels?.[revisionHashLabel] === hash) {
      if (!available) unavailable++;
    } else if (!available) replaceNow.push(pod);
    else candidates.push(pod);
  }
  const budget = Math.max(0, Math.min(candidates.length, maxUnavailable - unavailable - replaceNow.length));
  return [...replaceNow, ...candidates.slice(0, budget)];
}

/**
 * A surging update (maxSurge > 0, maxUnavailable 0), as Kubernetes' rollingUpdate with surge: a
 * node with an old pod gets a new one beside it — at once when the old one is unavailable, else
 * while fewer than maxSurge new pods are still becoming available — and its old pod is deleted
 * once the new one is available.
 */
function surgeUpdate(ds: DaemonSet, nodes: readonly Node[], running: ReadonlyMap<string, Pod[]>, hash: string, desired: number, now: number): { createOn: string[]; remove: Pod[] } {
  const maxSurge = maxSurgeOf(ds, desired);
  const minReady = ds.spec.minReadySeconds ?? 0;
  let surging = 0;
  const allowed: string[] = [];
  const candidates: string[] = [];
  const remove: Pod[] = [];
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    const pods = running.get(name) ?? [];
    const fresh = pods.find((p) => p.metadata.labels?.[revisionHashLabel] === hash);
    const old = pods.find((p) => p.metadata.labels?.[revisionHashLabel] !== hash);
    if (!old) continue;
    if (!fresh) {
      if (!isAvailable(old, minReady, now)) allowed.push(name);
      else candidates.push(name);
    } else if (!isAvailable(fresh, minReady, now)) surging++;
    else remove.push(old);
  }
  const room = Math.max(0, Math.min(candidates.length, maxSurge - surging));
  return { createOn: [...allowed, ...candidates.slice(0, room)], remove };
}
