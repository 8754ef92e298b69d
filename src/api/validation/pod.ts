/**
 * Pods and pod templates: Kubernetes' ValidatePodSpec, ValidatePodTemplateSpec, ValidatePod and
 * ValidatePodUpdate (a pod's spec is immutable but for images, activeDeadlineSeconds, added
 * tolerations and a negative grace period turned into 1).
 */
import { hasOuterSpace } from './whitespace.js';
import { isDeepStrictEqual } from 'node:util';
import type { FieldError } from '../errors.js';
import { validateLabels } from '../labels.js';
import { isRecord } from '../types.js';
import { checkHostPortConflicts, validateContainers } from './container.js';
import { child, forbidden, index, invalid, invalidRendered, notSupported, required, typeInvalid } from './field.js';
import { validateAnnotations } from './meta.js';
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from './names.js';
import { validateVolumes } from './volumes.js';
import { validateHostNetworkPorts, validateHostSecurity } from './host-security.js';
import { checkAnnotationSupport, checkSupport } from '../support/index.js';

import { validateEphemeralContainers, validateNoEphemeralOnCreate } from './ephemeral.js';

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const MAX_INT32 = 2147483647;

export const restartPolicies = ['Always', 'OnFailure', 'Never'] as const;
const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** A toleration as Go prints it with `%#v`. */
function renderToleration(t: Obj): string {
  const secs = typeof t['tolerationSeconds'] === 'number' ? `(*int64)(${t['tolerationSeconds']})` : '(*int64)(nil)';
  return `core.Toleration{Key:${JSON.stringify(str(t['key']))}, Operator:${JSON.stringify(str(t['operator']))}, Value:${JSON.stringify(str(t['value']))}, Effect:${JSON.stringify(str(t['effect']))}, TolerationSeconds:${secs}}`;
}

