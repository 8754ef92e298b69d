/**
 * `extensions/v1beta1` ↔ the stored forms (`batch/v1` Job, `apps/v1` DaemonSet, ReplicaSet,
 * Deployment).
 *
 * `toStorage` applies what the legacy version defaulted differently, so that the stored object
 * behaves as the seeds' Kubernetes did; the stored version's own defaults are applied afterwards by
 * the registry. `fromStorage` renames what the legacy version names differently and leaves out
 * what it does not have. Neither mutates its input.
 *
 * | kind | toStorage (extensions → stored) | fromStorage (stored → extensions) |
 * | --- | --- | --- |
 * | all | `spec.selector` as a plain label map → `{matchLabels}`; absent selector → the template's labels (Job: see below); object labels from the template's when it has none | selector as stored |
 * | Job | a given selector → `manualSelector: true`; none → template labels as selector, `manualSelector: true`; `autoSelector: true` → no selector copied, `manualSelector: false` (the generated `controller-uid` selector); `autoSelector` dropped; `parallelism` defaults to `completions` (the seed's `completions: 3` job runs 3 pods at once: "Parallelism: 3") | `autoSelector = !manualSelector` when set; batch/v1-only fields (`podReplacementPolicy`, `podFailurePolicy`, …) left out |
 * | DaemonSet | `updateStrategy.type` defaults to `OnDelete`; RollingUpdate's `maxUnavailable` to 1; `templateGeneration` dropped | as stored |
 * | Deployment | strategy RollingUpdate with maxUnavailable 1 / maxSurge 1; `revisionHistoryLimit` and `progressDeadlineSeconds` default to 2147483647 (keep everything, no deadline); `rollbackTo` dropped | as stored |
 * | ReplicaSet | selector and labels only | as stored |
 */
import type { KubeObject } from '../types.js';
import { isRecord } from '../types.js';
import { normalizeSelector, selectorFromTemplate } from './selector.js';

type Obj = Record<string, unknown>;

export const LEGACY_API_VERSION = 'extensions/v1beta1';
const MAX_INT32 = 2147483647;

function clone(obj: KubeObject): KubeObject {
  return structuredClone(obj);
}

function specOf(obj: KubeObject): Obj | undefined {
  return isRecord(obj.spec) ? obj.spec : undefined;
}

const absent = (v: unknown): boolean => v === undefined || v === null;

/** Object labels from the template's when the object has none (the legacy defaulting). */
function labelsFromTemplate(obj: KubeObject, spec: Obj): void {
  const sel = selectorFromTemplate(spec);
  const labels = obj.metadata.labels;
  if (sel?.matchLabels && (!labels || Object.keys(labels).length === 0)) obj.metadata.labels = { ...sel.matchLabels };
}

/** Selector normalisation and the template-labels defaults all four kinds share. */
function commonToStorage(obj: KubeObject, spec: Obj, copySelector: boolean): void {
  if (!absent(spec['selector'])) spec['selector'] = normalizeSelector(spec['selector']);
  else if (copySelector) {
    const sel = selectorFromTemplate(spec);
    if (sel) spec['selector'] = sel;
  }
  labelsFromTemplate(obj, spec);
}

function stored(obj: KubeObject, apiVersion: string): KubeObject {
  obj.apiVersion = apiVersion;
  return obj;
}

function legacy(obj: KubeObject): KubeObject {
  obj.apiVersion = LEGACY_API_VERSION;
  return obj;
}

export function jobToStorage(input: KubeObject): KubeObject {
  const obj = clone(input);
  const spec = specOf(obj);
  if (spec) {
    const auto = spec['autoSelector'];
    delete spec['autoSelector'];
    const hadSelector = !absent(spec['selector']);
    commonToStorage(obj, spec, auto !== true);
    if (absent(spec['manualSelector'])) {
      if (auto === true) spec['manualSelector'] = false;
      else if (hadSelector || !absent(spec['selector'])) spec['manualSelector'] = true;
    }
    if (absent(spec['parallelism']) && typeof spec['completions'] === 'number') spec['parallelism'] = spec['completions'];
  }
  return stored(obj, 'batch/v1');
}

/** JobSpec fields extensions/v1beta1 has (plus `manualSelector`, which skiff also accepts there). */
const legacyJobSpecFields = new Set([
  'parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'selector', 'autoSelector',
  'manualSelector', 'template', 'ttlSecondsAfterFinished', 'completionMode', 'suspend',
]);

export function jobFromStorage(input: KubeObject): KubeObject {
  const obj = clone(input);
  const spec = specOf(obj);
  if (spec) {
    for (const k of Object.keys(spec)) if (!legacyJobSpecFields.has(k)) delete spec[k];
    if (typeof spec['manualSelector'] === 'boolean') spec['autoSelector'] = !spec['manualSelector'];
  }
  return legacy(obj);
}

export function daemonSetToStorage(input: KubeObject): KubeObject {
  const obj = clone(input);
  const spec = specOf(obj);
  if (spec) {
    commonToStorage(obj, spec, true);
    delete spec['templateGeneration'];
    if (absent(spec['updateStrategy'])) spec['updateStrategy'] = {};
    const strategy = spec['updateStrategy'];
    if (isRecord(strategy)) {
      if (absent(strategy['type']) || strategy['type'] === '') strategy['type'] = 'OnDelete';
      if (strategy['type'] === 'RollingUpdate') {
        if (absent(strategy['rollingUpdate'])) strategy['rollingUpdate'] = {};
        const ru = strategy['rollingUpdate'];
        if (isRecord(ru) && absent(ru['maxUnavailable'])) ru['maxUnavailable'] = 1;
      }
    }
  }
  return stored(obj, 'apps/v1');
}

export function replicaSetToStorage(input: KubeObject): KubeObject {
  const obj = clone(input);
  const spec = specOf(obj);
  if (spec) commonToStorage(obj, spec, true);
  return stored(obj, 'apps/v1');
}

export function deploymentToStorage(input: KubeObject): KubeObject {
  const obj = clone(input);
  const spec = specOf(obj);
  if (spec) {
    commonToStorage(obj, spec, true);
    delete spec['rollbackTo'];
    if (absent(spec['strategy'])) spec['strategy'] = {};
    const strategy = spec['strategy'];
    if (isRecord(strategy)) {
      if (absent(strategy['type']) || strategy['type'] === '') strategy['type'] = 'RollingUpdate';
      if (strategy['type'] === 'RollingUpdate' || !absent(strategy['rollingUpdate'])) {
        if (absent(strategy['rollingUpdate'])) strategy['rollingUpdate'] = {};
        const ru = strategy['rollingUpdate'];
        if (isRecord(ru)) {
          if (absent(ru['maxUnavailable'])) ru['maxUnavailable'] = 1;
          if (absent(ru['maxSurge'])) ru['maxSurge'] = 1;
        }
      }
    }
    if (absent(spec['revisionHistoryLimit'])) spec['revisionHistoryLimit'] = MAX_INT32;
    if (absent(spec['progressDeadlineSeconds'])) spec['progressDeadlineSeconds'] = MAX_INT32;
  }
  return stored(obj, 'apps/v1');
}

/** DaemonSet, ReplicaSet and Deployment read back as they are stored, under the legacy version. */
export function appsFromStorage(input: KubeObject): KubeObject {
  return legacy(clone(input));
}
