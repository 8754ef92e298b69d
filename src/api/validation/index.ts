/**
 * Validation as Kubernetes does it: every field error at once, with Kubernetes' field paths and
 * wording, on the stored form after defaulting. One table says per kind how names are checked and
 * which spec rules apply on create and on update.
 */
import type { FieldError } from '../errors.js';
import { resourceTypes } from '../resources.js';
import type { KubeObject } from '../types.js';
import {
  validateConfigMap, validateEvent, validateImmutableData, validateLease, validateNamespace, validateNode,
  validateNodeUpdate, validateSecret, validateSecretUpdate,
} from './cluster.js';
import { validateJob, validateJobUpdate } from './job.js';
import { validateCronJob } from './cronjob.js';
import { validateIngress, validateIngressClass, validateIngressClassUpdate } from './ingress.js';
import { validateHorizontalPodAutoscaler } from './hpa.js';
import { validateCsr, validateCsrStatus, validateCsrUpdate } from './certificates.js';
import { validateControllerRevision, validateControllerRevisionUpdate, validateStatefulSet, validateStatefulSetUpdate } from './statefulset.js';
import {
  validatePersistentVolume, validatePersistentVolumeClaim, validatePersistentVolumeClaimUpdate, validatePersistentVolumeUpdate,
  validateStorageClass, validateStorageClassUpdate,
} from './storage.js';
import { validatePodDisruptionBudget, validatePodDisruptionBudgetStatus } from './policy.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, nameIsPathSegment, type NameValidator } from './names.js';
import {
  validateClusterRole, validateClusterRoleBinding, validateRole, validateRoleBinding, validateRoleRefUpdate,
} from './rbac.js';
import { validatePodCreate, validatePodUpdate } from './pod.js';
import { validateEndpoints, validateService, validateServiceUpdate } from './service.js';
import { validateEndpointSlice, validateEndpointSliceUpdate } from './discovery.js';
import {
  validateDaemonSet, validateDeployment, validateReplicaSet, validateReplicationController, validateSelectorImmutable,
} from './workloads.js';

import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from '../crd/validate.js';

type Obj = Record<string, unknown>;

interface KindRules {
  readonly name: NameValidator;
  readonly create?: (obj: Obj) => FieldError[];
  /** Update rules; when absent, the create rules are applied to the new object. */
  readonly update?: (obj: Obj, old: Obj) => FieldError[];
  /** Rules for a write through `/status` (the spec is the stored one and is not judged again). */
  readonly status?: (obj: Obj, old: Obj) => FieldError[];
}

