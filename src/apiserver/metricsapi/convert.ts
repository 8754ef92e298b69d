/**
 * Node summaries → NodeMetrics and PodMetrics (metrics.k8s.io/v1beta1) as metrics-server writes
 * them: CPU in nanocores (`123456n`), memory working set in KiB (`1234Ki`), the sample's
 * `timestamp` and the `window` the CPU rate covers, the object's labels copied from the node or
 * pod, and `creationTimestamp` the moment of the answer.
 */
import type { KubeObject } from '../../api/types.js';
import { kubeTime } from '../../api/time.js';
import { nodeSamplingSeconds, type Rate, type RateMemory } from './rates.js';
import type { Summary, SummaryUsage } from './scrape.js';

export const metricsApiVersion = 'metrics.k8s.io/v1beta1';

export interface Usage {
  readonly cpu: string;
  readonly memory: string;
}

function quantities(nanoCores: number, workingSetBytes: number): Usage {
  return { cpu: `${Math.round(nanoCores)}n`, memory: `${Math.round(workingSetBytes / 1024)}Ki` };
}

function window(seconds: number): string {
  return `${Number(seconds.toFixed(3))}s`;
}

function ms(t: string | undefined): number | undefined {
  const v = t ? Date.parse(t) : NaN;
  return Number.isFinite(v) ? v : undefined;
}

function cpuRate(mem: RateMemory, key: string, cpu: SummaryUsage | undefined): Rate | undefined {
  const time = ms(cpu?.time);
  if (time === undefined || cpu?.usageCoreNanoSeconds === undefined) return undefined;
  const nodeRate = cpu.usageNanoCores;
  return mem.rate(key, { time, cumulativeNanos: cpu.usageCoreNanoSeconds }, () => (nodeRate !== undefined ? { nanoCores: nodeRate, windowSeconds: nodeSamplingSeconds, time } : undefined));
}

/** A node's metrics object, or undefined while it has no CPU rate yet. */
export function nodeMetrics(node: KubeObject, s: Summary, mem: RateMemory, now: Date): KubeObject | undefined {
  const name = node.metadata.name ?? '';
  const rate = cpuRate(mem, `node/${name}`, s.node.cpu);
  if (!rate || s.node.memory?.workingSetBytes === undefined) return undefined;
  return {
    kind: 'NodeMetrics',
    apiVersion: metricsApiVersion,
    metadata: { name, creationTimestamp: kubeTime(now), ...(node.metadata.labels ? { labels: node.metadata.labels } : {}) },
    timestamp: kubeTime(rate.time),
    window: window(rate.windowSeconds),
    usage: quantities(rate.nanoCores, s.node.memory.workingSetBytes),
  };
}

/** Every pod's metrics in the summary, by `namespace/name` (pods whose containers all lack a
 * rate yet are left out, as metrics-server leaves them out). */
export function podMetricsOf(node: string, s: Summary, mem: RateMemory, now: Date): Map<string, KubeObject> {
  const out = new Map<string, KubeObject>();
  for (const p of s.pods ?? []) {
    const key = `${p.podRef.namespace}/${p.podRef.name}`;
    const containers: { name: string; usage: Usage }[] = [];
    let latest: Rate | undefined;
    for (const c of p.containers ?? []) {
      const rate = cpuRate(mem, `pod/${node}/${p.podRef.uid ?? key}/${c.name}`, c.cpu);
      if (!rate || c.memory?.workingSetBytes === undefined) continue;
      containers.push({ name: c.name, usage: quantities(rate.nanoCores, c.memory.workingSetBytes) });
      if (!latest || rate.windowSeconds > latest.windowSeconds) latest = rate;
    }
    if (!latest) continue;
    out.set(key, {
      kind: 'PodMetrics',
      apiVersion: metricsApiVersion,
      metadata: { name: p.podRef.name, namespace: p.podRef.namespace, creationTimestamp: kubeTime(now) },
      timestamp: kubeTime(latest.time),
      window: window(latest.windowSeconds),
      containers,
    });
  }
  return out;
}
