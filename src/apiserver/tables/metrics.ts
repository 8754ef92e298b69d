/** NodeMetrics and PodMetrics tables, as metrics-server prints them: the usage quantities (a
 * pod's summed over its containers) and the window they cover. */
import { parseQuantity } from '../../api/quantity.js';
import { ageColumn, column, nameColumn, records, str } from './format.js';
import type { TablePrinter } from './index.js';
import { since } from './age.js';

const columns = [nameColumn, column('CPU', 'string', 'CPU in use (cores).'), column('Memory', 'string', 'Working set in use.'), column('Window', 'string', 'The interval the CPU rate covers.'), ageColumn];

function total(usages: readonly string[], unit: 'n' | 'Ki'): string {
  let sum = 0;
  for (const u of usages) {
    try {
      sum += parseQuantity(u).toNumber();
    } catch {
      // not a quantity: left out
    }
  }
  return unit === 'n' ? `${Math.round(sum * 1e9)}n` : `${Math.round(sum / 1024)}Ki`;
}

export const nodeMetricsPrinter: TablePrinter = {
  columns,
  cells: (o, now) => [o.metadata.name ?? '', str(o, 'usage', 'cpu'), str(o, 'usage', 'memory'), str(o, 'window'), since(o.metadata.creationTimestamp, now)],
};

export const podMetricsPrinter: TablePrinter = {
  columns,
  cells(o, now) {
    const cs = records(o, 'containers');
    return [o.metadata.name ?? '', total(cs.map((c) => str(c, 'usage', 'cpu')), 'n'), total(cs.map((c) => str(c, 'usage', 'memory')), 'Ki'), str(o, 'window'), since(o.metadata.creationTimestamp, now)];
  },
};
