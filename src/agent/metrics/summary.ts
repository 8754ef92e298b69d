/**
 * kubelet's Summary API (`GET /stats/summary`, stats/v1alpha1): the node and each pod with its
 * containers, CPU as `usageNanoCores`/`usageCoreNanoSeconds` and memory as `workingSetBytes`.
 * Only what skiff measures is filled; kubelet leaves unknown fields out the same way.
 */
import type { NodeSample, Usage } from './collector.js';

function cpu(u: Usage) {
  return { time: u.time.toISOString(), ...(u.nanoCores !== undefined ? { usageNanoCores: u.nanoCores } : {}), usageCoreNanoSeconds: Math.round(u.cpuNanos) };
}

function memory(u: Usage, availableBytes?: number) {
  return {
    time: u.time.toISOString(),
    ...(availableBytes !== undefined ? { availableBytes } : {}),
    usageBytes: u.memoryWorkingSetBytes,
    workingSetBytes: u.memoryWorkingSetBytes,
  };
}

export function statsSummary(nodeName: string, startTime: Date, sample: NodeSample): unknown {
  const pods = sample.pods.map((p) => {
    const containers = p.containers.map((c) => ({ name: c.name, startTime: c.startTime.toISOString(), cpu: cpu(c.usage), memory: memory(c.usage) }));
    const first = p.containers[0]!.usage;
    const sum = (f: (u: Usage) => number) => p.containers.reduce((a, c) => a + f(c.usage), 0);
    const podUsage: Usage = {
      time: first.time,
      cpuNanos: sum((u) => u.cpuNanos),
      nanoCores: p.containers.every((c) => c.usage.nanoCores !== undefined) ? sum((u) => u.nanoCores ?? 0) : undefined,
      windowSeconds: first.windowSeconds,
      memoryWorkingSetBytes: sum((u) => u.memoryWorkingSetBytes),
    };
    return {
      podRef: { name: p.name, namespace: p.namespace, uid: p.uid },
      startTime: p.startTime.toISOString(),
      containers,
      cpu: cpu(podUsage),
      memory: memory(podUsage),
    };
  });
  const node = sample.usage;
  return {
    node: {
      nodeName,
      startTime: startTime.toISOString(),
      ...(node ? { cpu: cpu(node), memory: memory(node, sample.memoryAvailableBytes) } : {}),
    },
    pods,
  };
}
