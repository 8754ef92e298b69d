/** apps/v1 StatefulSets and the ControllerRevisions that keep their (and daemon sets') templates. */
import type { KubeObject, LabelSelector } from '../types.js';
import type { Condition, IntOrString, PodTemplateSpec } from './pod.js';

/** A snapshot of a controller's template: `data` is the patch that restores it, `revision` its
 * place in the controller's history. Immutable once written, but for metadata and `revision`. */
export interface ControllerRevision extends KubeObject {
  data?: unknown;
  revision: number;
}

export type PodManagementPolicy = 'OrderedReady' | 'Parallel';

export interface StatefulSetSpec {
  replicas?: number;
  selector?: LabelSelector;
  template: PodTemplateSpec;
  serviceName?: string;
  podManagementPolicy?: PodManagementPolicy;
  updateStrategy?: {
    type?: 'RollingUpdate' | 'OnDelete';
    rollingUpdate?: { partition?: number; maxUnavailable?: IntOrString };
  };
  revisionHistoryLimit?: number;
  minReadySeconds?: number;
  ordinals?: { start?: number };
  volumeClaimTemplates?: unknown[];
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  conditions?: Condition[];
}

export interface StatefulSet extends KubeObject {
  spec: StatefulSetSpec & Record<string, unknown>;
  status?: StatefulSetStatus & Record<string, unknown>;
}
