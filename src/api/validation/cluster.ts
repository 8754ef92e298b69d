/**
 * The smaller kinds: namespaces, nodes, events, leases, config maps, secrets (their spec-level
 * rules; metadata is checked by the caller).
 */
import { isDeepStrictEqual } from 'node:util';
import type { FieldError } from '../errors.js';
import { isRecord } from '../types.js';
import { child, forbidden, immutable, index, invalid, key, nonNegative, notSupported, required, tooLong } from './field.js';
import { validateFinalizers } from './meta.js';
import { goJsonObjectError } from './gojson.js';
import { isConfigMapKey, isQualifiedName, isValidCIDR, isValidLabelValue } from './names.js';

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const specOf = (obj: Obj): Obj => (isRecord(obj['spec']) ? obj['spec'] : {});

/** A namespace's spec.finalizers: Kubernetes' own names or qualified ones. */
export function validateNamespace(obj: Obj): FieldError[] {
  return validateFinalizers(specOf(obj)['finalizers'], 'spec.finalizers', true);
}

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateTaints(taints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (Array.isArray(taints) ? taints : []).forEach((raw, i) => {
    const ip = index(path, i);
    const t: Obj = isRecord(raw) ? raw : {};
    const k = str(t['key']);
    errs.push(...isQualifiedName(k).map((m) => invalid(child(ip, 'key'), k, m)));
    const v = str(t['value']);
    errs.push(...isValidLabelValue(v).map((m) => invalid(child(ip, 'value'), v, m)));
    const effect = str(t['effect']);
    if (!effect) errs.push(required(child(ip, 'effect')));
    else if (!taintEffects.includes(effect)) errs.push(notSupported(child(ip, 'effect'), effect, taintEffects));
    const id = `${k}:${effect}`;
    if (seen.has(id)) errs.push(invalid(ip, t, 'taints must be unique by key and effect pair'));
    seen.add(id);
  });
  return errs;
}

