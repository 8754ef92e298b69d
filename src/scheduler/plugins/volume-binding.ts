/**
 * VolumeBinding: a pod's PersistentVolumeClaims decide where it may run. A claim that is missing,
 * being deleted, or unbound in an `Immediate` class fails every node (kube-scheduler's PreFilter
 * verdicts, with its words); a bound claim's volume keeps the pod on the nodes its nodeAffinity
 * names (a local-path volume: the node holding the directory). Unbound `WaitForFirstConsumer`
 * claims fit anywhere: once a node is chosen, the scheduler writes it on the claim
 * (`volume.kubernetes.io/selected-node`, see claims.ts) and the provisioner makes the volume there.
 * A ReadWriteOncePod claim another placed pod mounts fails every node (VolumeRestrictions).
 */
import type { PersistentVolumeClaim, Pod } from '../../api/kinds.js';
import { slotReader, type ClusterView, type CycleState, type FilterPlugin } from '../framework.js';
import { compileTerms, type NodeMatcher, type NodeSelectorTerm } from '../node-selector.js';

export const reasonVolumeNodeAffinity = 'node(s) had volume node affinity conflict';
export const reasonUnboundImmediate = 'pod has unbound immediate PersistentVolumeClaims';
export const reasonReadWriteOncePod = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';

const NAME = 'VolumeBinding';

interface VolumeState {
  /** A verdict for every node (a claim problem no node can fix). */
  readonly fails?: string;
  /** Node constraints of the bound volumes. */
  readonly matchers: readonly NodeMatcher[];
}

const read = slotReader<VolumeState>(NAME);

/** The claim names of a pod's `persistentVolumeClaim` volumes. */
export function claimNames(pod: Pod): string[] {
  return (pod.spec.volumes ?? []).flatMap((v) => {
    const src = v['persistentVolumeClaim'] as { claimName?: string } | undefined;
    return src?.claimName ? [src.claimName] : [];
  });
}

/** True for a claim the scheduler must give a node to (unbound, class WaitForFirstConsumer). */
export function waitsForConsumer(claim: PersistentVolumeClaim, cluster: ClusterView): boolean {
  if (claim.spec.volumeName) return false;
  const cls = claim.spec.storageClassName ? cluster.storage?.storageClass(claim.spec.storageClassName) : undefined;
  return cls?.volumeBindingMode === 'WaitForFirstConsumer';
}

function stateOf(pod: Pod, cluster: ClusterView): VolumeState {
  const storage = cluster.storage!;
  const ns = pod.metadata.namespace ?? '';
  const matchers: NodeMatcher[] = [];
  for (const name of claimNames(pod)) {
    const claim = storage.claim(ns, name);
    if (!claim) return { fails: `persistentvolumeclaim "${name}" not found`, matchers };
    if (claim.metadata.deletionTimestamp) return { fails: `persistentvolumeclaim "${name}" is being deleted`, matchers };
    // VolumeRestrictions: a ReadWriteOncePod claim is mounted by one pod in the whole cluster.
    if (claim.spec.accessModes?.includes('ReadWriteOncePod') && storage.claimUsers(ns, name).some((p) => p.metadata.uid !== pod.metadata.uid)) {
      return { fails: reasonReadWriteOncePod, matchers };
    }
    if (!claim.spec.volumeName) {
      const cls = claim.spec.storageClassName;
      if (cls && !storage.storageClass(cls)) return { fails: `storageclass.storage.k8s.io "${cls}" not found`, matchers };
      if (!waitsForConsumer(claim, cluster)) return { fails: reasonUnboundImmediate, matchers };
      continue;
    }
    const pv = storage.volume(claim.spec.volumeName);
    const terms = pv?.spec.nodeAffinity?.required?.nodeSelectorTerms as NodeSelectorTerm[] | undefined;
    if (terms?.length) matchers.push(compileTerms(terms));
  }
  return { matchers };
}

export const volumeBinding: FilterPlugin = {
  name: NAME,
  preFilter(pod, cluster: ClusterView, cycle: CycleState) {
    if (!cluster.storage || claimNames(pod.pod).length === 0) return false;
    cycle.write(NAME, stateOf(pod.pod, cluster));
    return true;
  },
  filter(_pod, node, cycle) {
    const s = read(cycle);
    if (!s) return undefined;
    if (s.fails) return s.fails;
    return s.matchers.every((m) => m(node)) ? undefined : reasonVolumeNodeAffinity;
  },
};
