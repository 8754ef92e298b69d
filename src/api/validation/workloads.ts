/**
 * Replication controllers (core/v1) and replica sets, deployments and daemon sets (apps/v1), as
 * Kubernetes validates them: a selector that is non-empty and matches the template's labels, a
 * template whose pods restart Always and have no activeDeadlineSeconds, non-negative counts, and
 * in apps/v1 a selector that never changes.
 */
import type { FieldError } from '../errors.js';
import { fromLabelSelector, mapMatches } from '../labels.js';
import type { LabelSelector } from '../types.js';
import { isRecord } from '../types.js';
import { child, forbidden, invalid, nonNegative, notSupported, required } from './field.js';
import { invalidSelector, isEmptySelector, validateLabelSelector } from './meta.js';
import { validatePodTemplateSpec } from './pod.js';
import { isDeepStrictEqual } from 'node:util';

type Obj = Record<string, unknown>;

function templateLabels(template: unknown): Record<string, string> | undefined {
  const meta = isRecord(template) ? template['metadata'] : undefined;
  const labels = isRecord(meta) ? meta['labels'] : undefined;
  return isRecord(labels) ? (labels as Record<string, string>) : undefined;
}

function templateSpec(template: unknown): Obj {
  const spec = isRecord(template) ? template['spec'] : undefined;
  return isRecord(spec) ? spec : {};
}

export function selectorMismatch(path: string, labels: Record<string, string> | undefined): FieldError {
  return invalid(child(path, 'metadata', 'labels'), labels ?? undefined, '`selector` does not match template `labels`');
}

/** Does a structured selector match the template's labels? Undefined when it cannot be read. */
function selectorMatches(sel: unknown, labels: Record<string, string> | undefined): boolean | undefined {
  try {
    return fromLabelSelector(isRecord(sel) ? (sel as LabelSelector) : undefined).matches(labels ?? {});
  } catch {
    return undefined;
  }
}

