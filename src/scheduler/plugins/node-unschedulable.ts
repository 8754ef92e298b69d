/** NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate the
 * `node.kubernetes.io/unschedulable:NoSchedule` taint cordoning stands for. */
import type { Taint } from '../../api/kinds.js';
import type { FilterPlugin } from '../framework.js';
import { taintUnschedulable } from '../nodeinfo.js';
import { toleratedBy } from '../tolerations.js';

export const reasonUnschedulable = 'node(s) were unschedulable';

const cordon: Taint = { key: taintUnschedulable, effect: 'NoSchedule' };

export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter(pod, node) {
    if (!node.unschedulable) return undefined;
    return toleratedBy(pod.tolerations, cordon) ? undefined : reasonUnschedulable;
  },
};