/** A node's pod CIDRs and taints. */
export function validateNode(obj: Obj): FieldError[] {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  const cidr = str(spec['podCIDR']);
  if (cidr) errs.push(...isValidCIDR(cidr).map((m) => invalid('spec.podCIDR', cidr, m)));
  const cidrs = Array.isArray(spec['podCIDRs']) ? spec['podCIDRs'].map(String) : [];
  cidrs.forEach((c, i) => errs.push(...isValidCIDR(c).map((m) => invalid(index('spec.podCIDRs', i), c, m))));
  if (cidrs.length > 2) errs.push(invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
  if (cidr && cidrs.length && cidrs[0] !== cidr) errs.push(invalid('spec.podCIDRs', cidrs, 'first value must match `podCIDR`'));
  errs.push(...validateTaints(spec['taints'], 'spec.taints'));
  return errs;
}

/** A node's pod CIDR is set once (from "" to a value) and never changed. */
export function validateNodeUpdate(obj: Obj, old: Obj): FieldError[] {
  const errs = validateNode(obj);
  const spec = specOf(obj);
  const oldSpec = specOf(old);
  const before = str(oldSpec['podCIDR']);
  if (before && str(spec['podCIDR']) !== before) {
    errs.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  if (str(oldSpec['providerID']) && str(spec['providerID']) !== str(oldSpec['providerID'])) {
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}

/** Kubernetes' legacy event validation: an involved object, in the event's own namespace. */
export function validateEvent(obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const involved = obj['involvedObject'];
  if (!isRecord(involved)) return [required('involvedObject')];
  const meta: Obj = isRecord(obj['metadata']) ? obj['metadata'] : {};
  const ns = str(meta['namespace']);
  const ins = str(involved['namespace']);
  if (!ins) {
    if (ns !== '' && ns !== 'default' && !obj['eventTime']) errs.push(invalid('involvedObject.namespace', ins, 'does not match event.namespace'));
  } else if (ns !== ins) {
    errs.push(invalid('involvedObject.namespace', ins, 'does not match event.namespace'));
  }
  const type = obj['type'];
  if (type !== undefined && type !== null && type !== '' && type !== 'Normal' && type !== 'Warning') {
    errs.push(notSupported('type', type, ['Normal', 'Warning']));
  }
  errs.push(...nonNegative('count', obj['count']));
  return errs;
}

/** A lease's durations and counts. */
export function validateLease(obj: Obj): FieldError[] {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  const d = spec['leaseDurationSeconds'];
  if (d !== undefined && d !== null && (typeof d !== 'number' || d <= 0)) errs.push(invalid('spec.leaseDurationSeconds', d, 'must be greater than 0'));
  errs.push(...nonNegative('spec.leaseTransitions', spec['leaseTransitions']));
  return errs;
}

export const MaxConfigSize = 1024 * 1024;

function validateDataKeys(obj: Obj, fields: readonly string[], base64: boolean): { errors: FieldError[]; size: number } {
  const errors: FieldError[] = [];
  let size = 0;
  const seen = new Set<string>();
  for (const f of fields) {
    const data = obj[f];
    if (data === undefined || data === null) continue;
    if (!isRecord(data)) {
      errors.push(invalid(f, data, 'must be a map of strings'));
      continue;
    }
    for (const [k, v] of Object.entries(data)) {
      const p = key(f, k);
      errors.push(...isConfigMapKey(k).map((m) => invalid(p, k, m)));
      if (seen.has(k)) errors.push(invalid(p, k, `duplicate of key present in ${fields.find((x) => x !== f) ?? f}`));
      seen.add(k);
      if (typeof v !== 'string') {
        errors.push(invalid(p, v, 'must be a string'));
        continue;
      }
      if (base64 && (f === 'data' || f === 'binaryData') && !/^[A-Za-z0-9+/]*={0,2}$/.test(v.replace(/\s/g, ''))) {
        errors.push(invalid(p, '<secret contents redacted>', 'illegal base64 data'));
      }
      size += base64 || f === 'binaryData' ? Math.floor((v.length * 3) / 4) : Buffer.byteLength(v);
    }
  }
  return { errors, size };
}

/** A config map's keys (unique across data and binaryData) and its size (at most 1 MiB). */
export function validateConfigMap(obj: Obj): FieldError[] {
  const { errors, size } = validateDataKeys(obj, ['data', 'binaryData'], false);
  if (size > MaxConfigSize) errors.push(tooLong('data', MaxConfigSize));
  return errors;
}

/** A secret's keys, base64 data and size (at most 1 MiB). */
export function validateSecret(obj: Obj): FieldError[] {
  const { errors, size } = validateDataKeys(obj, ['data', 'stringData'], true);
  if (size > MaxConfigSize) errors.push(tooLong('data', MaxConfigSize));
  const type = str(obj['type']);
  const data = isRecord(obj['data']) ? obj['data'] : {};
  const needs: Readonly<Record<string, readonly string[]>> = {
    'kubernetes.io/dockercfg': ['.dockercfg'],
    'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
    'kubernetes.io/tls': ['tls.crt', 'tls.key'],
    'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  };
  for (const k of needs[type] ?? []) if (!(k in data)) errors.push(required(key('data', k)));
  // Docker config Secrets must hold well-formed JSON (an object, or null), as Go decodes it.
  const jsonKey = type === 'kubernetes.io/dockercfg' ? '.dockercfg' : type === 'kubernetes.io/dockerconfigjson' ? '.dockerconfigjson' : undefined;
  const raw = jsonKey !== undefined ? data[jsonKey] : undefined;
  if (jsonKey !== undefined && typeof raw === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(raw.replace(/\s/g, ''))) {
    const problem = goJsonObjectError(Buffer.from(raw, 'base64'));
    if (problem) errors.push(invalid(key('data', jsonKey), '<secret contents redacted>', problem));
  }
  return errors;
}

/** Config maps and secrets marked `immutable` keep their data (and stay immutable). */
export function validateImmutableData(obj: Obj, old: Obj, fields: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  if (old['immutable'] === true) {
    if (obj['immutable'] !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    for (const f of fields) {
      if (!isDeepStrictEqual(obj[f] ?? null, old[f] ?? null)) errs.push(forbidden(f, 'field is immutable when `immutable` is set'));
    }
  }
  return errs;
}

/** A secret's type never changes. */
export function validateSecretUpdate(obj: Obj, old: Obj): FieldError[] {
  const errs = [...validateSecret(obj), ...validateImmutableData(obj, old, ['data'])];
  if (str(obj['type']) !== str(old['type'])) errs.push(immutable('type', str(obj['type'])));
  return errs;
}
