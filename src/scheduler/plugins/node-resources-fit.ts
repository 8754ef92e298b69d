/**
 * NodeResourcesFit: the pod's requests must fit in what the node has left of its allocatable cpu,
 * memory, pod slots and any other resource it asks for. Only resources the pod requests are
 * checked (a pod without requests needs just a pod slot); every shortfall is a reason of its own,
 * so "Insufficient cpu" and "Insufficient memory" are both counted for one node.
 */
import type { FilterPlugin } from '../framework.js';

export const reasonTooManyPods = 'Too many pods';

export function reasonInsufficient(resource: string): string {
  return `Insufficient ${resource}`;
}

const insufficientCpu = reasonInsufficient('cpu');
const insufficientMemory = reasonInsufficient('memory');

export const nodeResourcesFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  filter(pod, node) {
    const alloc = node.allocatable;
    const used = node.requested;
    const req = pod.requests;
    let reasons: string[] | undefined;
    if (used.pods + 1 > alloc.pods) (reasons ??= []).push(reasonTooManyPods);
    if (req.milliCpu > 0 && req.milliCpu > alloc.milliCpu - used.milliCpu) (reasons ??= []).push(insufficientCpu);
    if (req.memory > 0 && req.memory > alloc.memory - used.memory) (reasons ??= []).push(insufficientMemory);
    if (req.scalar) {
      for (const [name, want] of req.scalar) {
        if (want <= 0) continue;
        const free = (alloc.scalar?.get(name) ?? 0) - (used.scalar?.get(name) ?? 0);
        if (want > free) (reasons ??= []).push(reasonInsufficient(name));
      }
    }
    if (!reasons) return undefined;
    return reasons.length === 1 ? reasons[0] : reasons;
  },
};
