/**
 * The shapes the deployment controller reads and writes: apps/v1 Deployment with its status and
 * conditions, and the ReplicaSets it owns. Local to the controller: the shared kinds describe
 * specs; what the controller keeps in status is its own business.
 */
import type { Condition, PodTemplateSpec } from '../../api/kinds.js';
import type { Deployment as DeploymentSpecOnly, ReplicaSet as ReplicaSetBase } from '../../api/kinds.js';

export interface DeploymentCondition extends Condition {
  lastUpdateTime?: string;
}

export interface DeploymentStatus {
  [field: string]: unknown;
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
  collisionCount?: number;
}

export type Deployment = DeploymentSpecOnly & { status?: DeploymentStatus };

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

export interface ReplicaSet extends ReplicaSetBase {
  spec: { replicas?: number; minReadySeconds?: number; selector?: ReplicaSetBase['spec']['selector']; template?: PodTemplateSpec } & Record<string, unknown>;
  status?: ReplicaSetStatus & Record<string, unknown>;
}
