/** The HorizontalPodAutoscaler table, as Kubernetes' printHorizontalPodAutoscaler: the target as
 * `Kind/name`, each metric as `cpu: current/target` (`<unknown>` before a reading), the replica
 * bounds and the current count. */
import { since } from './age.js';
import { ageColumn, at, column, int, nameColumn, records, str, type Json } from './format.js';
import type { TablePrinter } from './index.js';

function metricCell(spec: Json, current: readonly Json[]): string {
  if (spec['type'] !== 'Resource') return `<unsupported ${String(spec['type'])}>`;
  const name = str(spec, 'resource', 'name');
  const now = current.find((c) => c['type'] === 'Resource' && str(c, 'resource', 'name') === name);
  if (str(spec, 'resource', 'target', 'type') === 'Utilization') {
    const u = at(now, 'resource', 'current', 'averageUtilization');
    return `${name}: ${typeof u === 'number' ? `${u}%` : '<unknown>'}/${int(spec, 'resource', 'target', 'averageUtilization')}%`;
  }
  const v = str(now, 'resource', 'current', 'averageValue');
  return `${name}: ${v || '<unknown>'}/${str(spec, 'resource', 'target', 'averageValue')}`;
}

/** kubectl shows two metrics and counts the rest. */
function targets(o: Json): string {
  const specs = records(o, 'spec', 'metrics');
  if (!specs.length) return '<none>';
  const current = records(o, 'status', 'currentMetrics');
  const shown = specs.slice(0, 2).map((m) => metricCell(m, current)).join(', ');
  return specs.length > 2 ? `${shown} + ${specs.length - 2} more...` : shown;
}

export const hpaPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Reference', 'string', 'The object whose scale is driven.'),
    column('Targets', 'string', 'Current and target values of the metrics.'),
    column('MinPods', 'string', 'The lower limit of replicas.'),
    column('MaxPods', 'integer', 'The upper limit of replicas.'),
    column('Replicas', 'integer', 'Current replicas.'),
    ageColumn,
  ],
  cells(o, now) {
    const min = at(o, 'spec', 'minReplicas');
    return [
      o.metadata.name ?? '',
      `${str(o, 'spec', 'scaleTargetRef', 'kind')}/${str(o, 'spec', 'scaleTargetRef', 'name')}`,
      targets(o as Json),
      typeof min === 'number' ? String(min) : '<unset>',
      int(o, 'spec', 'maxReplicas'),
      int(o, 'status', 'currentReplicas'),
      since(o.metadata.creationTimestamp, now),
    ];
  },
};
