/** NodeName: a pod that names its node (spec.nodeName) fits only there. The scheduler only sees
 * pods without a node name, so this guards callers that run the filters on any pod. */
import type { FilterPlugin } from '../framework.js';

export const reasonNodeName = "node(s) didn't match the requested node name";

export const nodeName: FilterPlugin = {
  name: 'NodeName',
  applies: (pod) => !!pod.pod.spec.nodeName,
  filter(pod, node) {
    const want = pod.pod.spec.nodeName;
    return !want || want === node.name ? undefined : reasonNodeName;
  },
};
