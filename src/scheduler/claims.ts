/**
 * The scheduler's half of WaitForFirstConsumer binding (kube-scheduler's VolumeBinding PreBind):
 * before a pod is bound, each of its unbound delayed-binding claims is annotated with the chosen
 * node (`volume.kubernetes.io/selected-node`), which is what the provisioner waits for. The pod
 * is bound at once; its node agent waits to mount until the claim is bound.
 */
import type { Pod } from '../api/kinds.js';
import { volumeAnnotations } from '../api/kinds.js';
import { persistentVolumeClaims } from '../api/resources.js';
import type { RestClient } from '../client/index.js';
import type { ClusterView } from './framework.js';
import { claimNames, waitsForConsumer } from './plugins/index.js';

export async function selectNodeForClaims(client: RestClient, pod: Pod, node: string, cluster: ClusterView): Promise<void> {
  const storage = cluster.storage;
  if (!storage) return;
  const ns = pod.metadata.namespace ?? '';
  for (const name of claimNames(pod)) {
    const claim = storage.claim(ns, name);
    if (!claim || !waitsForConsumer(claim, cluster)) continue;
    if (claim.metadata.annotations?.[volumeAnnotations.selectedNode] === node) continue;
    await client.patch(persistentVolumeClaims, ns, name, { metadata: { annotations: { [volumeAnnotations.selectedNode]: node } } }, 'merge');
  }
}