/** The template rules every always-restarting controller shares. */
function restartAlways(template: unknown, path: string, owner: string): FieldError[] {
  const spec = templateSpec(template);
  const errs: FieldError[] = [];
  if (spec['restartPolicy'] !== 'Always') errs.push(notSupported(child(path, 'spec', 'restartPolicy'), spec['restartPolicy'] ?? '', ['Always']));
  if (spec['activeDeadlineSeconds'] !== undefined && spec['activeDeadlineSeconds'] !== null) {
    errs.push(forbidden(child(path, 'spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${owner} is not Supported`));
  }
  return errs;
}

/** Kubernetes' ValidateReplicationControllerSpec. */
export function validateReplicationController(obj: Obj): FieldError[] {
  const spec: Obj = isRecord(obj['spec']) ? obj['spec'] : {};
  const errs: FieldError[] = [];
  errs.push(...nonNegative('spec.minReadySeconds', spec['minReadySeconds']));
  const selector = isRecord(spec['selector']) ? (spec['selector'] as Record<string, string>) : {};
  if (Object.keys(selector).length === 0) errs.push(required('spec.selector'));
  errs.push(...nonNegative('spec.replicas', spec['replicas']));
  const template = spec['template'];
  if (!isRecord(template)) return [...errs, required('spec.template')];
  const labels = templateLabels(template);
  if (Object.keys(selector).length > 0 && !mapMatches(selector, labels)) errs.push(selectorMismatch('spec.template', labels));
  errs.push(...validatePodTemplateSpec(template, 'spec.template'));
  errs.push(...restartAlways(template, 'spec.template', 'ReplicationController'));
  return errs;
}

/** Selector presence, form and emptiness, then the template against it (RS and Deployment). */
function validateSelectorAndTemplate(spec: Obj, what: string): FieldError[] {
  const errs: FieldError[] = [];
  const sel = spec['selector'];
  if (sel === undefined || sel === null) errs.push(required('spec.selector'));
  else {
    errs.push(...validateLabelSelector(sel, 'spec.selector'));
    if (isRecord(sel) && isEmptySelector(sel)) errs.push(invalidSelector('spec.selector', sel, `empty selector is invalid for ${what}`));
  }
  const template = spec['template'];
  const labels = templateLabels(template);
  const matches = selectorMatches(sel, labels);
  if (matches === undefined) errs.push(invalidSelector('spec.selector', sel, 'invalid label selector'));
  else {
    const empty = isRecord(sel) && isEmptySelector(sel);
    if (!empty && !matches) errs.push(selectorMismatch('spec.template', labels));
    errs.push(...validatePodTemplateSpec(template, 'spec.template'));
    errs.push(...restartAlways(template, 'spec.template', 'ReplicaSet'));
  }
  return errs;
}

/** apps/v1 ValidateReplicaSetSpec (Kubernetes really says "invalid for deployment" here). */
export function validateReplicaSet(obj: Obj): FieldError[] {
  const spec: Obj = isRecord(obj['spec']) ? obj['spec'] : {};
  return [
    ...nonNegative('spec.replicas', spec['replicas']),
    ...nonNegative('spec.minReadySeconds', spec['minReadySeconds']),
    ...validateSelectorAndTemplate(spec, 'deployment'),
  ];
}

const percentRe = /^[0-9]+%$/;

/** An int or a percentage, not negative; `atMost100` also refuses percentages above 100 (a
 * deployment's maxUnavailable, a daemon set's both — a deployment may surge by 200%). */
export function intOrPercent(v: unknown, path: string, atMost100 = true): { errors: FieldError[]; value: number } {
  if (v === undefined || v === null) return { errors: [], value: 0 };
  if (typeof v === 'string') {
    if (!percentRe.test(v)) {
      return { errors: [invalid(path, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")], value: 0 };
    }
    const value = Number(v.slice(0, -1));
    return { errors: atMost100 && value > 100 ? [invalid(path, v, 'must not be greater than 100%')] : [], value };
  }
  if (typeof v === 'number') return { errors: nonNegative(path, v), value: v };
  return { errors: [invalid(path, v, "must be an integer or percentage (e.g '5%')")], value: 0 };
}

/** apps/v1 ValidateDeploymentSpec. */
export function validateDeployment(obj: Obj): FieldError[] {
  const spec: Obj = isRecord(obj['spec']) ? obj['spec'] : {};
  const errs = [...nonNegative('spec.replicas', spec['replicas']), ...validateSelectorAndTemplate(spec, 'deployment')];
  const strategy: Obj = isRecord(spec['strategy']) ? spec['strategy'] : {};
  const type = strategy['type'];
  if (type === 'Recreate') {
    if (strategy['rollingUpdate'] !== undefined && strategy['rollingUpdate'] !== null) {
      errs.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
    }
  } else if (type === 'RollingUpdate') {
    const ru = strategy['rollingUpdate'];
    if (!isRecord(ru)) errs.push(required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
    else {
      const mu = intOrPercent(ru['maxUnavailable'], 'spec.strategy.rollingUpdate.maxUnavailable');
      const ms = intOrPercent(ru['maxSurge'], 'spec.strategy.rollingUpdate.maxSurge', false);
      errs.push(...mu.errors, ...ms.errors);
      if (mu.value === 0 && ms.value === 0) errs.push(invalid('spec.strategy.rollingUpdate.maxUnavailable', ru['maxUnavailable'] ?? 0, 'may not be 0 when `maxSurge` is 0'));
    }
  } else {
    errs.push(notSupported('spec.strategy.type', type ?? '', ['Recreate', 'RollingUpdate']));
  }
  errs.push(...nonNegative('spec.minReadySeconds', spec['minReadySeconds']));
  errs.push(...nonNegative('spec.revisionHistoryLimit', spec['revisionHistoryLimit']));
  const pds = spec['progressDeadlineSeconds'];
  if (pds !== undefined && pds !== null) {
    errs.push(...nonNegative('spec.progressDeadlineSeconds', pds));
    if (typeof pds === 'number' && pds <= (typeof spec['minReadySeconds'] === 'number' ? spec['minReadySeconds'] : 0)) {
      errs.push(invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

/** apps/v1 ValidateDaemonSetSpec. */
export function validateDaemonSet(obj: Obj): FieldError[] {
  const spec: Obj = isRecord(obj['spec']) ? obj['spec'] : {};
  const errs: FieldError[] = [];
  const sel = spec['selector'];
  if (sel === undefined || sel === null) errs.push(required('spec.selector'));
  else errs.push(...validateLabelSelector(sel, 'spec.selector'));
  const template = spec['template'];
  const labels = templateLabels(template);
  if (selectorMatches(sel, labels) === false) errs.push(selectorMismatch('spec.template', labels));
  if (isRecord(sel) && isEmptySelector(sel)) errs.push(invalidSelector('spec.selector', sel, 'empty selector is invalid for daemonset'));
  errs.push(...validatePodTemplateSpec(template, 'spec.template'));
  errs.push(...restartAlways(template, 'spec.template', 'DaemonSet'));
  errs.push(...nonNegative('spec.minReadySeconds', spec['minReadySeconds']));
  const strategy: Obj = isRecord(spec['updateStrategy']) ? spec['updateStrategy'] : {};
  const type = strategy['type'];
  if (type === 'RollingUpdate') {
    const ru = strategy['rollingUpdate'];
    if (!isRecord(ru)) errs.push(required('spec.updateStrategy.rollingUpdate'));
    else {
      const path = 'spec.updateStrategy.rollingUpdate';
      const mu = intOrPercent(ru['maxUnavailable'], `${path}.maxUnavailable`);
      const ms = intOrPercent(ru['maxSurge'], `${path}.maxSurge`);
      errs.push(...mu.errors, ...ms.errors);
      if (mu.value !== 0 && ms.value !== 0) errs.push(invalid(`${path}.maxSurge`, ru['maxSurge'], 'may not be set when maxUnavailable is non-zero'));
      if (mu.value === 0 && ms.value === 0) errs.push(required(`${path}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
    }
  } else if (type !== 'OnDelete') {
    errs.push(notSupported('spec.updateStrategy.type', type ?? '', ['OnDelete', 'RollingUpdate']));
  }
  errs.push(...nonNegative('spec.revisionHistoryLimit', spec['revisionHistoryLimit']));
  return errs;
}

/** apps/v1 updates: the selector may not change. */
export function validateSelectorImmutable(obj: Obj, old: Obj): FieldError[] {
  const sel = isRecord(obj['spec']) ? obj['spec']['selector'] : undefined;
  const oldSel = isRecord(old['spec']) ? old['spec']['selector'] : undefined;
  return isDeepStrictEqual(sel ?? null, oldSel ?? null) ? [] : [invalidSelector('spec.selector', sel, 'field is immutable')];
}
