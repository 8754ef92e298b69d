/** core/v1 PersistentVolume(Claim) and storage.k8s.io/v1 StorageClass (grammar in dsl.ts). Of the
 * PersistentVolumeSource oneof only the sources skiff mounts are listed. */
import type { MessageTable } from './dsl.js';

export const storageMessages: MessageTable = {
  LocalVolumeSource: 'path=1 fsType=2?',
  VolumeNodeAffinity: 'required=1:NodeSelector',
  PersistentVolumeSource: 'hostPath=3:HostPathVolumeSource local=20:LocalVolumeSource',
  PersistentVolumeSpec:
    'capacity=1:{Quantity} ~=2:PersistentVolumeSource accessModes=3* claimRef=4:ObjectReference ' +
    'persistentVolumeReclaimPolicy=5 storageClassName=6 mountOptions=7* volumeMode=8? nodeAffinity=9:VolumeNodeAffinity ' +
    'volumeAttributesClassName=10?',
  PersistentVolumeStatus: 'phase=1 message=2 reason=3 lastPhaseTransitionTime=4:Time',
  PersistentVolume: 'metadata=1:ObjectMeta spec=2:PersistentVolumeSpec status=3:PersistentVolumeStatus',
  PersistentVolumeClaimCondition: 'type=1 status=2 lastProbeTime=3:Time lastTransitionTime=4:Time reason=5 message=6',
  PersistentVolumeClaimStatus:
    'phase=1 accessModes=2* capacity=3:{Quantity} conditions=4:PersistentVolumeClaimCondition* ' +
    'allocatedResources=5:{Quantity} allocatedResourceStatuses=7:{s} currentVolumeAttributesClassName=8?',
  PersistentVolumeClaim: 'metadata=1:ObjectMeta spec=2:PersistentVolumeClaimSpec status=3:PersistentVolumeClaimStatus',
  TopologySelectorLabelRequirement: 'key=1 values=2*',
  TopologySelectorTerm: 'matchLabelExpressions=1:TopologySelectorLabelRequirement*',
  StorageClass:
    'metadata=1:ObjectMeta provisioner=2 parameters=3:{s} reclaimPolicy=4? mountOptions=5* allowVolumeExpansion=6:b? ' +
    'volumeBindingMode=7? allowedTopologies=8:TopologySelectorTerm*',
};
