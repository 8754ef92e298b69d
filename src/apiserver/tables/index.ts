/**
 * Server-side Table printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): each kind's
 * real kubectl columns, computed on the server as Kubernetes' printers do. Cells always include
 * the wide (priority 1) columns; kubectl hides them unless `-o wide`.
 */
import type { KubeObject } from '../../api/types.js';
import { podPrinter } from './pods.js';
import {
  daemonSetPrinter, deploymentPrinter, jobPrinter, replicaSetPrinter, replicationControllerPrinter,
} from './workloads.js';
import {
  configMapPrinter, endpointSlicePrinter, endpointsPrinter, eventPrinter, leasePrinter, namespacePrinter, nodePrinter, secretPrinter, serviceAccountPrinter, servicePrinter,
} from './core.js';
import { since } from './age.js';
import { bindingPrinter } from './rbac.js';
import { cronJobPrinter } from './cronjob.js';
import { hpaPrinter } from './hpa.js';
import { nodeMetricsPrinter, podMetricsPrinter } from './metrics.js';
import { csrPrinter } from './certificates.js';
import { controllerRevisionPrinter, statefulSetPrinter } from './statefulset.js';
import { podDisruptionBudgetPrinter } from './policy.js';
import { ingressClassPrinter, ingressPrinter } from './networking.js';
import { persistentVolumeClaimPrinter, persistentVolumePrinter, storageClassPrinter } from './storage.js';

export { humanDuration, shortHumanDuration, since } from './age.js';
export { podSummary } from './pods.js';
export { formatEndpoints, nodeRoles, nodeStatus, serviceExternalIP, servicePorts } from './core.js';
export { jobStatus } from './workloads.js';
export { formatLabels, formatLabelSelector } from './format.js';

export interface ColumnDefinition {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly format: string;
  readonly description: string;
  /** 0: always shown; 1: only with `-o wide`. */
  readonly priority: number;
}

export interface TablePrinter {
  readonly columns: readonly ColumnDefinition[];
  /** One row's cells, in column order. `now` is passed so ages are consistent within a table. */
  cells(obj: KubeObject, now: Date): unknown[];
}

/** NAME and AGE, for kinds without a printer of their own (as Kubernetes' default table). */
const defaultPrinter: TablePrinter = {
  columns: [
    { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace (or the cluster, for cluster-scoped kinds).', priority: 0 },
    { name: 'Created At', type: 'date', format: '', description: 'The time the server created the object.', priority: 0 },
  ],
  cells: (obj) => [obj.metadata.name ?? '', obj.metadata.creationTimestamp ?? ''],
};

const printers: Readonly<Record<string, TablePrinter>> = {
  Pod: podPrinter,
  ReplicationController: replicationControllerPrinter,
  ReplicaSet: replicaSetPrinter,
  Deployment: deploymentPrinter,
  DaemonSet: daemonSetPrinter,
  Job: jobPrinter,
  CronJob: cronJobPrinter,
  HorizontalPodAutoscaler: hpaPrinter,
  NodeMetrics: nodeMetricsPrinter,
  PodMetrics: podMetricsPrinter,
  StatefulSet: statefulSetPrinter,
  ControllerRevision: controllerRevisionPrinter,
  PodDisruptionBudget: podDisruptionBudgetPrinter,
  Ingress: ingressPrinter,
  IngressClass: ingressClassPrinter,
  PersistentVolume: persistentVolumePrinter,
  PersistentVolumeClaim: persistentVolumeClaimPrinter,
  StorageClass: storageClassPrinter,
  Service: servicePrinter,
  Endpoints: endpointsPrinter,
  EndpointSlice: endpointSlicePrinter,
  Namespace: namespacePrinter,
  Node: nodePrinter,
  Event: eventPrinter,
  ConfigMap: configMapPrinter,
  Secret: secretPrinter,
  ServiceAccount: serviceAccountPrinter,
  Lease: leasePrinter,
  RoleBinding: bindingPrinter,
  ClusterRoleBinding: bindingPrinter,
  CertificateSigningRequest: csrPrinter,
};

/** The printer for a stored kind (e.g. `Pod`, `ReplicationController`). */
export function printerFor(kind: string): TablePrinter {
  return printers[kind] ?? defaultPrinter;
}

/** The AGE cell of any object. */
export function ageOf(obj: KubeObject, now: Date): string {
  return since(obj.metadata.creationTimestamp, now);
}
