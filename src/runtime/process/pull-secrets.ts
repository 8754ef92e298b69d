/**
 * The process runtime pulls nothing: image names resolve to host programs through the image
 * catalog. A pod's `imagePullSecrets` therefore have no effect here, and the pod is told so once
 * (a Warning event) rather than the field being stored and silently ignored.
 */
import type { Pod } from '../../api/kinds.js';

export function pullSecretsIgnored(pod: Pod): { readonly reason: string; readonly message: string } | undefined {
  const names = (pod.spec.imagePullSecrets ?? []).flatMap((r) => (r.name ? [r.name] : []));
  if (!names.length) return undefined;
  return {
    reason: 'ImagePullSecretsIgnored',
    message: `the process runtime does not pull images (image names resolve to host programs), so imagePullSecrets (${names.join(', ')}) are not used`,
  };
}
