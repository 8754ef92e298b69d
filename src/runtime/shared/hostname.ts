/**
 * A pod's host name as kubelet gives it: `spec.hostname`, else the pod's name cut to 63
 * characters (a DNS label) without a trailing `-` or `.`.
 */
import type { Pod } from '../../api/kinds.js';

export function podHostname(pod: Pod): string {
  return pod.spec.hostname || (pod.metadata.name ?? '').slice(0, 63).replace(/[-.]+$/, '');
}
