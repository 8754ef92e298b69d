/**
 * Node health as the node lifecycle controller judges it (Kubernetes' `tryUpdateNodeHealth` and
 * the condition-to-taint mapping), pure over times. A node is heard from when its Lease in
 * `kube-node-lease` is renewed or its Ready condition's heartbeat moves; the times compared are
 * this controller's own clock at the moment it saw the change, so skew between machines does not
 * matter (as in Kubernetes).
 */
import type { Condition, Node, Taint } from '../../api/kinds.js';
import { kubeTime } from '../../api/time.js';

export const taintUnreachable = 'node.kubernetes.io/unreachable';
export const taintNotReady = 'node.kubernetes.io/not-ready';
const ourTaintKeys = new Set([taintUnreachable, taintNotReady]);

/** The conditions a kubelet posts; each goes Unknown when it stops posting. */
export const watchedConditions = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

/** What the controller remembers of a node between passes. */
export interface Probe {
  /** Local time (ms) at which a heartbeat was last seen change. */
  readonly probeAt: number;
  readonly leaseRenewTime: string | undefined;
  readonly readyHeartbeat: string | undefined;
}

function readyHeartbeat(node: Node): string | undefined {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  return ready?.lastHeartbeatTime ?? ready?.lastTransitionTime;
}

/** The next probe record: a node seen for the first time gets a full grace period. */
export function observe(prev: Probe | undefined, node: Node, leaseRenewTime: string | undefined, now: number): Probe {
  const hb = readyHeartbeat(node);
  if (!prev || prev.leaseRenewTime !== leaseRenewTime || prev.readyHeartbeat !== hb) {
    return { probeAt: now, leaseRenewTime, readyHeartbeat: hb };
  }
  return prev;
}

export function isStale(probe: Probe, now: number, gracePeriodMs: number): boolean {
  return now - probe.probeAt > gracePeriodMs;
}


/**
 * The conditions of a node whose kubelet went silent: every watched condition Unknown
 * ("Kubelet stopped posting node status."), missing ones added ("never posted"). Undefined when
 * they already say so — nothing to write.
 */
export function unknownConditions(node: Node, now: number): Condition[] | undefined {
  const old = node.status?.conditions ?? [];
  const stamp = kubeTime(now);
  let changed = false;
  const next = old.map((c) => ({ ...c }));
  for (const type of watchedConditions) {
    const c = next.find((x) => x.type === type);
    if (!c) {
      changed = true;
      next.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: node.metadata.creationTimestamp ?? stamp, lastTransitionTime: stamp });
    } else if (c.status !== 'Unknown') {
      changed = true;
      Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: stamp });
    }
  }
  return changed ? next : undefined;
}

export type Readiness = 'True' | 'False' | 'Unknown' | undefined;

export function readiness(node: Node): Readiness {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

/**
 * The node's taints with the controller's own brought in line with its Ready condition:
 * Unknown → unreachable, False → not-ready (each NoSchedule, so nothing new lands there, and
 * NoExecute, which evicts what runs there), True → neither. Other taints are kept as they are,
 * and ours keep their `timeAdded` while they stay. Undefined when nothing changes.
 */
export function desiredTaints(node: Node, now: number): Taint[] | undefined {
  const ready = readiness(node);
  const key = ready === 'Unknown' ? taintUnreachable : ready === 'False' ? taintNotReady : undefined;
  const old = node.spec?.taints ?? [];
  const next = old.filter((t) => !ourTaintKeys.has(t.key) || t.key === key);
  if (key) {
    if (!next.some((t) => t.key === key && t.effect === 'NoSchedule')) next.push({ key, effect: 'NoSchedule' });
    if (!next.some((t) => t.key === key && t.effect === 'NoExecute')) next.push({ key, effect: 'NoExecute', timeAdded: kubeTime(now) });
  }
  const same = next.length === old.length && next.every((t, i) => t === old[i]);
  return same ? undefined : next;
}
