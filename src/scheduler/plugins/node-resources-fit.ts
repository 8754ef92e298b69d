/**
 * NodeResourcesFit: the pod's requests must fit in what the node has left of its allocatable cpu,
 * memory, pod slots and any other resource it asks for. Only resources the pod requests are
 * checked (a pod without requests needs just a pod slot); every shortfall is a reason of its own,
 * so "Insufficient cpu" and "Insufficient memory" are both counted for one node.
 */
import type { FilterPlugin } from '../framework.js';
import { Slot } from '../nodeinfo.js';

export const reasonTooManyPods = 'Too many pods';

export function reasonInsufficient(resource: string): string {
  return `Insufficient ${resource}`;
}

const insufficientCpu = reasonInsufficient('cpu');
const insufficientMemory = reasonInsufficient('memory');

export const nodeResourcesFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  filter(pod, node) {
    const a = node.amounts;
    const req = pod.requests;
    let reasons: string[] | undefined;
    if (a[Slot.ReqPods]! + 1 > a[Slot.AllocPods]!) (reasons ??= []).push(reasonTooManyPods);
    if (req.milliCpu > 0 && req.milliCpu > a[Slot.AllocMilliCpu]! - a[Slot.ReqMilliCpu]!) (reasons ??= []).push(insufficientCpu);
    if (req.memory > 0 && req.memory > a[Slot.AllocMemory]! - a[Slot.ReqMemory]!) (reasons ??= []).push(insufficientMemory);
    if (req.scalar) {
      for (const [name, want] of req.scalar) {
        if (want <= 0) continue;
        const free = (node.allocScalar?.get(name) ?? 0) - (node.reqScalar?.get(name) ?? 0);
        if (want > free) (reasons ??= []).push(reasonInsufficient(name));
      }
    }
    if (!reasons) return undefined;
    return reasons.length === 1 ? reasons[0] : reasons;
  },
};
