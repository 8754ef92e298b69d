/**
 * Defaulting as Kubernetes does it, on the stored form (core/v1, apps/v1, batch/v1,
 * coordination.k8s.io/v1), in place. Legacy versions convert to the stored form first (see
 * `conversion/`), so their own defaults (e.g. extensions/v1beta1 DaemonSet's OnDelete) are applied
 * by the converter, never here.
 *
 * Idempotent: defaulting a defaulted object changes nothing, so the registry may run it on every
 * create and update.
 */
import type { KubeObject } from '../types.js';
import { defaultEndpointSlice } from './discovery.js';
import { defaultEndpoints, defaultNamespace, defaultNode, defaultSecret, defaultService } from './core.js';
import { defaultPod } from './pod.js';
import type { Obj } from './util.js';
import { defaultBinding } from './rbac.js';
import { defaultCronJob } from './cronjob.js';
import { defaultIngressClass } from './networking.js';
import { defaultHorizontalPodAutoscaler } from './hpa.js';
import { defaultStatefulSet } from './statefulset.js';
import { defaultPersistentVolume, defaultPersistentVolumeClaim, defaultStorageClass } from './storage.js';
import { defaultCustomResourceDefinition } from '../crd/defaults.js';
import {
  defaultDaemonSet, defaultDeployment, defaultJob, defaultReplicaSet, defaultReplicationController,
} from './workloads.js';

export { prepareJobSelector, jobLabels } from './workloads.js';
export { fillZeroValues } from './zero-values.js';
export { defaultPodSpec, defaultPodTemplate, defaultContainer, defaultPullPolicy, imageTag } from './pod.js';

const byKind: Readonly<Record<string, (obj: Obj) => void>> = {
  Pod: defaultPod,
  ReplicationController: defaultReplicationController,
  Service: defaultService,
  Endpoints: defaultEndpoints,
  EndpointSlice: defaultEndpointSlice,
  Namespace: defaultNamespace,
  Node: defaultNode,
  Secret: defaultSecret,
  ReplicaSet: defaultReplicaSet,
  Deployment: defaultDeployment,
  DaemonSet: defaultDaemonSet,
  Job: defaultJob,
  CronJob: defaultCronJob,
  IngressClass: defaultIngressClass,
  HorizontalPodAutoscaler: defaultHorizontalPodAutoscaler,
  StatefulSet: defaultStatefulSet,
  PersistentVolume: defaultPersistentVolume,
  PersistentVolumeClaim: defaultPersistentVolumeClaim,
  StorageClass: defaultStorageClass,
  RoleBinding: defaultBinding,
  ClusterRoleBinding: defaultBinding,
  CustomResourceDefinition: defaultCustomResourceDefinition,
};

/** Applies Kubernetes' defaults for `kind` to `obj` (stored form), in place. Kinds without
 * defaults (ConfigMap, Event, Lease, ServiceAccount) are left as they are. */
export function applyDefaults(kind: string, obj: KubeObject): void {
  byKind[kind]?.(obj as Obj);
}
