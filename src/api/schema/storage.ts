/** core/v1 PersistentVolume and PersistentVolumeClaim, storage.k8s.io/v1 StorageClass. Only the
 * volume sources skiff can mount (`hostPath`, `local`) are part of a PersistentVolume here. */
import { bool, defs, kindObject, list, listOf, obj, quantityMap, ref, str, strList, strMap, time, type Definitions } from './dsl.js';

const atomic = { listType: 'atomic' } as const;

export const storageDefinitions: Definitions = {
  ...defs('core', {
    PersistentVolume: kindObject('A piece of storage in the cluster, provisioned by an administrator or a provisioner.', {
      spec: ref('core.PersistentVolumeSpec', 'The volume: capacity, access modes, source and reclaim policy.'),
      status: ref('core.PersistentVolumeStatus', 'The most recently observed state. Read-only.'),
    }),
    PersistentVolumeList: listOf('core.PersistentVolume', 'persistent volumes'),
    PersistentVolumeSpec: obj({
      capacity: quantityMap('The size of the volume, e.g. `storage: 10Gi`.'),
      accessModes: strList('How the volume can be mounted: `ReadWriteOnce`, `ReadOnlyMany`, `ReadWriteMany`, `ReadWriteOncePod`.'),
      claimRef: ref('core.ObjectReference', 'The claim this volume is bound (or reserved) to.'),
      persistentVolumeReclaimPolicy: str('`Retain` or `Delete`: what happens once the claim is released.', { enum: ['Delete', 'Recycle', 'Retain'] }),
      storageClassName: str('The storage class the volume belongs to; empty for none.'),
      mountOptions: strList('Mount options (not used by skiff\'s hostPath and local volumes).'),
      volumeMode: str('`Filesystem` (default) or `Block`.', { enum: ['Block', 'Filesystem'] }),
      nodeAffinity: ref('core.VolumeNodeAffinity', 'The nodes the volume can be reached from.'),
      volumeAttributesClassName: str('The volume attributes class.'),
      hostPath: ref('core.HostPathVolumeSource', 'A directory on the node.'),
      local: ref('core.LocalVolumeSource', 'A local directory; requires nodeAffinity.'),
    }, 'The desired characteristics of a persistent volume.'),
    LocalVolumeSource: obj({
      path: str('Absolute path of the directory on the node.'),
      fsType: str('Filesystem type (only for block devices).'),
    }, 'A directory on one node.', ['path']),
    VolumeNodeAffinity: obj({
      required: ref('core.NodeSelector', 'The nodes the volume is reachable from.'),
    }, 'Node constraints of a volume.'),
    PersistentVolumeStatus: obj({
      phase: str('`Pending`, `Available`, `Bound`, `Released` or `Failed`.', { enum: ['Available', 'Bound', 'Failed', 'Pending', 'Released'] }),
      message: str('Why the volume is in this phase.'),
      reason: str('A brief CamelCase reason for a failure.'),
      lastPhaseTransitionTime: time('When the phase last changed.'),
    }, 'The observed state of a persistent volume.'),
    PersistentVolumeClaim: kindObject('A user\'s request for storage, bound to a persistent volume.', {
      spec: ref('core.PersistentVolumeClaimSpec', 'The storage requested.'),
      status: ref('core.PersistentVolumeClaimStatus', 'The most recently observed state. Read-only.'),
    }),
    PersistentVolumeClaimList: listOf('core.PersistentVolumeClaim', 'persistent volume claims'),
    PersistentVolumeClaimStatus: obj({
      phase: str('`Pending`, `Bound` or `Lost`.', { enum: ['Bound', 'Lost', 'Pending'] }),
      accessModes: strList('The access modes of the bound volume.'),
      capacity: quantityMap('The capacity of the bound volume.'),
      conditions: list(ref('core.PersistentVolumeClaimCondition'), 'Resize conditions.', atomic),
      allocatedResources: quantityMap('Storage allocated to the claim.'),
      allocatedResourceStatuses: strMap('Resize state per resource.'),
      currentVolumeAttributesClassName: str('The volume attributes class in effect.'),
    }, 'The observed state of a persistent volume claim.'),
    PersistentVolumeClaimCondition: obj({
      type: str('The condition type.'),
      status: str('`True`, `False` or `Unknown`.'),
      lastProbeTime: time('When last probed.'),
      lastTransitionTime: time('When the status last changed.'),
      reason: str('A brief CamelCase reason.'),
      message: str('A human-readable message.'),
    }, 'A condition of a claim.', ['type', 'status']),
  }),
  ...defs('storage', {
    StorageClass: kindObject('A class of dynamically provisioned volumes: its provisioner, parameters and policies.', {
      provisioner: str('The provisioner that creates volumes of this class.'),
      parameters: strMap('Parameters for the provisioner.'),
      reclaimPolicy: str('`Delete` (default) or `Retain`, for volumes provisioned from this class.', { enum: ['Delete', 'Recycle', 'Retain'] }),
      mountOptions: strList('Mount options of provisioned volumes.'),
      allowVolumeExpansion: bool('Whether claims of this class may grow.'),
      volumeBindingMode: str('`Immediate` (default) or `WaitForFirstConsumer`.', { enum: ['Immediate', 'WaitForFirstConsumer'] }),
      allowedTopologies: list(ref('core.TopologySelectorTerm'), 'Where volumes may be provisioned.', atomic),
    }),
    StorageClassList: listOf('storage.StorageClass', 'storage classes'),
  }),
  ...defs('core', {
    TopologySelectorTerm: obj({
      matchLabelExpressions: list(ref('core.TopologySelectorLabelRequirement'), 'Label requirements, ANDed.', atomic),
    }, 'A topology selector term.'),
    TopologySelectorLabelRequirement: obj({
      key: str('The label key.'),
      values: strList('The allowed values.'),
    }, 'A topology label requirement.', ['key', 'values']),
  }),
};
