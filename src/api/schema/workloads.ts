/** Controllers of pods: replication controllers, replica sets, deployments, daemon sets, jobs —
 * in `v1`, `apps/v1`, `batch/v1` and the legacy `extensions/v1beta1` shapes the seeds use. */
import {
  bool, defs, int, int64, intOrString, keyedList, kindObject, list, listOf, obj, ref, retainKeysRef, str, strMap, time, type Definitions, type Schema,
} from './dsl.js';

const atomic = { listType: 'atomic' } as const;
const template = ref('core.PodTemplateSpec', 'The pods to create. Their labels must match the selector.');
const selector = ref('meta.LabelSelector', 'Which pods this controller owns, by label; must match the template\'s labels. Cannot be changed once set.');
const conditions = (of: string): Schema => keyedList(ref(`${of}Condition`), 'type', 'The latest observations of the state.');
const condition = (what: string): Schema => obj({
  type: str('Type of the condition.'),
  status: str('`True`, `False` or `Unknown`.'),
  lastTransitionTime: time('When the status last changed.'),
  reason: str('Why, in one word.'),
  message: str('Details.'),
}, `A condition of a ${what}.`, ['type', 'status']);
const rcCounts = {
  replicas: int('The number of pods observed.'),
  fullyLabeledReplicas: int('Pods whose labels match the template\'s.'),
  readyReplicas: int('Pods that are ready.'),
  availableReplicas: int('Pods ready for at least minReadySeconds.'),
  observedGeneration: int64('The generation this status describes.'),
};
const rollingUpdate = obj({
  maxUnavailable: intOrString('How many pods (or what percentage) may be unavailable during the update.'),
  maxSurge: intOrString('How many pods (or what percentage) may exist above the desired count during the update.'),
}, 'Rolling update parameters.');

