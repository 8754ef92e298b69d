/** PersistentVolume, PersistentVolumeClaim and StorageClass tables, as Kubernetes'
 * printPersistentVolume, printPersistentVolumeClaim and printStorageClass. */
import { canonicalQuantity } from '../../api/quantity.js';
import { volumeAnnotations } from '../../api/kinds/storage.js';
import { since } from './age.js';
import { ageColumn, at, column, nameColumn, str, strings } from './format.js';
import type { TablePrinter } from './index.js';

const modeNames: readonly (readonly [string, string])[] = [
  ['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP'],
];

/** `RWO,ROX`: Kubernetes' GetAccessModesAsString, in its fixed order. */
export function accessModesString(modes: readonly string[]): string {
  return modeNames.filter(([m]) => modes.includes(m)).map(([, s]) => s).join(',');
}

function storage(o: unknown, ...path: string[]): string {
  const v = at(o, ...path, 'storage');
  return typeof v === 'string' || typeof v === 'number' ? canonicalQuantity(String(v)) : '';
}

const unset = (v: string): string => v || '<unset>';
const volumeModeColumn = column('VolumeMode', 'string', 'Filesystem or Block.', 1);
const attributesColumn = column('VolumeAttributesClass', 'string', 'The volume attributes class.');

export const persistentVolumePrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Capacity', 'string', 'The size of the volume.'),
    column('Access Modes', 'string', 'How the volume can be mounted.'),
    column('Reclaim Policy', 'string', 'What happens to the volume once its claim is released.'),
    column('Status', 'string', 'The phase of the volume.'),
    column('Claim', 'string', 'The claim bound to the volume.'),
    column('StorageClass', 'string', 'The storage class of the volume.'),
    attributesColumn,
    column('Reason', 'string', 'Why the volume is in its phase.'),
    ageColumn,
    volumeModeColumn,
  ],
  cells(o, now) {
    const ns = str(o, 'spec', 'claimRef', 'namespace');
    const claim = str(o, 'spec', 'claimRef', 'name');
    return [
      o.metadata.name ?? '',
      storage(o, 'spec', 'capacity'),
      accessModesString(strings(o, 'spec', 'accessModes')),
      str(o, 'spec', 'persistentVolumeReclaimPolicy'),
      o.metadata.deletionTimestamp ? 'Terminating' : str(o, 'status', 'phase'),
      claim ? `${ns}/${claim}` : '',
      str(o, 'spec', 'storageClassName'),
      unset(str(o, 'spec', 'volumeAttributesClassName')),
      str(o, 'status', 'reason'),
      since(o.metadata.creationTimestamp, now),
      str(o, 'spec', 'volumeMode') || '<unset>',
    ];
  },
};

export const persistentVolumeClaimPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Status', 'string', 'The phase of the claim.'),
    column('Volume', 'string', 'The volume bound to the claim.'),
    column('Capacity', 'string', 'The capacity of the bound volume.'),
    column('Access Modes', 'string', 'The access modes of the bound volume.'),
    column('StorageClass', 'string', 'The storage class of the claim.'),
    attributesColumn,
    ageColumn,
    volumeModeColumn,
  ],
  cells(o, now) {
    return [
      o.metadata.name ?? '',
      o.metadata.deletionTimestamp ? 'Terminating' : str(o, 'status', 'phase'),
      str(o, 'spec', 'volumeName'),
      storage(o, 'status', 'capacity'),
      accessModesString(strings(o, 'status', 'accessModes')),
      str(o, 'spec', 'storageClassName'),
      unset(str(o, 'status', 'currentVolumeAttributesClassName')),
      since(o.metadata.creationTimestamp, now),
      str(o, 'spec', 'volumeMode') || '<unset>',
    ];
  },
};

/** Whether a class carries the default-class annotation (GA or beta), as Kubernetes reads it. */
export function isDefaultClass(annotations: Readonly<Record<string, string>> | undefined): boolean {
  return annotations?.[volumeAnnotations.defaultClass] === 'true' || annotations?.[volumeAnnotations.betaDefaultClass] === 'true';
}

export const storageClassPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Provisioner', 'string', 'The provisioner of the class.'),
    column('ReclaimPolicy', 'string', 'The reclaim policy of provisioned volumes.'),
    column('VolumeBindingMode', 'string', 'When claims are bound and provisioned.'),
    column('AllowVolumeExpansion', 'string', 'Whether claims may grow.'),
    ageColumn,
  ],
  cells(o, now) {
    const name = o.metadata.name ?? '';
    return [
      isDefaultClass(o.metadata.annotations) ? `${name} (default)` : name,
      str(o, 'provisioner'),
      str(o, 'reclaimPolicy') || 'Delete',
      str(o, 'volumeBindingMode') || 'Immediate',
      at(o, 'allowVolumeExpansion') === true ? 'true' : 'false',
      since(o.metadata.creationTimestamp, now),
    ];
  },
};
