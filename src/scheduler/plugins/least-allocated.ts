/**
 * NodeResourcesFit's LeastAllocated score: prefer nodes with the most cpu and memory left after
 * placing the pod, `(allocatable − requested) · 100 / allocatable` per resource, averaged with
 * equal weights. Pods without requests count kube-scheduler's defaults (100m, 200Mi) here, so
 * best-effort pods spread instead of piling onto one node.
 */
import { maxNodeScore, type ScorePlugin } from '../framework.js';
import { Slot } from '../nodeinfo.js';

function leastRequested(requested: number, capacity: number): number {
  if (capacity <= 0 || requested > capacity) return 0;
  return ((capacity - requested) * maxNodeScore) / capacity;
}

export const leastAllocated: ScorePlugin = {
  name: 'NodeResourcesLeastAllocated',
  weight: 1,
  score(pod, node) {
    const a = node.amounts;
    const cpu = leastRequested(a[Slot.NonZeroMilliCpu]! + pod.nonZeroMilliCpu, a[Slot.AllocMilliCpu]!);
    const mem = leastRequested(a[Slot.NonZeroMemory]! + pod.nonZeroMemory, a[Slot.AllocMemory]!);
    return (cpu + mem) / 2;
  },
};
