/**
 * Defaults of the pod controllers in their stored forms: core/v1 ReplicationController, apps/v1
 * ReplicaSet, Deployment and DaemonSet, batch/v1 Job (Kubernetes' SetDefaults_* and declarative
 * defaults of those versions), plus a Job's generated selector, which needs the uid.
 */
import type { Job } from '../kinds.js';
import { copyMap, ensureObj, isEmptyMap, objAt, setDefault, type Obj } from './util.js';
import { defaultPodTemplate } from './pod.js';

function templateLabels(spec: Obj): Record<string, string> | undefined {
  const labels = objAt(objAt(spec, 'template'), 'metadata')?.['labels'];
  return isEmptyMap(labels) ? undefined : copyMap(labels);
}

/** Labels of the object from its template's, when it has none (RC, Job, and the legacy
 * extensions/v1beta1 forms). */
export function labelsFromTemplate(obj: Obj, spec: Obj): void {
  const labels = templateLabels(spec);
  const meta = objAt(obj, 'metadata');
  if (labels && meta && isEmptyMap(meta['labels'])) meta['labels'] = labels;
}

/** SetDefaults_ReplicationController: selector and labels from the template, one replica. */
export function defaultReplicationController(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  if (!spec) return;
  const labels = templateLabels(spec);
  if (labels && isEmptyMap(spec['selector'])) spec['selector'] = labels;
  labelsFromTemplate(obj, spec);
  setDefault(spec, 'replicas', 1);
  defaultPodTemplate(spec['template']);
}

/** apps/v1 SetDefaults_ReplicaSet. */
export function defaultReplicaSet(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  if (!spec) return;
  setDefault(spec, 'replicas', 1);
  defaultPodTemplate(spec['template']);
}

/** apps/v1 SetDefaults_Deployment: RollingUpdate 25%/25%, 10 old replica sets, 600 s deadline. */
export function defaultDeployment(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  if (!spec) return;
  setDefault(spec, 'replicas', 1);
  const strategy = ensureObj(spec, 'strategy');
  if (strategy) {
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy['type'] === 'RollingUpdate') {
      const ru = ensureObj(strategy, 'rollingUpdate');
      if (ru) {
        setDefault(ru, 'maxUnavailable', '25%');
        setDefault(ru, 'maxSurge', '25%');
      }
    }
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(spec['template']);
}

/** apps/v1 SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0. */
export function defaultDaemonSet(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  if (!spec) return;
  const strategy = ensureObj(spec, 'updateStrategy');
  if (strategy) {
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy['type'] === 'RollingUpdate') {
      const ru = ensureObj(strategy, 'rollingUpdate');
      if (ru) {
        setDefault(ru, 'maxUnavailable', 1);
        setDefault(ru, 'maxSurge', 0);
      }
    }
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec['template']);
}

/** batch/v1 SetDefaults_Job. `completions` is left unset when only `parallelism` is given (a work
 * queue); both become 1 when neither is. */
export function defaultJob(obj: Obj): void {
  const spec = ensureObj(obj, 'spec');
  if (!spec) return;
  const absent = (k: string): boolean => spec[k] === undefined || spec[k] === null;
  if (absent('completions') && absent('parallelism')) {
    spec['completions'] = 1;
    spec['parallelism'] = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', 6);
  labelsFromTemplate(obj, spec);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'podReplacementPolicy', spec['podFailurePolicy'] ? 'Failed' : 'TerminatingOrFailed');
  defaultPodTemplate(spec['template']);
}

/** The label keys Kubernetes puts on a job's pods when it generates the selector. */
export const jobLabels = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
} as const;

/**
 * A job's generated selector, as Kubernetes' job strategy makes it once the uid is known: unless
 * `spec.manualSelector` is true, the template gets `batch.kubernetes.io/controller-uid`,
 * `batch.kubernetes.io/job-name`, `controller-uid` and `job-name` labels (kept when the user set
 * them — validation then rejects a conflict), and the selector's matchLabels gets
 * `batch.kubernetes.io/controller-uid: <uid>`. Call after the registry assigned name and uid.
 */
export function prepareJobSelector(job: Job): void {
  const spec = job.spec as unknown as Obj | undefined;
  if (!spec || spec['manualSelector'] === true) return;
  const template = ensureObj(spec, 'template');
  const meta = template && ensureObj(template, 'metadata');
  const labels = meta && ensureObj(meta, 'labels');
  if (!labels) return;
  const uid = job.metadata.uid ?? '';
  const name = job.metadata.name ?? '';
  for (const k of [jobLabels.legacyJobName, jobLabels.jobName]) if (!(k in labels)) labels[k] = name;
  for (const k of [jobLabels.legacyControllerUid, jobLabels.controllerUid]) if (!(k in labels)) labels[k] = uid;
  const selector = ensureObj(spec, 'selector');
  const matchLabels = selector && ensureObj(selector, 'matchLabels');
  if (matchLabels && !(jobLabels.controllerUid in matchLabels)) matchLabels[jobLabels.controllerUid] = uid;
}
