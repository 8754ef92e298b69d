/** Pods: status starts Pending with a QoS class; deletion is graceful once a node runs the pod. */
import type { KubeObject } from '../../../api/types.js';
import { pods } from '../../../api/resources.js';
import { kubeTime } from '../../../api/time.js';
import { makeStrategy, type Strategy } from '../strategy.js';

interface ContainerLike {
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/** Kubernetes' QoS classes: Guaranteed when every container's cpu and memory limits equal its
 * requests, BestEffort when nobody asks for anything, else Burstable. */
export function qosClass(pod: KubeObject): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const spec = pod.spec as { containers?: ContainerLike[]; initContainers?: ContainerLike[] } | undefined;
  const all = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = all.length > 0;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || q !== l) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export const podStrategy: Strategy = makeStrategy(pods, {
  prepareForCreate(obj) {
    obj.status = { phase: 'Pending', qosClass: qosClass(obj) };
    obj.metadata.generation = 1;
    // A gated pod says why it waits, as kube-apiserver's pod strategy writes it at creation.
    const gates = (obj.spec as { schedulingGates?: unknown[] } | undefined)?.schedulingGates;
    if (Array.isArray(gates) && gates.length > 0) {
      (obj.status as Record<string, unknown>)['conditions'] = [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates', lastProbeTime: null, lastTransitionTime: kubeTime() }];
    }
  },
  prepareForStatusUpdate(obj, old) {
    obj.spec = old.spec;
    obj.metadata.generation = old.metadata.generation;
  },
  gracePeriod(obj, requested) {
    const spec = obj.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
    const phase = (obj.status as { phase?: string } | undefined)?.phase;
    // A pod no node runs, or one that already ended, has nobody to stop it: delete at once.
    if (!spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
    const grace = requested ?? spec.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, grace);
  },
});
