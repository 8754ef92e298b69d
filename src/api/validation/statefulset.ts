/**
 * apps/v1 StatefulSets and ControllerRevisions as Kubernetes validates them
 * (ValidateStatefulSetSpec / ValidateStatefulSetUpdate, ValidateControllerRevision[Update]).
 * The pod template is validated with the claim templates as its volumes, which is what its pods
 * get (Kubernetes skips the template's volume checks for stateful sets altogether).
 */
import { isDeepStrictEqual } from 'node:util';
import type { FieldError } from '../errors.js';
import { isRecord } from '../types.js';
import { forbidden, immutable, invalid, nonNegative, notSupported, required } from './field.js';
import { invalidSelector, isEmptySelector, validateLabelSelector } from './meta.js';
import { isDNS1123Label } from './names.js';
import { validatePodTemplateSpec } from './pod.js';
import { validatePersistentVolumeClaimSpec } from './storage.js';
import { intOrPercent, restartAlways, selectorMatches, selectorMismatch, templateLabels } from './workloads.js';

type Obj = Record<string, unknown>;

function specOf(obj: Obj): Obj {
  return isRecord(obj['spec']) ? obj['spec'] : {};
}

function validateClaimTemplates(claims: readonly unknown[]): FieldError[] {
  return claims.flatMap((c, i) => {
    const path = `spec.volumeClaimTemplates[${i}]`;
    const t: Obj = isRecord(c) ? c : {};
    const meta: Obj = isRecord(t['metadata']) ? t['metadata'] : {};
    const errs: FieldError[] = [];
    if (typeof meta['name'] !== 'string' || meta['name'] === '') errs.push(required(`${path}.metadata.name`, 'name or generateName is required'));
    else for (const msg of isDNS1123Label(meta['name'])) errs.push(invalid(`${path}.metadata.name`, meta['name'], msg));
    errs.push(...validatePersistentVolumeClaimSpec(isRecord(t['spec']) ? t['spec'] : {}, `${path}.spec`));
    return errs;
  });
}

/** The template as its pods are made: each claim template a volume of the same name. */
function withClaimVolumes(template: unknown, claims: unknown): unknown {
  if (!isRecord(template) || !isRecord(template['spec']) || !Array.isArray(claims) || claims.length === 0) return template;
  const names = claims.flatMap((c) => (isRecord(c) && isRecord(c['metadata']) && typeof c['metadata']['name'] === 'string' ? [c['metadata']['name']] : []));
  const volumes = Array.isArray(template['spec']['volumes']) ? template['spec']['volumes'].filter((v) => !(isRecord(v) && names.includes(v['name'] as string))) : [];
  const added = names.map((name) => ({ name, persistentVolumeClaim: { claimName: name } }));
  return { ...template, spec: { ...template['spec'], volumes: [...volumes, ...added] } };
}

