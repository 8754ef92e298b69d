/** Pod volumes, as Kubernetes' ValidateVolumes checks them: a DNS-label name unique in the pod and
 * exactly one source, each source with its own required fields. */
import type { FieldError } from '../errors.js';
import { Quantity, quantityFormatError } from '../quantity.js';
import { isRecord } from '../types.js';
import { child, duplicate, forbidden, index, invalid, notSupported, required } from './field.js';
import { isConfigMapKey, isDNS1123Label } from './names.js';

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Every volume source Kubernetes knows, in the order it checks them. */
const sources = [
  'hostPath', 'emptyDir', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'flocker', 'persistentVolumeClaim', 'rbd', 'quobyte', 'cinder', 'cephfs', 'flexVolume',
  'downwardAPI', 'fc', 'azureFile', 'vsphereVolume', 'azureDisk', 'photonPersistentDisk', 'portworxVolume',
  'scaleIO', 'storageos', 'configMap', 'projected', 'csi', 'ephemeral', 'image',
];

const hostPathTypes = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];

function noBacksteps(path: string, value: string): FieldError[] {
  return value.split('/').includes('..') ? [invalid(path, value, "must not contain '..'")] : [];
}

function validateMode(mode: unknown, path: string): FieldError[] {
  if (mode === undefined || mode === null) return [];
  if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    return [invalid(path, mode, 'must be a number between 0 and 0777 (octal), both inclusive')];
  }
  return [];
}

function validateKeyToPaths(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (Array.isArray(items) ? items : []).forEach((it, i) => {
    const ip = index(path, i);
    const item = isRecord(it) ? it : {};
    const k = str(item['key']);
    if (!k) errs.push(required(child(ip, 'key')));
    else errs.push(...isConfigMapKey(k).map((m) => invalid(child(ip, 'key'), k, m)));
    const p = str(item['path']);
    if (!p) errs.push(required(child(ip, 'path')));
    else {
      if (p.startsWith('/')) errs.push(invalid(child(ip, 'path'), p, 'must be a relative path'));
      errs.push(...noBacksteps(child(ip, 'path'), p));
    }
    errs.push(...validateMode(item['mode'], child(ip, 'mode')));
  });
  return errs;
}

function validateSource(kind: string, src: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  switch (kind) {
    case 'hostPath': {
      const p = str(src['path']);
      if (!p) errs.push(required(child(path, 'path')));
      else errs.push(...noBacksteps(child(path, 'path'), p));
      const t = src['type'];
      if (typeof t === 'string' && !hostPathTypes.includes(t)) errs.push(notSupported(child(path, 'type'), t, hostPathTypes));
      break;
    }
    case 'emptyDir': {
      const limit = src['sizeLimit'];
      if (limit !== undefined && limit !== null) {
        const q = Quantity.tryParse(String(limit));
        if (!q) errs.push(invalid(child(path, 'sizeLimit'), limit, quantityFormatError));
        else if (q.sign < 0) errs.push(invalid(child(path, 'sizeLimit'), q.toString(), 'must be greater than or equal to 0'));
      }
      const medium = src['medium'];
      if (typeof medium === 'string' && medium !== '' && medium !== 'Memory' && !medium.startsWith('HugePages')) {
        errs.push(notSupported(child(path, 'medium'), medium, ['', 'Memory', 'HugePages']));
      }
      break;
    }
    case 'secret':
      if (!str(src['secretName'])) errs.push(required(child(path, 'secretName')));
      errs.push(...validateMode(src['defaultMode'], child(path, 'defaultMode')));
      errs.push(...validateKeyToPaths(src['items'], child(path, 'items')));
      break;
    case 'configMap':
      if (!str(src['name'])) errs.push(required(child(path, 'name')));
      errs.push(...validateMode(src['defaultMode'], child(path, 'defaultMode')));
      errs.push(...validateKeyToPaths(src['items'], child(path, 'items')));
      break;
    case 'persistentVolumeClaim':
      if (!str(src['claimName'])) errs.push(required(child(path, 'claimName')));
      break;
    case 'nfs':
      if (!str(src['server'])) errs.push(required(child(path, 'server')));
      if (!str(src['path'])) errs.push(required(child(path, 'path')));
      break;
    case 'downwardAPI':
    case 'projected':
      errs.push(...validateMode(src['defaultMode'], child(path, 'defaultMode')));
      break;
    default:
      break;
  }
  return errs;
}

/** The volumes of a pod spec; returns the errors and the names of the valid volumes (mounts may
 * only refer to those, as in Kubernetes). */
export function validateVolumes(volumes: unknown, path: string): { errors: FieldError[]; names: Set<string> } {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  if (volumes === undefined || volumes === null) return { errors, names };
  if (!Array.isArray(volumes)) return { errors: [invalid(path, volumes, 'must be a list')], names };
  volumes.forEach((raw, i) => {
    const ip = index(path, i);
    const v: Obj = isRecord(raw) ? raw : {};
    const el: FieldError[] = [];
    let n = 0;
    for (const kind of sources) {
      const src = v[kind];
      if (src === undefined || src === null) continue;
      if (n > 0) {
        el.push(forbidden(child(ip, kind), 'may not specify more than 1 volume type'));
        continue;
      }
      n++;
      el.push(...validateSource(kind, isRecord(src) ? src : {}, child(ip, kind)));
    }
    if (n === 0) el.push(required(ip, 'must specify a volume type'));
    const name = str(v['name']);
    if (!name) el.push(required(child(ip, 'name')));
    else el.push(...isDNS1123Label(name).map((m) => invalid(child(ip, 'name'), name, m)));
    if (names.has(name)) el.push(duplicate(child(ip, 'name'), name));
    if (el.length === 0) names.add(name);
    else errors.push(...el);
  });
  return { errors, names };
}
