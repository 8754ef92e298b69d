/**
 * kubelet's runAsNonRoot check (kuberuntime's verifyRunAsNonRoot), made before a container is
 * created: a container that would run as uid 0 is refused with CreateContainerConfigError and
 * kubelet's own words, which name the pod as `NAME_NAMESPACE(UID)`. Shared by the runtimes so the
 * refusal reads the same whichever one runs the pod.
 */
import type { Container, Pod } from '../../api/kinds.js';
import { ContainerStartError } from '../runtime.js';

/** kubelet's format.Pod. */
function podRef(pod: Pod): string {
  return `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`;
}

/**
 * Throws when `runAsNonRoot` is asked and the container would run as root: `runAsUser` is the
 * securityContext's (container over pod), `uid` the one it would actually run as.
 */
export function verifyRunAsNonRoot(pod: Pod, container: Container, runAsNonRoot: boolean | undefined, runAsUser: number | undefined, uid: number): void {
  if (!runAsNonRoot) return;
  const where = `(pod: ${JSON.stringify(podRef(pod))}, container: ${container.name})`;
  if (runAsUser === 0) throw new ContainerStartError('CreateContainerConfigError', `container's runAsUser breaks non-root policy ${where}`);
  if (uid === 0) throw new ContainerStartError('CreateContainerConfigError', `container has runAsNonRoot and image will run as root ${where}`);
}