/** Kubernetes' ValidateTolerations. */
export function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (Array.isArray(tolerations) ? tolerations : []).forEach((raw, i) => {
    const ip = index(path, i);
    const t: Obj = isRecord(raw) ? raw : {};
    const k = str(t['key']);
    const op = str(t['operator']);
    if (k) errs.push(...isQualifiedName(k).map((m) => invalid(child(ip, 'key'), k, m)));
    if (!k && op !== 'Exists') {
      errs.push(invalid(child(ip, 'operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t['tolerationSeconds'] !== undefined && t['tolerationSeconds'] !== null && t['effect'] !== 'NoExecute') {
      errs.push(invalid(child(ip, 'effect'), str(t['effect']), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    const value = str(t['value']);
    if (op === '' || op === 'Equal') {
      const msgs = isValidLabelValue(value);
      if (msgs.length) errs.push(invalid(child(ip, 'operator'), value, msgs.join(';')));
    } else if (op === 'Exists') {
      if (value) errs.push(invalidRendered(child(ip, 'operator'), renderToleration(t), "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(child(ip, 'operator'), op, ['Equal', 'Exists']));
    }
    const effect = str(t['effect']);
    if (effect && !taintEffects.includes(effect)) errs.push(notSupported(child(ip, 'effect'), effect, taintEffects));
  });
  return errs;
}

function validateRestartPolicy(rp: unknown, path: string): FieldError[] {
  if (rp === undefined || rp === null || rp === '') return [required(path)];
  return (restartPolicies as readonly unknown[]).includes(rp) ? [] : [notSupported(path, rp, restartPolicies)];
}

/** Kubernetes' ValidatePodSpec (the parts skiff honours). */
export function validatePodSpec(spec: unknown, path: string): FieldError[] {
  if (!isRecord(spec)) return [required(path)];
  const errs: FieldError[] = [];
  const vols = validateVolumes(spec['volumes'], child(path, 'volumes'));
  errs.push(...vols.errors);
  const names = new Set<string>();
  errs.push(...validateContainers(spec['containers'], vols.names, child(path, 'containers'), false, names));
  errs.push(...checkHostPortConflicts(spec['containers'], child(path, 'containers')));
  errs.push(...validateContainers(spec['initContainers'], vols.names, child(path, 'initContainers'), true, names));
  errs.push(...validateEphemeralContainers(spec, vols.names, child(path, 'ephemeralContainers')));
  errs.push(...validateRestartPolicy(spec['restartPolicy'], child(path, 'restartPolicy')));
  const dns = spec['dnsPolicy'];
  if (dns === undefined || dns === null || dns === '') errs.push(required(child(path, 'dnsPolicy')));
  else if (!dnsPolicies.includes(dns as string)) errs.push(notSupported(child(path, 'dnsPolicy'), dns, dnsPolicies));
  errs.push(...validateLabels(spec['nodeSelector'], child(path, 'nodeSelector')));
  const sa = str(spec['serviceAccountName']);
  if (sa) errs.push(...isDNS1123Subdomain(sa).map((m) => invalid(child(path, 'serviceAccountName'), sa, m)));
  const node = str(spec['nodeName']);
  if (node) errs.push(...isDNS1123Subdomain(node).map((m) => invalid(child(path, 'nodeName'), node, m)));
  const ads = spec['activeDeadlineSeconds'];
  if (ads !== undefined && ads !== null) {
    if (typeof ads !== 'number' || !Number.isInteger(ads)) errs.push(typeInvalid(child(path, 'activeDeadlineSeconds'), ads, 'must be an integer'));
    else if (ads < 1 || ads > MAX_INT32) errs.push(invalid(child(path, 'activeDeadlineSeconds'), ads, inclusiveRangeError(1, MAX_INT32)));
  }
  for (const f of ['hostname', 'subdomain']) {
    const v = str(spec[f]);
    if (v) errs.push(...isDNS1123Label(v).map((m) => invalid(child(path, f), v, m)));
  }
  errs.push(...validateTolerations(spec['tolerations'], child(path, 'tolerations')));
  const grace = spec['terminationGracePeriodSeconds'];
  if (grace !== undefined && grace !== null && (typeof grace !== 'number' || !Number.isInteger(grace))) {
    errs.push(typeInvalid(child(path, 'terminationGracePeriodSeconds'), grace, 'must be an integer'));
  }
  errs.push(...validateHostSecurity(spec, path));
  // What skiff cannot run at all is refused here, so every writer of a pod spec is covered.
  errs.push(...checkSupport(spec, path));
  return errs;
}

/** Kubernetes' ValidatePodTemplateSpec. Note the label path is `<template>.labels`, not
 * `<template>.metadata.labels`: that is how Kubernetes reports it. */
export function validatePodTemplateSpec(template: unknown, path: string): FieldError[] {
  if (!isRecord(template)) return [required(path)];
  const meta = isRecord(template['metadata']) ? template['metadata'] : {};
  return [
    ...validateLabels(meta['labels'], child(path, 'labels')),
    ...validateAnnotations(meta['annotations'], child(path, 'annotations')),
    ...checkAnnotationSupport(meta['annotations'], child(path, 'annotations')),
    ...validatePodSpec(template['spec'], child(path, 'spec')),
    ...(isRecord(template['spec']) && Array.isArray(template['spec']['ephemeralContainers']) && template['spec']['ephemeralContainers'].length
      ? [forbidden(child(path, 'spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template')] : []),
  ];
}

/** Kubernetes' validateContainersOnlyForPod: what a pod's containers must satisfy beyond a pod
 * template's (templates may carry an image of " ", pods may not). */
function validateContainersOnlyForPod(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (Array.isArray(list) ? list : []).forEach((c, i) => {
    const image = isRecord(c) ? str(c['image']) : '';
    if (hasOuterSpace(image)) errs.push(invalid(child(index(path, i), 'image'), image, 'must not have leading or trailing whitespace'));
  });
  return errs;
}

/** The spec of a pod (its metadata is checked by the caller), on create and on every update. */
export function validatePod(obj: Obj): FieldError[] {
  const spec = isRecord(obj['spec']) ? obj['spec'] : {};
  const meta = isRecord(obj['metadata']) ? obj['metadata'] : {};
  return [
    ...validatePodSpec(obj['spec'], 'spec'),
    ...validateHostNetworkPorts(spec, 'spec', true),
    ...checkAnnotationSupport(meta['annotations'], 'metadata.annotations'),
    ...validateContainersOnlyForPod(spec['containers'], 'spec.containers'),
    ...validateContainersOnlyForPod(spec['initContainers'], 'spec.initContainers'),
    ...validateContainersOnlyForPod(spec['ephemeralContainers'], 'spec.ephemeralContainers'),
  ];
}

/** A new pod: what every pod satisfies, and no ephemeral containers yet. */
export function validatePodCreate(obj: Obj): FieldError[] {
  return [...validatePod(obj), ...validateNoEphemeralOnCreate(isRecord(obj['spec']) ? obj['spec'] : {})];
}

export const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** A short diff of two specs: one `- path: old` / `+ path: new` pair per changed leaf. */
function specDiff(oldV: unknown, newV: unknown, path: string, out: string[]): void {
  if (isDeepStrictEqual(oldV, newV)) return;
  if (isRecord(oldV) && isRecord(newV)) {
    for (const k of [...new Set([...Object.keys(oldV), ...Object.keys(newV)])].sort()) specDiff(oldV[k], newV[k], child(path, k), out);
    return;
  }
  if (Array.isArray(oldV) && Array.isArray(newV) && oldV.length === newV.length) {
    oldV.forEach((o, i) => specDiff(o, newV[i], index(path, i), out));
    return;
  }
  if (oldV !== undefined) out.push(`- ${path}: ${JSON.stringify(oldV)}`);
  if (newV !== undefined) out.push(`+ ${path}: ${JSON.stringify(newV)}`);
}

function validateContainerUpdates(next: unknown, prev: unknown, path: string): { errors: FieldError[]; stop: boolean } {
  const n = Array.isArray(next) ? next : [];
  const o = Array.isArray(prev) ? prev : [];
  if (n.length !== o.length) return { errors: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errors: FieldError[] = [];
  n.forEach((c, i) => {
    const image = isRecord(c) ? str(c['image']) : '';
    if (!image) errors.push(required(child(index(path, i), 'image')));
  });
  return { errors, stop: false };
}

function validateOnlyAddedTolerations(next: unknown, prev: unknown, path: string): FieldError[] {
  const n = Array.isArray(next) ? next : [];
  for (const old of Array.isArray(prev) ? prev : []) {
    const found = n.some((t) => {
      if (!isRecord(t) || !isRecord(old)) return false;
      // Only tolerationSeconds may differ.
      const { tolerationSeconds: _a, ...rest } = old;
      const { tolerationSeconds: _b, ...restNew } = t;
      void _a;
      void _b;
      return isDeepStrictEqual(rest, restNew);
    });
    if (!found) return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return [];
}

/** Kubernetes' ValidatePodUpdate (the spec part). */
/** Kubernetes' validateOnlyDeletedSchedulingGates: after creation gates can only be removed. */
function validateOnlyDeletedSchedulingGates(gates: unknown, oldGates: unknown, path: string): FieldError[] {
  if (!Array.isArray(gates) || gates.length === 0) return [];
  const old = new Set((Array.isArray(oldGates) ? oldGates : []).map((g) => (isRecord(g) ? g['name'] : undefined)));
  const errs: FieldError[] = [];
  gates.forEach((g, i) => {
    const name = isRecord(g) ? g['name'] : undefined;
    if (!old.has(name)) errs.push(forbidden(`${path}[${i}].name`, `only deletion is allowed, but found new scheduling gate '${String(name)}'`));
  });
  return errs;
}

export function validatePodUpdate(obj: Obj, old: Obj): FieldError[] {
  const spec: Obj = isRecord(obj['spec']) ? obj['spec'] : {};
  const oldSpec: Obj = isRecord(old['spec']) ? old['spec'] : {};
  const errs = validatePod(obj);
  for (const list of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(spec[list], oldSpec[list], child('spec', list));
    errs.push(...r.errors);
    if (r.stop) return errs;
  }
  const ads = spec['activeDeadlineSeconds'];
  const oldAds = oldSpec['activeDeadlineSeconds'];
  if (typeof ads === 'number') {
    if (ads < 0 || ads > MAX_INT32) return [...errs, invalid('spec.activeDeadlineSeconds', ads, inclusiveRangeError(0, MAX_INT32))];
    if (typeof oldAds === 'number' && oldAds < ads) return [...errs, invalid('spec.activeDeadlineSeconds', ads, 'must be less than or equal to previous value')];
  } else if (typeof oldAds === 'number') {
    errs.push(invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateOnlyAddedTolerations(spec['tolerations'], oldSpec['tolerations'], 'spec.tolerations'));
  errs.push(...validateOnlyDeletedSchedulingGates(spec['schedulingGates'], oldSpec['schedulingGates'], 'spec.schedulingGates'));
  if (isDeepStrictEqual(spec, oldSpec)) return errs;
  // Undo the changes that are allowed, then anything left is not.
  const munged: Obj = structuredClone(spec);
  for (const list of ['containers', 'initContainers']) {
    const oldList = Array.isArray(oldSpec[list]) ? (oldSpec[list] as unknown[]) : [];
    if (Array.isArray(munged[list])) {
      munged[list] = (munged[list] as unknown[]).map((c, i) => {
        const oc = oldList[i];
        return isRecord(c) && isRecord(oc) ? { ...c, image: oc['image'] } : c;
      });
    }
  }
  for (const f of ['activeDeadlineSeconds', 'tolerations', 'schedulingGates']) {
    if (oldSpec[f] === undefined) delete munged[f];
    else munged[f] = oldSpec[f];
  }
  const oldGrace = oldSpec['terminationGracePeriodSeconds'];
  if (typeof oldGrace === 'number' && oldGrace < 0 && munged['terminationGracePeriodSeconds'] === 1) {
    munged['terminationGracePeriodSeconds'] = oldGrace;
  }
  if (!isDeepStrictEqual(munged, oldSpec)) {
    const diff: string[] = [];
    specDiff(oldSpec, munged, 'spec', diff);
    errs.push(forbidden('spec', `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}\n${diff.join('\n')}`));
  }
  return errs;
}
