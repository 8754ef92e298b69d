/** The legacy `extensions/v1beta1` shapes the seeds were written for. They differ from the modern
 * ones in a few fields (`autoSelector`, `templateGeneration`, `rollbackTo`) and, for daemon sets,
 * in accepting the selector as a plain label map (`selector: {app: x}`), as the seeds print it. */
import {
  bool, defs, int, int64, kindObject, list, listOf, obj, ref, retainKeysRef, str, strMap, type Definitions,
} from './dsl.js';

const template = ref('core.PodTemplateSpec', 'The pods to create. Their labels must match the selector.');

export const extensionsDefinitions: Definitions = defs('ext', {
  Job: kindObject('Runs pods until a number of them have completed successfully (legacy version; served as batch/v1 today).', {
    spec: ref('ext.JobSpec', 'The desired behaviour.'),
    status: ref('batch.JobStatus', 'The most recently observed state. Read-only.'),
  }),
  JobList: listOf('ext.Job', 'jobs'),
  JobSpec: obj({
    parallelism: int('How many pods may run at once. Default 1.'),
    completions: int('How many pods must succeed. Default 1.'),
    activeDeadlineSeconds: int64('Seconds the job may run before it is failed and its pods stopped.'),
    backoffLimit: int('Retries before the job is failed. Default 6.'),
    selector: ref('meta.LabelSelector', 'The pods of the job. Taken from the template\'s labels when unset.'),
    autoSelector: bool('Generate a unique selector instead of using the template\'s labels.'),
    manualSelector: bool('Use the given selector as is.'),
    template,
    ttlSecondsAfterFinished: int('Seconds after the job finishes before it is deleted.'),
    completionMode: str('`NonIndexed` (default) or `Indexed`.'),
    suspend: bool('When true, no pods are created.'),
  }, 'The desired state of a job.', ['template']),
  DaemonSet: kindObject('Runs one copy of a pod on every node (or every node a selector chooses). Legacy version; disabled unless enabled with --runtime-config.', {
    spec: ref('ext.DaemonSetSpec', 'The desired behaviour.'),
    status: ref('apps.DaemonSetStatus', 'The most recently observed state. Read-only.'),
  }),
  DaemonSetList: listOf('ext.DaemonSet', 'daemon sets'),
  DaemonSetSpec: obj({
    selector: ref('ext.LegacyLabelSelector', 'Which pods the daemon set owns: a label selector, or a plain label map. Defaults to the template\'s labels.'),
    template: ref('core.PodTemplateSpec', 'The pod to run on each node; its nodeSelector chooses the nodes.'),
    updateStrategy: ref('apps.DaemonSetUpdateStrategy', 'How pods are replaced when the template changes. Default `OnDelete` in this version.'),
    minReadySeconds: int('Seconds a new pod must be ready before it counts as available.'),
    templateGeneration: int64('Deprecated: a sequence number of the template.'),
    revisionHistoryLimit: int('Old revisions kept for rollback. Default 10.'),
  }, 'The desired state of a daemon set.', ['template']),
  LegacyLabelSelector: {
    t: 'object',
    description: 'A label selector (matchLabels, matchExpressions), or, as early manifests wrote it, a plain map of labels that must all match.',
    properties: {
      matchLabels: strMap('Labels that must all be present with these values.'),
      matchExpressions: list(ref('meta.LabelSelectorRequirement'), 'Requirements that must all hold.', { listType: 'atomic' }),
    },
    additional: str('A label value that must match (plain map form).'),
  },
  ReplicaSet: kindObject('Keeps a given number of pod replicas running (legacy version).', {
    spec: ref('ext.ReplicaSetSpec', 'The desired behaviour.'),
    status: ref('apps.ReplicaSetStatus', 'The most recently observed state. Read-only.'),
  }),
  ReplicaSetList: listOf('ext.ReplicaSet', 'replica sets'),
  ReplicaSetSpec: obj({
    replicas: int('The number of pods wanted. Default 1.'),
    minReadySeconds: int('Seconds a new pod must be ready before it counts as available.'),
    selector: ref('meta.LabelSelector', 'Which pods are counted. Defaults to the template\'s labels.'),
    template,
  }, 'The desired state of a replica set.'),
  Deployment: kindObject('Declarative updates of pods through replica sets (legacy version).', {
    spec: ref('ext.DeploymentSpec', 'The desired behaviour.'),
    status: ref('apps.DeploymentStatus', 'The most recently observed state. Read-only.'),
  }),
  DeploymentList: listOf('ext.Deployment', 'deployments'),
  DeploymentSpec: obj({
    replicas: int('The number of pods wanted. Default 1.'),
    selector: ref('meta.LabelSelector', 'Which pods belong to the deployment. Defaults to the template\'s labels.'),
    template,
    strategy: retainKeysRef('apps.DeploymentStrategy', 'How old pods are replaced by new ones.'),
    minReadySeconds: int('Seconds a new pod must be ready before it counts as available.'),
    revisionHistoryLimit: int('Old replica sets kept for rollback.'),
    paused: bool('Pause the rollout.'),
    rollbackTo: ref('ext.RollbackConfig', 'Deprecated: roll back to this revision.'),
    progressDeadlineSeconds: int('Seconds without progress before the rollout is reported as failed.'),
  }, 'The desired state of a deployment.', ['template']),
  RollbackConfig: obj({ revision: int64('The revision to roll back to; 0 means the last one.') }, 'A rollback request.'),
});
