/**
 * batch/v1 Jobs, as Kubernetes' ValidateJob / ValidateJobSpecUpdate check them: pods that restart
 * OnFailure or Never, a selector that matches the template (the generated one, unless
 * `manualSelector`, carrying the job's uid and name), non-negative counts, and a selector,
 * template, completion mode and (for non-indexed jobs) completions that never change.
 */
import { isDeepStrictEqual } from 'node:util';
import { jobLabels } from '../defaults/workloads.js';
import type { FieldError } from '../errors.js';
import { fromLabelSelector } from '../labels.js';
import type { LabelSelector } from '../types.js';
import { isRecord } from '../types.js';
import { child, forbidden, immutable, invalid, key, nonNegative, notSupported, required } from './field.js';
import { invalidSelector, validateLabelSelector } from './meta.js';
import { isDNS1123Label } from './names.js';
import { validatePodTemplateSpec } from './pod.js';
import { selectorMismatch } from './workloads.js';

type Obj = Record<string, unknown>;

function templateLabels(spec: Obj): Record<string, string> | undefined {
  const t = spec['template'];
  const meta = isRecord(t) ? t['metadata'] : undefined;
  const labels = isRecord(meta) ? meta['labels'] : undefined;
  return isRecord(labels) ? (labels as Record<string, string>) : undefined;
}

function hasLabel(labels: Record<string, string> | undefined, k: string, want: string): FieldError[] {
  const path = key('spec.template.metadata.labels', k);
  if (!labels || !(k in labels)) return [required(path, want)];
  return labels[k] === want ? [] : [invalid(path, labels, `must be '${want}'`)];
}

/** Kubernetes' validateGeneratedSelector: with a generated selector, the template carries the
 * generated labels and the selector selects exactly them. `batchLabels` is false for jobs created
 * before the `batch.kubernetes.io/` labels existed. */
function validateGeneratedSelector(obj: Obj, spec: Obj, batchLabels: boolean): FieldError[] {
  if (spec['manualSelector'] === true || spec['selector'] === undefined || spec['selector'] === null) return [];
  const meta: Obj = isRecord(obj['metadata']) ? obj['metadata'] : {};
  const uid = typeof meta['uid'] === 'string' ? meta['uid'] : '';
  const name = typeof meta['name'] === 'string' ? meta['name'] : '';
  const errs: FieldError[] = [];
  if (!uid) errs.push(required('metadata.uid'));
  const labels = templateLabels(spec);
  const expected: Record<string, string> = { [jobLabels.legacyControllerUid]: uid, [jobLabels.legacyJobName]: name };
  errs.push(...hasLabel(labels, jobLabels.legacyControllerUid, uid), ...hasLabel(labels, jobLabels.legacyJobName, name));
  if (batchLabels) {
    errs.push(...hasLabel(labels, jobLabels.controllerUid, uid), ...hasLabel(labels, jobLabels.jobName, name));
    expected[jobLabels.controllerUid] = uid;
    expected[jobLabels.jobName] = name;
  }
  try {
    if (!fromLabelSelector(spec['selector'] as LabelSelector).matches(expected)) {
      errs.push(invalidSelector('spec.selector', spec['selector'], '`selector` not auto-generated'));
    }
  } catch {
    // An unreadable selector is reported by validateLabelSelector.
  }
  return errs;
}

/**
 * The restart policy of a job's pods: OnFailure or Never. `Always` (also what an unset policy
 * defaults to) is reported as `Unsupported value: "Always": supported values: "OnFailure", "Never"`,
 * which says what is wrong more plainly than recent Kubernetes' `Required value: valid values: …`.
 */
function validateJobRestartPolicy(spec: Obj): FieldError[] {
  const t = spec['template'];
  const ps = isRecord(t) && isRecord(t['spec']) ? t['spec'] : {};
  const rp = ps['restartPolicy'];
  const path = 'spec.template.spec.restartPolicy';
  if (rp === 'OnFailure' || rp === 'Never') {
    if (ps && spec['podFailurePolicy'] && rp !== 'Never') return [invalid(path, rp, 'only "Never" is supported when podFailurePolicy is specified')];
    return [];
  }
  if (rp === undefined || rp === null || rp === '') return [required(path, 'valid values: "OnFailure", "Never"')];
  return [notSupported(path, rp, ['OnFailure', 'Never'])];
}

/** Job features the job controller does not implement: refused, never accepted and ignored. */
const unsupportedJobFields = ['podFailurePolicy', 'backoffLimitPerIndex', 'maxFailedIndexes', 'successPolicy'];

function refuseUnsupported(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of unsupportedJobFields) {
    if (spec[f] !== undefined && spec[f] !== null) errs.push(forbidden(child('spec', f), 'not supported by skiff'));
  }
  return errs;
}