function validateUpdateStrategy(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const strategy: Obj = isRecord(spec['updateStrategy']) ? spec['updateStrategy'] : {};
  const ru = strategy['rollingUpdate'];
  const path = 'spec.updateStrategy';
  switch (strategy['type']) {
    case undefined:
    case null:
    case '':
      errs.push(required(path));
      break;
    case 'OnDelete':
      if (ru !== undefined && ru !== null) errs.push(invalid(`${path}.rollingUpdate`, ru, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (isRecord(ru)) {
        errs.push(...nonNegative(`${path}.rollingUpdate.partition`, ru['partition']));
        if (ru['maxUnavailable'] !== undefined && ru['maxUnavailable'] !== null) {
          const mu = intOrPercent(ru['maxUnavailable'], `${path}.rollingUpdate.maxUnavailable`);
          errs.push(...mu.errors);
          if (mu.errors.length === 0 && mu.value === 0) errs.push(invalid(`${path}.rollingUpdate.maxUnavailable`, ru['maxUnavailable'], 'cannot be 0'));
        }
      }
      break;
    default:
      errs.push(notSupported(`${path}.type`, strategy['type'], ['OnDelete', 'RollingUpdate']));
  }
  return errs;
}

/** apps/v1 ValidateStatefulSetSpec. */
export function validateStatefulSet(obj: Obj): FieldError[] {
  const spec = specOf(obj);
  const errs: FieldError[] = [];
  const policy = spec['podManagementPolicy'];
  if (policy === undefined || policy === null || policy === '') errs.push(required('spec.podManagementPolicy'));
  else if (policy !== 'OrderedReady' && policy !== 'Parallel') errs.push(invalid('spec.podManagementPolicy', policy, "must be 'OrderedReady' or 'Parallel'"));
  errs.push(...validateUpdateStrategy(spec));
  errs.push(...nonNegative('spec.replicas', spec['replicas']));
  if (isRecord(spec['ordinals'])) errs.push(...nonNegative('spec.ordinals.start', spec['ordinals']['start']));
  errs.push(...nonNegative('spec.minReadySeconds', spec['minReadySeconds']));
  errs.push(...nonNegative('spec.revisionHistoryLimit', spec['revisionHistoryLimit']));
  const serviceName = spec['serviceName'];
  if (typeof serviceName === 'string' && serviceName !== '') {
    // The pods' subdomain: a service name, so a DNS label.
    for (const msg of isDNS1123Label(serviceName)) errs.push(invalid('spec.serviceName', serviceName, msg));
  }
  const claims = spec['volumeClaimTemplates'];
  if (Array.isArray(claims)) errs.push(...validateClaimTemplates(claims));
  const retention = spec['persistentVolumeClaimRetentionPolicy'];
  if (isRecord(retention)) {
    for (const k of ['whenDeleted', 'whenScaled']) {
      const v = retention[k];
      if (v !== 'Retain' && v !== 'Delete') errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${k}`, v ?? '', ['Retain', 'Delete']));
    }
  }
  const sel = spec['selector'];
  if (sel === undefined || sel === null) errs.push(required('spec.selector'));
  else {
    errs.push(...validateLabelSelector(sel, 'spec.selector'));
    if (isRecord(sel) && isEmptySelector(sel)) errs.push(invalidSelector('spec.selector', sel, 'empty selector is invalid for statefulset'));
  }
  const template = spec['template'];
  const matches = selectorMatches(sel, templateLabels(template));
  if (matches === undefined) errs.push(invalidSelector('spec.selector', sel, ''));
  else {
    if (!matches && !(isRecord(sel) && isEmptySelector(sel))) errs.push(selectorMismatch('spec.template', templateLabels(template)));
    errs.push(...validatePodTemplateSpec(withClaimVolumes(template, spec['volumeClaimTemplates']), 'spec.template'));
  }
  errs.push(...restartAlways(template, 'spec.template', 'StatefulSet'));
  return errs;
}

/** The spec fields an update may change (Kubernetes' ValidateStatefulSetUpdate). */
const mutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export function validateStatefulSetUpdate(obj: Obj, old: Obj): FieldError[] {
  const errs = validateStatefulSet(obj);
  const strip = (s: Obj): Obj => Object.fromEntries(Object.entries(s).filter(([k]) => !mutable.includes(k)));
  if (!isDeepStrictEqual(strip(specOf(obj)), strip(specOf(old)))) {
    errs.push(forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
  }
  return errs;
}

/** ValidateControllerRevision: data is required, the revision is not negative. */
export function validateControllerRevision(obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (obj['data'] === undefined || obj['data'] === null) errs.push(required('data', 'data is mandatory'));
  errs.push(...nonNegative('revision', obj['revision']));
  return errs;
}

/** ValidateControllerRevisionUpdate: the data never changes. */
export function validateControllerRevisionUpdate(obj: Obj, old: Obj): FieldError[] {
  const errs = validateControllerRevision(obj);
  if (!isDeepStrictEqual(obj['data'] ?? null, old['data'] ?? null)) errs.push(immutable('data', obj['data']));
  return errs;
}

