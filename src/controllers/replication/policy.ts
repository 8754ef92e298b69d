/**
 * The replication policy, free of I/O: which pods a controller claims, adopts or releases; in
 * which order surplus pods go; how creations are batched; what the status says. Modelled on
 * Kubernetes' ControllerRefManager, ActivePodsWithRanks and slowStartBatch.
 */
import type { Pod } from '../../api/kinds.js';
import { controllerRef, isAvailable, isReady, restartCount } from './pods.js';

export type ClaimDecision = 'keep' | 'adopt' | 'release' | 'ignore';

export interface ClaimInput {
  readonly ownerUid: string;
  readonly ownerDeleting: boolean;
  readonly matches: boolean;
}

/**
 * What a controller does with one active pod in its namespace. Ours and matching: keep. Ours but
 * no longer matching (relabelled): release, so that it stops counting and someone else may adopt
 * it — unless we are being deleted, when the garbage collector owns the outcome. An orphan that
 * matches: adopt. Pods controlled by anyone else, or being deleted, are never touched.
 */
export function claimDecision(pod: Pod, c: ClaimInput): ClaimDecision {
  const ref = controllerRef(pod);
  if (ref) {
    if (ref.uid !== c.ownerUid) return 'ignore';
    if (c.matches) return 'keep';
    return c.ownerDeleting || pod.metadata.deletionTimestamp ? 'ignore' : 'release';
  }
  if (!c.matches || c.ownerDeleting || pod.metadata.deletionTimestamp) return 'ignore';
  return 'adopt';
}

const phaseRank: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };
const deletionCostAnnotation = 'controller.kubernetes.io/pod-deletion-cost';

function deletionCost(p: Pod): number {
  const v = Number(p.metadata.annotations?.[deletionCostAnnotation] ?? 0);
  return Number.isFinite(v) ? v : 0;
}

function time(s: string | undefined): number {
  const t = s ? Date.parse(s) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/**
 * Kubernetes' deletion order, most deletable first: unscheduled before scheduled; Pending before
 * Unknown before Running; not ready before ready; lower `pod-deletion-cost` first; ready more
 * recently first; more restarts first; newest first; then pods doubled up on a node (higher
 * `rank`, the number of this controller's pods there) first. Returns a new array.
 *
 * Kubernetes ≥1.21 ranks doubled-up pods before age (LogarithmicScaleDown); the seeds promise
 * "the newest go first" when scaling down (SCENARIOS S4), so here age wins and the node rank
 * only breaks ties within a second.
 */
export function deletionOrder(pods: readonly Pod[]): Pod[] {
  const perNode = new Map<string, number>();
  for (const p of pods) {
    const n = p.spec.nodeName;
    if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  const rank = (p: Pod): number => (p.spec.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0);
  return [...pods].sort((a, b) => {
    const sa = a.spec.nodeName ? 1 : 0;
    const sb = b.spec.nodeName ? 1 : 0;
    if (sa !== sb) return sa - sb;
    const pa = phaseRank[a.status?.phase ?? 'Pending'] ?? 0;
    const pb = phaseRank[b.status?.phase ?? 'Pending'] ?? 0;
    if (pa !== pb) return pa - pb;
    const ra = isReady(a) ? 1 : 0;
    const rb = isReady(b) ? 1 : 0;
    if (ra !== rb) return ra - rb;
    const ca = deletionCost(a);
    const cb = deletionCost(b);
    if (ca !== cb) return ca - cb;
    if (ra && rb) {
      const ta = time(a.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);
      const tb = time(b.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);
      if (ta !== tb) return tb - ta;
    }
    const xa = restartCount(a);
    const xb = restartCount(b);
    if (xa !== xb) return xb - xa;
    const na = time(a.metadata.creationTimestamp);
    const nb = time(b.metadata.creationTimestamp);
    if (na !== nb) return nb - na;
    // Created in the same second: thin out the node holding the most of them first.
    const ka = rank(a);
    const kb = rank(b);
    if (ka !== kb) return kb - ka;
    // Same second: the later name sorts first, so the order is at least stable.
    return (b.metadata.name ?? '').localeCompare(a.metadata.name ?? '');
  });
}

/** The `diff` pods to delete (the first `diff` in deletion order). */
export function podsToDelete(pods: readonly Pod[], diff: number): Pod[] {
  return deletionOrder(pods).slice(0, Math.max(0, diff));
}

/** Batch sizes for `count` creations: 1, 2, 4, … (Kubernetes' slowStartBatch), so that a
 * template the server refuses costs one failed request, not hundreds. */
export function slowStartBatches(count: number, initial = 1): number[] {
  const out: number[] = [];
  let remaining = count;
  let size = Math.min(remaining, initial);
  while (size > 0) {
    out.push(size);
    remaining -= size;
    size = Math.min(2 * size, remaining);
  }
  return out;
}

/** At most this many creations or deletions per sync (Kubernetes' burstReplicas). */
export const burstReplicas = 500;

/** How many pods to add (positive) or remove (negative), capped at a burst. */
export function replicaDiff(active: number, desired: number): number {
  const d = desired - active;
  return Math.max(-burstReplicas, Math.min(burstReplicas, d));
}

export interface ReplicaStatus {
  replicas: number;
  fullyLabeledReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  observedGeneration: number;
}

/** The status of a controller whose active, claimed pods are `pods`. `fullyLabeled` counts pods
 * carrying every template label (not just the selector's). */
export function replicaStatus(pods: readonly Pod[], templateLabels: Readonly<Record<string, string>>, minReadySeconds: number, generation: number, now: number): ReplicaStatus {
  const tl = Object.entries(templateLabels);
  let fully = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    if (tl.every(([k, v]) => p.metadata.labels?.[k] === v)) fully++;
    if (isReady(p)) ready++;
    if (isAvailable(p, minReadySeconds, now)) available++;
  }
  return { replicas: pods.length, fullyLabeledReplicas: fully, readyReplicas: ready, availableReplicas: available, observedGeneration: generation };
}
