/**
 * The admission plugins of persistent storage, as Kubernetes has them:
 * - DefaultStorageClass: a claim without `storageClassName` gets the default class (the newest
 *   one when several carry the annotation); an explicit `""` means "no class" and is kept.
 * - StorageObjectInUseProtection: new claims and volumes carry the `kubernetes.io/pvc-protection`
 *   and `kubernetes.io/pv-protection` finalizers, which the protection controller lifts once
 *   nothing uses them.
 * - PersistentVolumeClaimResize: a claim may only grow when its class allows expansion.
 */
import { isDeepStrictEqual } from 'node:util';
import { ForbiddenError } from '../../api/errors.js';
import { pvcProtectionFinalizer, pvProtectionFinalizer, type PersistentVolumeClaim, type StorageClass } from '../../api/kinds.js';
import { isDefaultClass } from '../tables/storage.js';
import type { KubeObject } from '../../api/types.js';
import type { ResourceCache } from '../watchcache.js';
import type { WriteHooks } from '../registry/registry.js';

const done = async (): Promise<void> => undefined;

function addFinalizer(obj: KubeObject, finalizer: string): void {
  const f = obj.metadata.finalizers ?? [];
  if (!f.includes(finalizer)) obj.metadata.finalizers = [...f, finalizer];
}

/** The default class, as DefaultStorageClass picks it (newest first, then by name). */
export function defaultClassOf(classes: Iterable<KubeObject>): StorageClass | undefined {
  const defaults = [...classes].filter((c) => isDefaultClass(c.metadata.annotations));
  defaults.sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  return defaults[0] as StorageClass | undefined;
}

export function claimHooks(classes: ResourceCache): WriteHooks {
  return {
    beginCreate: async (obj) => {
      const claim = obj as PersistentVolumeClaim;
      if (claim.spec.storageClassName === undefined || claim.spec.storageClassName === null) {
        const def = defaultClassOf(classes.objects.values());
        if (def) claim.spec.storageClassName = def.metadata.name!;
      }
      addFinalizer(obj, pvcProtectionFinalizer);
      return done;
    },
    beginUpdate: async (next, current) => {
      const now = next as PersistentVolumeClaim;
      const was = current as PersistentVolumeClaim;
      const grew = !isDeepStrictEqual(now.spec.resources?.requests?.['storage'], was.spec.resources?.requests?.['storage']);
      if (grew) {
        const cls = [...classes.objects.values()].find((c) => c.metadata.name === was.spec.storageClassName) as StorageClass | undefined;
        if (!was.spec.volumeName || cls?.allowVolumeExpansion !== true) {
          const name = was.metadata.name ?? '';
          throw new ForbiddenError(
            `persistentvolumeclaims "${name}" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize`,
            { name, kind: 'persistentvolumeclaims' },
          );
        }
      }
      return done;
    },
  };
}

export function volumeHooks(): WriteHooks {
  return {
    beginCreate: async (obj) => {
      addFinalizer(obj, pvProtectionFinalizer);
      return done;
    },
  };
}
