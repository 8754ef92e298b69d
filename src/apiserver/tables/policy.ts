/** The PodDisruptionBudget table, as Kubernetes' printPodDisruptionBudget: the two bounds (`N/A`
 * for the one not set), the disruptions allowed now, age. */
import { since } from './age.js';
import { ageColumn, at, column, int, nameColumn } from './format.js';
import type { TablePrinter } from './index.js';

function bound(v: unknown): string {
  return v === undefined || v === null ? 'N/A' : String(v);
}

export const podDisruptionBudgetPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Min Available', 'string', 'The minimum number of pods that must be available.'),
    column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
    ageColumn,
  ],
  cells: (o, now) => [
    o.metadata.name ?? '',
    bound(at(o, 'spec', 'minAvailable')),
    bound(at(o, 'spec', 'maxUnavailable')),
    int(o, 'status', 'disruptionsAllowed'),
    since(o.metadata.creationTimestamp, now),
  ],
};
