/** The `local-path` StorageClass every cluster starts with: skiff's built-in provisioner makes a
 * directory per claim on the node the first consumer is scheduled to. */
import { LOCAL_PATH_PROVISIONER, type StorageClass } from '../../api/kinds.js';

export const LOCAL_PATH_CLASS = 'local-path';

export function defaultStorageClass(): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: LOCAL_PATH_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: LOCAL_PATH_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}
