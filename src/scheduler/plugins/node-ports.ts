/** NodePorts: a pod's host ports must be free on the node — same protocol and port conflict
 * unless both sides bind different specific host IPs. */
import type { FilterPlugin } from '../framework.js';

export const reasonNodePorts = "node(s) didn't have free ports for the requested pod ports";

export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  applies: (pod) => pod.hostPorts.length > 0,
  filter(pod, node) {
    if (pod.hostPorts.length === 0 || node.usedPorts.size === 0) return undefined;
    for (const p of pod.hostPorts) if (node.portInUse(p)) return reasonNodePorts;
    return undefined;
  },
};
