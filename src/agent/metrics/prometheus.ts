/**
 * kubelet's `GET /metrics/resource` (Prometheus text, what metrics-server scrapes): cumulative
 * CPU seconds and working-set bytes for the node, each pod and each container, with the sample's
 * timestamp in milliseconds.
 */
import type { NodeSample } from './collector.js';

const help: readonly [string, string, string][] = [
  ['container_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the container in core-seconds'],
  ['container_memory_working_set_bytes', 'gauge', 'Current working set of the container in bytes'],
  ['container_start_time_seconds', 'gauge', 'Start time of the container since unix epoch in seconds'],
  ['node_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the node in core-seconds'],
  ['node_memory_working_set_bytes', 'gauge', 'Current working set of the node in bytes'],
  ['pod_cpu_usage_seconds_total', 'counter', 'Cumulative cpu time consumed by the pod in core-seconds'],
  ['pod_memory_working_set_bytes', 'gauge', 'Current working set of the pod in bytes'],
  ['resource_scrape_error', 'gauge', '1 if there was an error while getting container metrics, 0 otherwise'],
];

/** A label value with Prometheus' escapes. */
function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

export function resourceMetricsText(sample: NodeSample): string {
  const lines = new Map<string, string[]>(help.map(([name]) => [name, []]));
  const add = (name: string, labels: Record<string, string>, value: number, at?: Date) => {
    const l = Object.entries(labels).map(([k, v]) => `${k}="${esc(v)}"`).join(',');
    lines.get(name)!.push(`${name}${l ? `{${l}}` : ''} ${value}${at ? ` ${at.getTime()}` : ''}`);
  };
  if (sample.usage) {
    add('node_cpu_usage_seconds_total', {}, sample.usage.cpuNanos / 1e9, sample.usage.time);
    add('node_memory_working_set_bytes', {}, sample.usage.memoryWorkingSetBytes, sample.usage.time);
  }
  for (const p of sample.pods) {
    const pod = { namespace: p.namespace, pod: p.name };
    let cpu = 0;
    let mem = 0;
    for (const c of p.containers) {
      const labels = { container: c.name, ...pod };
      add('container_cpu_usage_seconds_total', labels, c.usage.cpuNanos / 1e9, c.usage.time);
      add('container_memory_working_set_bytes', labels, c.usage.memoryWorkingSetBytes, c.usage.time);
      add('container_start_time_seconds', labels, c.startTime.getTime() / 1000, c.usage.time);
      cpu += c.usage.cpuNanos;
      mem += c.usage.memoryWorkingSetBytes;
    }
    const at = p.containers[0]?.usage.time;
    add('pod_cpu_usage_seconds_total', pod, cpu / 1e9, at);
    add('pod_memory_working_set_bytes', pod, mem, at);
  }
  add('resource_scrape_error', {}, 0);
  return help.map(([name, type, text]) => [`# HELP ${name} [STABLE] ${text}`, `# TYPE ${name} ${type}`, ...lines.get(name)!].join('\n')).join('\n') + '\n';
}