const rules: Readonly<Record<string, KindRules>> = {
  Pod: { name: nameIsDNSSubdomain, create: validatePodCreate, update: validatePodUpdate },
  ReplicationController: { name: nameIsDNSSubdomain, create: validateReplicationController },
  Service: { name: nameIsDNS1035Label, create: validateService, update: validateServiceUpdate },
  Endpoints: { name: nameIsDNSSubdomain, create: validateEndpoints },
  EndpointSlice: { name: nameIsDNSSubdomain, create: validateEndpointSlice, update: validateEndpointSliceUpdate },
  Namespace: { name: nameIsDNSLabel, create: validateNamespace },
  Node: { name: nameIsDNSSubdomain, create: validateNode, update: validateNodeUpdate },
  Event: { name: nameIsDNSSubdomain, create: validateEvent },
  ConfigMap: {
    name: nameIsDNSSubdomain,
    create: validateConfigMap,
    update: (o, old) => [...validateConfigMap(o), ...validateImmutableData(o, old, ['data', 'binaryData'])],
  },
  Secret: { name: nameIsDNSSubdomain, create: validateSecret, update: validateSecretUpdate },
  ServiceAccount: { name: nameIsDNSSubdomain },
  Lease: { name: nameIsDNSSubdomain, create: validateLease },
  Job: { name: nameIsDNSSubdomain, create: (o) => validateJob(o), update: validateJobUpdate },
  CronJob: { name: nameIsDNSSubdomain, create: validateCronJob },
  Ingress: { name: nameIsDNSSubdomain, create: validateIngress },
  IngressClass: { name: nameIsDNSSubdomain, create: validateIngressClass, update: validateIngressClassUpdate },
  HorizontalPodAutoscaler: { name: nameIsDNSSubdomain, create: validateHorizontalPodAutoscaler },
  PodDisruptionBudget: { name: nameIsDNSSubdomain, create: validatePodDisruptionBudget, status: validatePodDisruptionBudgetStatus },
  PersistentVolume: { name: nameIsDNSSubdomain, create: validatePersistentVolume, update: validatePersistentVolumeUpdate },
  PersistentVolumeClaim: { name: nameIsDNSSubdomain, create: validatePersistentVolumeClaim, update: validatePersistentVolumeClaimUpdate },
  StorageClass: { name: nameIsDNSSubdomain, create: validateStorageClass, update: validateStorageClassUpdate },
  DaemonSet: { name: nameIsDNSSubdomain, create: validateDaemonSet, update: (o, old) => [...validateDaemonSet(o), ...validateSelectorImmutable(o, old)] },
  ReplicaSet: { name: nameIsDNSSubdomain, create: validateReplicaSet, update: (o, old) => [...validateReplicaSet(o), ...validateSelectorImmutable(o, old)] },
  Deployment: { name: nameIsDNSSubdomain, create: validateDeployment, update: (o, old) => [...validateDeployment(o), ...validateSelectorImmutable(o, old)] },
  CertificateSigningRequest: { name: nameIsPathSegment, create: validateCsr, update: validateCsrUpdate, status: validateCsrStatus },
  StatefulSet: { name: nameIsDNSSubdomain, create: validateStatefulSet, update: validateStatefulSetUpdate },
  ControllerRevision: { name: nameIsDNSSubdomain, create: validateControllerRevision, update: validateControllerRevisionUpdate },
  Role: { name: nameIsPathSegment, create: validateRole },
  ClusterRole: { name: nameIsPathSegment, create: validateClusterRole },
  RoleBinding: { name: nameIsPathSegment, create: validateRoleBinding, update: (o, old) => [...validateRoleBinding(o), ...validateRoleRefUpdate(o, old)] },
  CustomResourceDefinition: { name: nameIsDNSSubdomain, create: validateCustomResourceDefinition, update: validateCustomResourceDefinitionUpdate },
  ClusterRoleBinding: {
    name: nameIsPathSegment,
    create: validateClusterRoleBinding,
    update: (o, old) => [...validateClusterRoleBinding(o), ...validateRoleRefUpdate(o, old)],
  },
};

function rulesFor(kind: string): KindRules {
  return rules[kind] ?? { name: nameIsDNSSubdomain };
}

function namespaced(kind: string): boolean {
  return resourceTypes.find((r) => r.kind === kind)?.namespaced ?? true;
}

/** Drops repeats (Kubernetes may find one problem through two rules). */
function unique(errs: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errs.filter((e) => {
    const k = `${e.type}\u0000${e.field}\u0000${e.detail}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Errors in a new object of `kind` (stored form, after defaulting). */
export function validateObject(kind: string, obj: KubeObject): FieldError[] {
  const r = rulesFor(kind);
  const o = obj as Obj;
  return unique([
    ...validateObjectMeta(obj.metadata, { name: r.name, namespaced: namespaced(kind) }),
    ...(r.create?.(o) ?? []),
  ]);
}

/** Errors in an update of `old` to `obj` (both stored form, after defaulting). */
export function validateObjectUpdate(kind: string, obj: KubeObject, old: KubeObject): FieldError[] {
  const r = rulesFor(kind);
  const o = obj as Obj;
  const spec = r.update ? r.update(o, old as Obj) : (r.create?.(o) ?? []);
  return unique([
    ...validateObjectMeta(obj.metadata, { name: r.name, namespaced: namespaced(kind) }),
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...spec,
  ]);
}

/**
 * Errors in a write through `/status` (both stored form; `obj` already carries the stored spec).
 * As Kubernetes' Validate<Kind>StatusUpdate, the spec is not validated again: whatever was stored
 * stays writable by its kubelet and controllers even if today's rules would refuse its spec.
 */
export function validateObjectStatusUpdate(kind: string, obj: KubeObject, old: KubeObject): FieldError[] {
  const r = rulesFor(kind);
  return unique([
    ...validateObjectMeta(obj.metadata, { name: r.name, namespaced: namespaced(kind) }),
    ...validateObjectMetaUpdate(obj.metadata, old.metadata),
    ...(r.status?.(obj as Obj, old as Obj) ?? []),
  ]);
}

export { validateLabels } from '../labels.js';
export { validateAnnotations, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
export { validatePod, validatePodSpec, validatePodTemplateSpec, validateTolerations } from './pod.js';
export { validateEphemeralContainersUpdate } from './ephemeral.js';
export { validateResources } from './container.js';
export * as names from './names.js';
export * as field from './field.js';
