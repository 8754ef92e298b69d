/** apps/v1 StatefulSet (pods with stable names, started and updated in order) and
 * ControllerRevision (a template snapshot kept for rollout history and undo). */
import { any, defs, int, int64, intOrString, keyedList, kindObject, list, listOf, obj, ref, str, time, type Definitions } from './dsl.js';

export const statefulSetDefinitions: Definitions = {
  ...defs('apps', {
    ControllerRevision: kindObject('An immutable snapshot of a controller\'s state (its pod template), kept for rollout history and undo.', {
      data: any('The serialized state: the patch that brings the controller back to this revision.'),
      revision: int64('The revision\'s place in its controller\'s history.'),
    }),
    ControllerRevisionList: listOf('apps.ControllerRevision', 'controller revisions'),
    StatefulSet: kindObject('Pods with stable names and network identities, created, scaled and updated in ordinal order.', {
      spec: ref('apps.StatefulSetSpec', 'The desired behaviour.'),
      status: ref('apps.StatefulSetStatus', 'The most recently observed state. Read-only.'),
    }),
    StatefulSetList: listOf('apps.StatefulSet', 'stateful sets'),
    StatefulSetSpec: obj({
      replicas: int('The number of pods wanted. Default 1.'),
      selector: ref('meta.LabelSelector', 'Which pods this stateful set owns, by label; must match the template\'s labels. Cannot be changed.'),
      template: ref('core.PodTemplateSpec', 'The pods to create: NAME-0 … NAME-(replicas-1).'),
      volumeClaimTemplates: list(ref('core.PersistentVolumeClaim'), 'Claims each pod gets, named TEMPLATE-SET-ORDINAL and mounted as the volume named after the template.', { listType: 'atomic' }),
      serviceName: str('The headless service whose domain the pods\' hostnames live under (NAME-i.SERVICE.NAMESPACE.svc).'),
      podManagementPolicy: str('`OrderedReady` (default: one pod at a time, in order) or `Parallel`.', { enum: ['OrderedReady', 'Parallel'] }),
      updateStrategy: ref('apps.StatefulSetUpdateStrategy', 'How pods are replaced when the template changes.'),
      revisionHistoryLimit: int('Old revisions kept for rollback. Default 10.'),
      minReadySeconds: int('Seconds a new pod must be ready before it counts as available.'),
      persistentVolumeClaimRetentionPolicy: ref('apps.StatefulSetPersistentVolumeClaimRetentionPolicy', 'What happens to claims when the set is deleted or scaled down.'),
      ordinals: ref('apps.StatefulSetOrdinals', 'The numbering of the pods.'),
    }, 'The desired state of a stateful set.', ['selector', 'template']),
    StatefulSetUpdateStrategy: obj({
      type: str('`RollingUpdate` (default) or `OnDelete`.', { enum: ['OnDelete', 'RollingUpdate'] }),
      rollingUpdate: ref('apps.RollingUpdateStatefulSetStrategy', 'Rolling update parameters.'),
    }, 'How a stateful set replaces pods.'),
    RollingUpdateStatefulSetStrategy: obj({
      partition: int('Pods with an ordinal below this keep the old template. Default 0.'),
      maxUnavailable: intOrString('How many pods (or what percentage) may be unavailable during the update. Default 1.'),
    }, 'Rolling update parameters of a stateful set.'),
    StatefulSetPersistentVolumeClaimRetentionPolicy: obj({
      whenDeleted: str('`Retain` (default) or `Delete`.'),
      whenScaled: str('`Retain` (default) or `Delete`.'),
    }, 'The lifecycle of claims made from volumeClaimTemplates.'),
    StatefulSetOrdinals: obj({
      start: int('The first ordinal. Default 0.'),
    }, 'The numbering of a stateful set\'s pods.'),
    StatefulSetStatus: obj({
      observedGeneration: int64('The generation this status describes.'),
      replicas: int('Pods created by the controller.'),
      readyReplicas: int('Pods that are ready.'),
      currentReplicas: int('Pods at currentRevision.'),
      updatedReplicas: int('Pods at updateRevision.'),
      availableReplicas: int('Pods ready for at least minReadySeconds.'),
      currentRevision: str('The revision of the pods numbered below the partition (or all, once the update is done).'),
      updateRevision: str('The revision of the current template.'),
      collisionCount: int('Hash collisions seen when naming controller revisions.'),
      conditions: keyedList(ref('apps.StatefulSetCondition'), 'type', 'The latest observations of the state.'),
    }, 'The observed state of a stateful set.', ['replicas']),
    StatefulSetCondition: obj({
      type: str('Type of the condition.'),
      status: str('`True`, `False` or `Unknown`.'),
      lastTransitionTime: time('When the status last changed.'),
      reason: str('Why, in one word.'),
      message: str('Details.'),
    }, 'A condition of a stateful set.', ['type', 'status']),
  }),
};
