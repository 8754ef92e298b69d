/** apps/v1, batch/v1, coordination.k8s.io/v1 and autoscaling/v1 messages (grammar in dsl.ts). */
import type { MessageTable } from './dsl.js';

export const workloadMessages: MessageTable = {
  RollingUpdateDeployment: 'maxUnavailable=1:IntOrString? maxSurge=2:IntOrString?',
  DeploymentStrategy: 'type=1 rollingUpdate=2:RollingUpdateDeployment',
  DeploymentSpec:
    'replicas=1:i32? selector=2:LabelSelector template=3:PodTemplateSpec strategy=4:DeploymentStrategy ' +
    'minReadySeconds=5:i32 revisionHistoryLimit=6:i32? paused=7:b progressDeadlineSeconds=9:i32?',
  DeploymentCondition: 'type=1 status=2 reason=4 message=5 lastUpdateTime=6:Time lastTransitionTime=7:Time',
  DeploymentStatus:
    'observedGeneration=1:i64 replicas=2:i32 updatedReplicas=3:i32 availableReplicas=4:i32 ' +
    'unavailableReplicas=5:i32 conditions=6:DeploymentCondition* readyReplicas=7:i32 collisionCount=8:i32? ' +
    'terminatingReplicas=9:i32?',
  Deployment: 'metadata=1:ObjectMeta spec=2:DeploymentSpec status=3:DeploymentStatus',
  RollingUpdateDaemonSet: 'maxUnavailable=1:IntOrString? maxSurge=2:IntOrString?',
  DaemonSetUpdateStrategy: 'type=1 rollingUpdate=2:RollingUpdateDaemonSet',
  DaemonSetSpec:
    'selector=1:LabelSelector template=2:PodTemplateSpec updateStrategy=3:DaemonSetUpdateStrategy ' +
    'minReadySeconds=4:i32 revisionHistoryLimit=6:i32?',
  DaemonSetCondition: 'type=1 status=2 lastTransitionTime=3:Time reason=4 message=5',
  DaemonSetStatus:
    'currentNumberScheduled=1:i32 numberMisscheduled=2:i32 desiredNumberScheduled=3:i32 numberReady=4:i32 ' +
    'observedGeneration=5:i64 updatedNumberScheduled=6:i32 numberAvailable=7:i32 numberUnavailable=8:i32 ' +
    'collisionCount=9:i32? conditions=10:DaemonSetCondition*',
  DaemonSet: 'metadata=1:ObjectMeta spec=2:DaemonSetSpec status=3:DaemonSetStatus',
  ReplicaSetSpec: 'replicas=1:i32? selector=2:LabelSelector template=3:PodTemplateSpec minReadySeconds=4:i32',
  ReplicaSetCondition: 'type=1 status=2 lastTransitionTime=3:Time reason=4 message=5',
  ReplicaSetStatus:
    'replicas=1:i32 fullyLabeledReplicas=2:i32 observedGeneration=3:i64 readyReplicas=4:i32 availableReplicas=5:i32 ' +
    'conditions=6:ReplicaSetCondition* terminatingReplicas=7:i32?',
  ReplicaSet: 'metadata=1:ObjectMeta spec=2:ReplicaSetSpec status=3:ReplicaSetStatus',
  PodFailurePolicyOnExitCodesRequirement: 'containerName=1? operator=2 values=3:i32*',
  PodFailurePolicyOnPodConditionsPattern: 'type=1 status=2',
  PodFailurePolicyRule:
    'action=1 onExitCodes=2:PodFailurePolicyOnExitCodesRequirement ' +
    'onPodConditions=3:PodFailurePolicyOnPodConditionsPattern*',
  PodFailurePolicy: 'rules=1:PodFailurePolicyRule*',
  SuccessPolicyRule: 'succeededIndexes=1? succeededCount=2:i32?',
  SuccessPolicy: 'rules=1:SuccessPolicyRule*',
  // Alpha (scheduling.k8s.io/v1alpha3 workload policies, not served by skiff): no field is accepted.
  JobSchedulingConfiguration: '',
  JobSpec:
    'parallelism=1:i32? completions=2:i32? activeDeadlineSeconds=3:i64? selector=4:LabelSelector ' +
    'manualSelector=5:b? template=6:PodTemplateSpec backoffLimit=7:i32? ttlSecondsAfterFinished=8:i32? ' +
    'completionMode=9? suspend=10:b? podFailurePolicy=11:PodFailurePolicy backoffLimitPerIndex=12:i32? ' +
    'maxFailedIndexes=13:i32? podReplacementPolicy=14? managedBy=15? successPolicy=16:SuccessPolicy ' +
    'scheduling=17:JobSchedulingConfiguration',
  JobCondition: 'type=1 status=2 lastProbeTime=3:Time lastTransitionTime=4:Time reason=5 message=6',
  UncountedTerminatedPods: 'succeeded=1* failed=2*',
  JobStatus:
    'conditions=1:JobCondition* startTime=2:Time completionTime=3:Time active=4:i32 succeeded=5:i32 failed=6:i32 ' +
    'completedIndexes=7 uncountedTerminatedPods=8:UncountedTerminatedPods ready=9:i32? failedIndexes=10? ' +
    'terminating=11:i32?',
  Job: 'metadata=1:ObjectMeta spec=2:JobSpec status=3:JobStatus',
  JobTemplateSpec: 'metadata=1:ObjectMeta spec=2:JobSpec',
  CronJobSpec:
    'schedule=1 startingDeadlineSeconds=2:i64? concurrencyPolicy=3 suspend=4:b? jobTemplate=5:JobTemplateSpec ' +
    'successfulJobsHistoryLimit=6:i32? failedJobsHistoryLimit=7:i32? timeZone=8?',
  CronJobStatus: 'active=1:ObjectReference* lastScheduleTime=4:Time lastSuccessfulTime=5:Time',
  CronJob: 'metadata=1:ObjectMeta spec=2:CronJobSpec status=3:CronJobStatus',
  LeaseSpec:
    'holderIdentity=1? leaseDurationSeconds=2:i32? acquireTime=3:MicroTime renewTime=4:MicroTime ' +
    'leaseTransitions=5:i32? strategy=6? preferredHolder=7?',
  Lease: 'metadata=1:ObjectMeta spec=2:LeaseSpec',
  PodDisruptionBudgetSpec: 'minAvailable=1:IntOrString? selector=2:LabelSelector maxUnavailable=3:IntOrString? unhealthyPodEvictionPolicy=4?',
  PodDisruptionBudgetStatus:
    'observedGeneration=1:i64 disruptedPods=2:{Time} disruptionsAllowed=3:i32 currentHealthy=4:i32 desiredHealthy=5:i32 ' +
    'expectedPods=6:i32 conditions=7:Condition*',
  PodDisruptionBudget: 'metadata=1:ObjectMeta spec=2:PodDisruptionBudgetSpec status=3:PodDisruptionBudgetStatus',
  Eviction: 'metadata=1:ObjectMeta deleteOptions=2:DeleteOptions',
  ScaleSpec: 'replicas=1:i32',
  ScaleStatus: 'replicas=1:i32 selector=2',
  Scale: 'metadata=1:ObjectMeta spec=2:ScaleSpec status=3:ScaleStatus',
  // autoscaling/v1 (what `kubectl autoscale` sends); the root is named by its kind.
  CrossVersionObjectReference: 'kind=1 name=2 apiVersion=3',
  HorizontalPodAutoscalerSpecV1: 'scaleTargetRef=1:CrossVersionObjectReference minReplicas=2:i32? maxReplicas=3:i32 targetCPUUtilizationPercentage=4:i32?',
  HorizontalPodAutoscalerStatusV1: 'observedGeneration=1:i64? lastScaleTime=2:Time currentReplicas=3:i32 desiredReplicas=4:i32 currentCPUUtilizationPercentage=5:i32?',
  HorizontalPodAutoscaler: 'metadata=1:ObjectMeta spec=2:HorizontalPodAutoscalerSpecV1 status=3:HorizontalPodAutoscalerStatusV1',
};