const daemonSetStatus = obj({
  currentNumberScheduled: int('Nodes running at least one daemon pod that should.'),
  numberMisscheduled: int('Nodes running a daemon pod that should not.'),
  desiredNumberScheduled: int('Nodes that should run the daemon pod.'),
  numberReady: int('Nodes whose daemon pod is ready.'),
  observedGeneration: int64('The generation this status describes.'),
  updatedNumberScheduled: int('Nodes running the current template.'),
  numberAvailable: int('Nodes whose daemon pod is available.'),
  numberUnavailable: int('Nodes whose daemon pod should be available but is not.'),
  collisionCount: int('Hash collisions seen when naming revisions.'),
  conditions: conditions('apps.DaemonSet'),
}, 'The observed state of a daemon set.', ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady']);

const jobSpecFields: Readonly<Record<string, Schema>> = {
  parallelism: int('How many pods may run at once. Default 1.'),
  completions: int('How many pods must succeed. Unset: any success completes the job (work-queue style).'),
  activeDeadlineSeconds: int64('Seconds the job may run before it is failed and its pods stopped.'),
  backoffLimit: int('Retries before the job is failed. Default 6.'),
  selector: ref('meta.LabelSelector', 'The pods of the job. Generated from a unique label unless manualSelector is set.'),
  template,
  ttlSecondsAfterFinished: int('Seconds after the job finishes before it is deleted; never when unset.'),
  completionMode: str('`NonIndexed` (default) or `Indexed`: each pod gets a completion index.'),
  suspend: bool('When true, no pods are created and running ones are stopped.'),
};

const jobStatus = obj({
  // Merged by type under strategic merge patch, atomic under server-side apply, as in Kubernetes.
  conditions: list(ref('batch.JobCondition'), 'The latest observations: Complete, Failed, Suspended, …', { mergeKey: 'type', strategy: 'merge', listType: 'atomic' }),
  startTime: time('When the job started.'),
  completionTime: time('When the job completed.'),
  active: int('Running pods.'),
  succeeded: int('Pods that succeeded.'),
  failed: int('Pods that failed.'),
  terminating: int('Pods that are terminating.'),
  completedIndexes: str('Completed indexes, for Indexed jobs, as ranges like `1,3-5`.'),
  failedIndexes: str('Failed indexes, with backoffLimitPerIndex.'),
  uncountedTerminatedPods: ref('batch.UncountedTerminatedPods', 'Finished pods not yet counted.'),
  ready: int('Pods that are ready.'),
}, 'The observed state of a job.');

export const workloadDefinitions: Definitions = {
  ...defs('core', {
    ReplicationController: kindObject('Keeps a given number of pod replicas running.', {
      spec: ref('core.ReplicationControllerSpec', 'The desired behaviour of the controller.'),
      status: ref('core.ReplicationControllerStatus', 'The most recently observed state. Read-only.'),
    }),
    ReplicationControllerList: listOf('core.ReplicationController', 'replication controllers'),
    ReplicationControllerSpec: obj({
      replicas: int('The number of pods wanted. Default 1.'),
      minReadySeconds: int('Seconds a new pod must be ready before it counts as available.'),
      selector: strMap('Pods with these labels are counted as replicas. Defaults to the template\'s labels.'),
      template: ref('core.PodTemplateSpec', 'The pods to create when there are too few.'),
    }, 'The desired state of a replication controller.'),
    ReplicationControllerStatus: obj({ ...rcCounts, conditions: conditions('core.ReplicationController') }, 'The observed state of a replication controller.', ['replicas']),
    ReplicationControllerCondition: condition('replication controller'),
  }),
  ...defs('apps', {
    ReplicaSet: kindObject('Keeps a given number of pod replicas running (the building block of deployments).', {
      spec: ref('apps.ReplicaSetSpec', 'The desired behaviour.'),
      status: ref('apps.ReplicaSetStatus', 'The most recently observed state. Read-only.'),
    }),
    ReplicaSetList: listOf('apps.ReplicaSet', 'replica sets'),
    ReplicaSetSpec: obj({
      replicas: int('The number of pods wanted. Default 1.'),
      minReadySeconds: int('Seconds a new pod must be ready before it counts as available.'),
      selector,
      template,
    }, 'The desired state of a replica set.', ['selector']),
    ReplicaSetStatus: obj({ ...rcCounts, terminatingReplicas: int('Pods being deleted.'), conditions: conditions('apps.ReplicaSet') }, 'The observed state of a replica set.', ['replicas']),
    ReplicaSetCondition: condition('replica set'),
    Deployment: kindObject('Declarative updates of pods through replica sets: rolling out and rolling back templates.', {
      spec: ref('apps.DeploymentSpec', 'The desired behaviour.'),
      status: ref('apps.DeploymentStatus', 'The most recently observed state. Read-only.'),
    }),
    DeploymentList: listOf('apps.Deployment', 'deployments'),
    DeploymentSpec: obj({
      replicas: int('The number of pods wanted. Default 1.'),
      selector,
      template,
      strategy: retainKeysRef('apps.DeploymentStrategy', 'How old pods are replaced by new ones.'),
      minReadySeconds: int('Seconds a new pod must be ready before it counts as available.'),
      revisionHistoryLimit: int('Old replica sets kept for rollback. Default 10.'),
      paused: bool('Pause the rollout.'),
      progressDeadlineSeconds: int('Seconds without progress before the rollout is reported as failed. Default 600.'),
    }, 'The desired state of a deployment.', ['selector', 'template']),
    DeploymentStrategy: obj({
      type: str('`RollingUpdate` (default) or `Recreate`.'),
      rollingUpdate: ref('apps.RollingUpdateDeployment', 'Rolling update parameters.'),
    }, 'How a deployment replaces pods.'),
    RollingUpdateDeployment: rollingUpdate,
    DeploymentStatus: obj({
      observedGeneration: int64('The generation this status describes.'),
      replicas: int('Pods of the deployment.'),
      updatedReplicas: int('Pods with the current template.'),
      readyReplicas: int('Pods that are ready.'),
      availableReplicas: int('Pods available for at least minReadySeconds.'),
      unavailableReplicas: int('Pods still needed for full availability.'),
      terminatingReplicas: int('Pods being deleted.'),
      conditions: conditions('apps.Deployment'),
      collisionCount: int('Hash collisions seen when naming replica sets.'),
    }, 'The observed state of a deployment.'),
    DeploymentCondition: obj({
      type: str('Type of the condition.'),
      status: str('`True`, `False` or `Unknown`.'),
      lastUpdateTime: time('When it was last updated.'),
      lastTransitionTime: time('When the status last changed.'),
      reason: str('Why, in one word.'),
      message: str('Details.'),
    }, 'A condition of a deployment.', ['type', 'status']),
    DaemonSet: kindObject('Runs one copy of a pod on every node (or every node a selector chooses).', {
      spec: ref('apps.DaemonSetSpec', 'The desired behaviour.'),
      status: ref('apps.DaemonSetStatus', 'The most recently observed state. Read-only.'),
    }),
    DaemonSetList: listOf('apps.DaemonSet', 'daemon sets'),
    DaemonSetSpec: obj({
      selector,
      template: ref('core.PodTemplateSpec', 'The pod to run on each node; its nodeSelector and affinity choose the nodes.'),
      updateStrategy: ref('apps.DaemonSetUpdateStrategy', 'How pods are replaced when the template changes.'),
      minReadySeconds: int('Seconds a new pod must be ready before it counts as available.'),
      revisionHistoryLimit: int('Old revisions kept for rollback. Default 10.'),
    }, 'The desired state of a daemon set.', ['selector', 'template']),
    DaemonSetUpdateStrategy: obj({
      type: str('`RollingUpdate` (default) or `OnDelete`.'),
      rollingUpdate: ref('apps.RollingUpdateDaemonSet', 'Rolling update parameters.'),
    }, 'How a daemon set replaces pods.'),
    RollingUpdateDaemonSet: rollingUpdate,
    DaemonSetStatus: daemonSetStatus,
    DaemonSetCondition: condition('daemon set'),
  }),
  ...defs('batch', {
    Job: kindObject('Runs pods until a number of them have completed successfully.', {
      spec: ref('batch.JobSpec', 'The desired behaviour.'),
      status: ref('batch.JobStatus', 'The most recently observed state. Read-only.'),
    }),
    JobList: listOf('batch.Job', 'jobs'),
    JobSpec: obj({
      ...jobSpecFields,
      manualSelector: bool('Use the given selector as is instead of generating one. Rarely wise.'),
      podFailurePolicy: ref('batch.PodFailurePolicy', 'Rules that decide, by exit code or pod condition, how a failed pod counts.'),
      successPolicy: ref('batch.SuccessPolicy', 'When an Indexed job counts as succeeded before all indexes complete.'),
      backoffLimitPerIndex: int('Retries per index, for Indexed jobs.'),
      maxFailedIndexes: int('Failed indexes before the whole job fails.'),
      podReplacementPolicy: str('`TerminatingOrFailed` or `Failed`: when a replacement pod is created.'),
      managedBy: str('The controller that manages the job; the built-in one when empty.'),
    }, 'The desired state of a job.', ['template']),
    JobStatus: jobStatus,
    JobCondition: obj({
      type: str('`Complete`, `Failed`, `Suspended`, `FailureTarget` or `SuccessCriteriaMet`.'),
      status: str('`True`, `False` or `Unknown`.'),
      lastProbeTime: time('When it was last checked.'),
      lastTransitionTime: time('When the status last changed.'),
      reason: str('Why, in one word.'),
      message: str('Details.'),
    }, 'A condition of a job.', ['type', 'status']),
    UncountedTerminatedPods: obj({
      succeeded: list(str(), 'UIDs of succeeded pods.', { listType: 'set' }),
      failed: list(str(), 'UIDs of failed pods.', { listType: 'set' }),
    }, 'Finished pods not yet counted in the status.'),
    PodFailurePolicy: obj({ rules: list(ref('batch.PodFailurePolicyRule'), 'Rules, checked in order.', atomic) }, 'How failed pods are handled.', ['rules']),
    PodFailurePolicyRule: obj({
      action: str('`FailJob`, `FailIndex`, `Ignore` or `Count`.'),
      onExitCodes: ref('batch.PodFailurePolicyOnExitCodesRequirement', 'Match by container exit codes.'),
      onPodConditions: list(ref('batch.PodFailurePolicyOnPodConditionsPattern'), 'Match by pod conditions.', atomic),
    }, 'A pod failure rule.', ['action']),
    PodFailurePolicyOnExitCodesRequirement: obj({
      containerName: str('Only this container.'),
      operator: str('`In` or `NotIn`.'),
      values: list(int(), 'Exit codes.', { listType: 'set' }),
    }, 'Exit codes that match.', ['operator', 'values']),
    PodFailurePolicyOnPodConditionsPattern: obj({ type: str('Pod condition type.'), status: str('Condition status.') }, 'A pod condition that matches.', ['type']),
    SuccessPolicy: obj({ rules: list(ref('batch.SuccessPolicyRule'), 'Rules; any one met succeeds the job.', atomic) }, 'When an Indexed job succeeds.', ['rules']),
    SuccessPolicyRule: obj({
      succeededIndexes: str('Indexes that must succeed, as ranges.'),
      succeededCount: int('How many of them must succeed.'),
    }, 'A success rule.'),
  }),
};
