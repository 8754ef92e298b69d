/** Kubernetes' defaults for PersistentVolumes (Retain, Filesystem), PersistentVolumeClaims
 * (Filesystem) and StorageClasses (Delete, Immediate). */
import { ensureObj, objAt, setDefault, type Obj } from './util.js';

export function defaultPersistentVolume(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  if (!spec) return;
  setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(spec, 'volumeMode', 'Filesystem');
  const hostPath = objAt(spec, 'hostPath');
  if (hostPath) setDefault(hostPath, 'type', '');
}

export function defaultPersistentVolumeClaim(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  if (!spec) return;
  setDefault(spec, 'volumeMode', 'Filesystem');
}

export function defaultStorageClass(obj: Obj): void {
  setDefault(obj, 'reclaimPolicy', 'Delete');
  setDefault(obj, 'volumeBindingMode', 'Immediate');
}