export function validateJobSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = refuseUnsupported(spec);
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) {
    errs.push(...nonNegative(child('spec', f), spec[f]));
  }
  const mode = spec['completionMode'];
  if (mode !== undefined && mode !== null) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported('spec.completionMode', mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed' && (spec['completions'] === undefined || spec['completions'] === null)) {
      errs.push(required('spec.completions', 'when completion mode is Indexed'));
    }
  }
  const prp = spec['podReplacementPolicy'];
  if (prp !== undefined && prp !== null) {
    const allowed = spec['podFailurePolicy'] ? ['Failed'] : ['Failed', 'TerminatingOrFailed'];
    if (!allowed.includes(prp as string)) errs.push(notSupported('spec.podReplacementPolicy', prp, allowed));
  }
  errs.push(...validatePodTemplateSpec(spec['template'], 'spec.template'));
  errs.push(...validateJobRestartPolicy(spec));
  const sel = spec['selector'];
  if (sel === undefined || sel === null) errs.push(required('spec.selector'));
  else errs.push(...validateLabelSelector(sel, 'spec.selector'));
  try {
    const labels = templateLabels(spec);
    if (!fromLabelSelector(isRecord(sel) ? (sel as LabelSelector) : undefined).matches(labels ?? {})) {
      errs.push(selectorMismatch('spec.template', labels));
    }
  } catch {
    // reported above
  }
  return errs;
}

/** A new job (stored form, after defaulting and the generated selector). */
export function validateJob(obj: Obj, batchLabels = true): FieldError[] {
  const spec: Obj = isRecord(obj['spec']) ? obj['spec'] : {};
  const errs = [...validateGeneratedSelector(obj, spec, batchLabels), ...validateJobSpec(spec)];
  const meta: Obj = isRecord(obj['metadata']) ? obj['metadata'] : {};
  const completions = spec['completions'];
  if (spec['completionMode'] === 'Indexed' && typeof completions === 'number' && completions > 0 && typeof meta['name'] === 'string') {
    const host = `${meta['name']}-${completions - 1}`;
    if (isDNS1123Label(host).length) {
      errs.push(invalid('metadata.name', meta['name'], `will not able to create pod with invalid DNS label: ${host}`));
    }
  }
  return errs;
}

/** Template changes a suspended job that never started may make (Kubernetes' mutable scheduling
 * directives): labels, annotations, nodeSelector, tolerations, scheduling gates, affinity. */
function mutableTemplateParts(template: unknown): unknown {
  if (!isRecord(template)) return template;
  const t = structuredClone(template);
  if (isRecord(t['metadata'])) {
    delete t['metadata']['labels'];
    delete t['metadata']['annotations'];
  }
  if (isRecord(t['spec'])) for (const f of ['nodeSelector', 'tolerations', 'schedulingGates', 'affinity']) delete t['spec'][f];
  return t;
}

/** An update of a job: the new object is valid, and what Kubernetes fixes at creation is kept. */
export function validateJobUpdate(obj: Obj, old: Obj): FieldError[] {
  const spec: Obj = isRecord(obj['spec']) ? obj['spec'] : {};
  const oldSpec: Obj = isRecord(old['spec']) ? old['spec'] : {};
  const oldLabels = templateLabels(oldSpec);
  const errs = validateJob(obj, oldLabels !== undefined && jobLabels.controllerUid in oldLabels);
  const indexed = spec['completionMode'] === 'Indexed' && spec['completions'] === spec['parallelism'] &&
    oldSpec['completions'] === oldSpec['parallelism'];
  if (!indexed && !isDeepStrictEqual(spec['completions'], oldSpec['completions'])) errs.push(immutable('spec.completions', spec['completions'] ?? null));
  if (!isDeepStrictEqual(spec['selector'] ?? null, oldSpec['selector'] ?? null)) {
    errs.push(invalidSelector('spec.selector', spec['selector'], 'field is immutable'));
  }
  const oldStatus = isRecord(old['status']) ? old['status'] : {};
  const suspendedNeverStarted = oldSpec['suspend'] === true && !oldStatus['startTime'];
  const same = suspendedNeverStarted
    ? isDeepStrictEqual(mutableTemplateParts(spec['template']), mutableTemplateParts(oldSpec['template']))
    : isDeepStrictEqual(spec['template'], oldSpec['template']);
  if (!same) errs.push(immutable('spec.template', spec['template'] ?? null));
  for (const f of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) {
    if (!isDeepStrictEqual(spec[f] ?? null, oldSpec[f] ?? null)) errs.push(immutable(child('spec', f), spec[f] ?? null));
  }
  return errs;
}
