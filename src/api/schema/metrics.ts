/** metrics.k8s.io/v1beta1 NodeMetrics and PodMetrics: read-only, computed from the nodes. */
import { defs, kindObject, list, listOf, obj, quantityMap, ref, str, time, type Definitions } from './dsl.js';

const usage = quantityMap('CPU (cores, e.g. `123456n`) and memory (bytes, e.g. `1234Ki`) in use.');
const window = str('The interval the CPU rate was measured over, e.g. `10.5s`.', { format: 'duration' });

export const metricsDefinitions: Definitions = {
  ...defs('metrics', {
    NodeMetrics: kindObject('The resource use of a node.', {
      timestamp: time('When the usage was measured (the end of the window).'),
      window,
      usage,
    }),
    NodeMetricsList: listOf('metrics.NodeMetrics', 'node metrics'),
    ContainerMetrics: obj({ name: str('The container name.'), usage }, 'The resource use of one container.', ['name', 'usage']),
    PodMetrics: kindObject('The resource use of a pod, per container.', {
      timestamp: time('When the usage was measured (the end of the window).'),
      window,
      containers: list(ref('metrics.ContainerMetrics'), 'The containers\' use.', { listType: 'atomic' }),
    }),
    PodMetricsList: listOf('metrics.PodMetrics', 'pod metrics'),
  }),
};
