/**
 * PersistentVolumes, PersistentVolumeClaims and StorageClasses, as Kubernetes'
 * ValidatePersistentVolume / ValidatePersistentVolumeClaim / ValidateStorageClass check them, with
 * their messages. skiff mounts only `hostPath` and `local` volumes of mode Filesystem; anything it
 * could not honour is refused here rather than stored and ignored.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FieldError } from '../errors.js';
import { quantityOf } from '../quantity.js';
import { isRecord } from '../types.js';
import { child, forbidden, immutable, invalid, notSupported, required } from './field.js';
import { validateLabelSelector } from './meta.js';
import { isDNS1123Subdomain, isQualifiedName } from './names.js';

type Obj = Record<string, unknown>;

const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const volumeModes = ['Block', 'Filesystem'];
const reclaimPolicies = ['Delete', 'Recycle', 'Retain'];
const bindingModes = ['Immediate', 'WaitForFirstConsumer'];
/** The PersistentVolume sources skiff can mount; other upstream sources are unknown fields. */
const sources = ['hostPath', 'local'];

const specOf = (o: Obj): Obj => (isRecord(o['spec']) ? o['spec'] : {});
const set = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

function validateAccessModes(modes: unknown, path: string, missing: string): FieldError[] {
  if (!Array.isArray(modes) || modes.length === 0) return [required(path, missing)];
  const errs: FieldError[] = [];
  for (const m of modes) if (!accessModes.includes(m as string)) errs.push(notSupported(path, m, accessModes));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

function validateClassName(v: unknown, path: string): FieldError[] {
  if (!set(v)) return [];
  return isDNS1123Subdomain(String(v)).map((msg) => invalid(path, v, msg));
}

function validateVolumeMode(v: unknown, path: string): FieldError[] {
  if (!set(v)) return [];
  if (!volumeModes.includes(v as string)) return [notSupported(path, v, volumeModes)];
  return v === 'Block' ? [forbidden(path, 'raw block volumes are not served by skiff; use Filesystem')] : [];
}

function validateStorageQuantity(v: unknown, path: string): FieldError[] {
  const q = quantityOf(v);
  if (!q) return [invalid(path, v, 'must be a quantity, e.g. 1Gi')];
  return q.sign <= 0 ? [invalid(path, v, 'must be greater than zero')] : [];
}

export function validatePersistentVolume(obj: Obj): FieldError[] {
  const spec = specOf(obj);
  const errs = validateAccessModes(spec['accessModes'], 'spec.accessModes', 'must specify at least 1 access mode');
  const capacity = spec['capacity'];
  if (!isRecord(capacity) || Object.keys(capacity).length === 0) {
    errs.push(required('spec.capacity'));
  } else if (!('storage' in capacity) || Object.keys(capacity).length > 1) {
    errs.push(notSupported('spec.capacity', capacity, ['storage']));
  } else {
    errs.push(...validateStorageQuantity(capacity['storage'], 'spec.capacity.storage'));
  }
  const policy = spec['persistentVolumeReclaimPolicy'];
  if (set(policy) && !reclaimPolicies.includes(policy as string)) errs.push(notSupported('spec.persistentVolumeReclaimPolicy', policy, reclaimPolicies));
  else if (policy === 'Recycle') errs.push(forbidden('spec.persistentVolumeReclaimPolicy', 'Recycle is deprecated and not served by skiff; use Retain or Delete'));
  errs.push(...validateClassName(spec['storageClassName'], 'spec.storageClassName'));
  errs.push(...validateVolumeMode(spec['volumeMode'], 'spec.volumeMode'));
  const given = sources.filter((s) => isRecord(spec[s]));
  if (given.length === 0) errs.push(required('spec', 'must specify a volume type'));
  if (given.length > 1) errs.push(forbidden(child('spec', given[1]!), 'may not specify more than 1 volume type'));
  for (const s of given) {
    const src = spec[s] as Obj;
    const path = child('spec', s, 'path');
    if (!set(src['path'])) errs.push(required(path));
    else if (!String(src['path']).startsWith('/')) errs.push(invalid(path, src['path'], 'must be an absolute path'));
  }
  if (given.includes('local') && !isRecord(spec['nodeAffinity'])) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  const affinity = spec['nodeAffinity'];
  if (isRecord(affinity)) {
    const terms = isRecord(affinity['required']) ? affinity['required']['nodeSelectorTerms'] : undefined;
    if (!Array.isArray(terms) || terms.length === 0) errs.push(required('spec.nodeAffinity.required.nodeSelectorTerms', 'must have at least one node selector term'));
  }
  if (Array.isArray(spec['mountOptions']) && spec['mountOptions'].length > 0) {
    errs.push(forbidden('spec.mountOptions', 'may not specify mount options for this volume type'));
  }
  return errs;
}

export function validatePersistentVolumeUpdate(obj: Obj, old: Obj): FieldError[] {
  const spec = specOf(obj);
  const was = specOf(old);
  const errs = validatePersistentVolume(obj);
  if (!sources.every((s) => isDeepStrictEqual(spec[s], was[s]))) errs.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  if (!isDeepStrictEqual(spec['volumeMode'], was['volumeMode'])) errs.push(immutable('spec.volumeMode', spec['volumeMode']));
  if (isRecord(was['nodeAffinity']) && !isDeepStrictEqual(spec['nodeAffinity'], was['nodeAffinity'])) {
    errs.push(forbidden('spec.nodeAffinity', 'field is immutable'));
  }
  return errs;
}

export function validatePersistentVolumeClaimSpec(spec: Obj, path: string): FieldError[] {
  const errs = validateAccessModes(spec['accessModes'], child(path, 'accessModes'), 'at least 1 access mode is required');
  if (set(spec['selector'])) errs.push(...validateLabelSelector(spec['selector'], child(path, 'selector')));
  const requests = isRecord(spec['resources']) && isRecord(spec['resources']['requests']) ? spec['resources']['requests'] : {};
  if (!('storage' in requests)) errs.push(required(`${child(path, 'resources')}[storage]`));
  else errs.push(...validateStorageQuantity(requests['storage'], `${child(path, 'resources')}[storage]`));
  errs.push(...validateClassName(spec['storageClassName'], child(path, 'storageClassName')));
  errs.push(...validateVolumeMode(spec['volumeMode'], child(path, 'volumeMode')));
  for (const f of ['dataSource', 'dataSourceRef']) {
    if (set(spec[f])) errs.push(forbidden(child(path, f), 'volume populators and snapshots are not served by skiff'));
  }
  return errs;
}

export function validatePersistentVolumeClaim(obj: Obj): FieldError[] {
  return validatePersistentVolumeClaimSpec(specOf(obj), 'spec');
}

const storageRequest = (spec: Obj): unknown => (isRecord(spec['resources']) && isRecord(spec['resources']['requests']) ? spec['resources']['requests']['storage'] : undefined);

/** A claim's spec is immutable once created, but for a first binding (volumeName, a class set
 * retroactively) and a growing storage request. Whether the class allows growth is admission's. */
export function validatePersistentVolumeClaimUpdate(obj: Obj, old: Obj): FieldError[] {
  const spec = specOf(obj);
  const was = specOf(old);
  const errs = validatePersistentVolumeClaim(obj);
  const comparable = (s: Obj, other: Obj): Obj => {
    const c: Obj = { ...s, resources: { ...(isRecord(s['resources']) ? s['resources'] : {}), requests: undefined } };
    delete c['volumeAttributesClassName'];
    if (!set(was['volumeName'])) c['volumeName'] = other['volumeName'];
    if (!set(was['storageClassName'])) c['storageClassName'] = other['storageClassName'];
    return c;
  };
  if (!isDeepStrictEqual(comparable(spec, spec), comparable(was, spec))) {
    errs.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const now = quantityOf(storageRequest(spec));
  const before = quantityOf(storageRequest(was));
  if (now && before && now.cmp(before) < 0) {
    errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  }
  return errs;
}

export function validateStorageClass(obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = obj['provisioner'];
  if (!set(provisioner)) errs.push(required('provisioner'));
  else errs.push(...isQualifiedName(String(provisioner).toLowerCase()).map((msg) => invalid('provisioner', provisioner, msg)));
  const policy = obj['reclaimPolicy'];
  if (set(policy) && policy !== 'Delete' && policy !== 'Retain') errs.push(notSupported('reclaimPolicy', policy, ['Delete', 'Retain']));
  const mode = obj['volumeBindingMode'];
  if (!set(mode)) errs.push(required('volumeBindingMode'));
  else if (!bindingModes.includes(mode as string)) errs.push(notSupported('volumeBindingMode', mode, bindingModes));
  if (Array.isArray(obj['allowedTopologies']) && obj['allowedTopologies'].length > 0) {
    errs.push(forbidden('allowedTopologies', 'allowed topologies are not served by skiff'));
  }
  return errs;
}

export function validateStorageClassUpdate(obj: Obj, old: Obj): FieldError[] {
  const errs = validateStorageClass(obj);
  for (const f of ['parameters', 'provisioner', 'reclaimPolicy']) {
    if (!isDeepStrictEqual(obj[f], old[f])) errs.push(forbidden(f, `updates to ${f} are forbidden.`));
  }
  if (!isDeepStrictEqual(obj['volumeBindingMode'], old['volumeBindingMode'])) errs.push(immutable('volumeBindingMode', obj['volumeBindingMode']));
  return errs;
}
