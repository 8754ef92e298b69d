/** k8s.io/apimachinery meta/v1 messages reachable from the served kinds (grammar in dsl.ts). */
import type { MessageTable } from './dsl.js';

export const metaMessages: MessageTable = {
  OwnerReference: 'kind=1 name=3 uid=4 apiVersion=5 controller=6:b? blockOwnerDeletion=7:b?',
  ManagedFieldsEntry: 'manager=1 operation=2 apiVersion=3 time=4:Time fieldsType=6 fieldsV1=7:FieldsV1 subresource=8',
  ObjectMeta:
    'name=1 generateName=2 namespace=3 selfLink=4 uid=5 resourceVersion=6 generation=7:i64 creationTimestamp=8:Time ' +
    'deletionTimestamp=9:Time deletionGracePeriodSeconds=10:i64? labels=11:{s} annotations=12:{s} ' +
    'ownerReferences=13:OwnerReference* finalizers=14* managedFields=17:ManagedFieldsEntry*',
  Condition: 'type=1 status=2 observedGeneration=3:i64 lastTransitionTime=4:Time reason=5 message=6',
  LabelSelectorRequirement: 'key=1 operator=2 values=3*',
  LabelSelector: 'matchLabels=1:{s} matchExpressions=2:LabelSelectorRequirement*',
  Preconditions: 'uid=1? resourceVersion=2?',
  DeleteOptions:
    'gracePeriodSeconds=1:i64? preconditions=2:Preconditions orphanDependents=3:b? propagationPolicy=4? dryRun=5* ' +
    'ignoreStoreReadErrorWithClusterBreakingPotential=6:b?',
};
