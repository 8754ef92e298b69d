/**
 * skiff's built-in local-path provisioner: a claim of a class whose provisioner is
 * `skiff.io/local-path` gets a `local` PersistentVolume named `pvc-<claim uid>` (as Kubernetes'
 * provisioners name them), sized as requested, on one node: the directory
 * `<node's local-path root>/<volume name>`, which that node's agent creates on first mount and
 * removes once the volume is gone. Node affinity to the node keeps the claim's pods there.
 */
import type { Node, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../api/kinds.js';
import { LOCAL_PATH_PROVISIONER, LOCAL_PATH_ROOT_ANNOTATION, volumeAnnotations } from '../../api/kinds.js';

export { LOCAL_PATH_PROVISIONER, LOCAL_PATH_ROOT_ANNOTATION };

export function provisionedName(claim: PersistentVolumeClaim): string {
  return `pvc-${claim.metadata.uid ?? ''}`;
}

export function localPathRoot(node: Node): string | undefined {
  return node.metadata.annotations?.[LOCAL_PATH_ROOT_ANNOTATION];
}

/** The volume for `claim` on `node` (whose local-path root is `root`), already reserved for it. */
export function provisionedVolume(claim: PersistentVolumeClaim, cls: StorageClass, node: string, root: string): PersistentVolume {
  const name = provisionedName(claim);
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name,
      annotations: { [volumeAnnotations.provisionedBy]: LOCAL_PATH_PROVISIONER },
      labels: {},
    },
    spec: {
      capacity: { storage: String(claim.spec.resources?.requests?.['storage'] ?? '') },
      accessModes: [...(claim.spec.accessModes ?? [])],
      persistentVolumeReclaimPolicy: cls.reclaimPolicy ?? 'Delete',
      storageClassName: cls.metadata.name ?? '',
      volumeMode: 'Filesystem',
      local: { path: `${root.replace(/\/+$/, '')}/${name}` },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
      claimRef: {
        kind: 'PersistentVolumeClaim',
        apiVersion: 'v1',
        namespace: claim.metadata.namespace,
        name: claim.metadata.name,
        uid: claim.metadata.uid,
        resourceVersion: claim.metadata.resourceVersion,
      },
    },
  };
}
