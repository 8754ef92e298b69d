/** policy/v1 PodDisruptionBudgets and the Eviction a pod's `eviction` subresource takes. */
import type { KubeObject, LabelSelector, ObjectMeta } from '../types.js';

export type UnhealthyPodEvictionPolicy = 'IfHealthyBudget' | 'AlwaysAllow';

export interface PodDisruptionBudgetSpec {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  selector?: LabelSelector | null;
  unhealthyPodEvictionPolicy?: UnhealthyPodEvictionPolicy;
}

/** A metav1.Condition. */
export interface MetaCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface PodDisruptionBudgetStatus {
  observedGeneration?: number;
  /** Pod name → when an eviction of it was allowed (the controller has not yet seen it go). */
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: MetaCondition[];
}

export interface PodDisruptionBudget extends KubeObject {
  spec: PodDisruptionBudgetSpec & Record<string, unknown>;
  status?: PodDisruptionBudgetStatus & Record<string, unknown>;
}

export interface Eviction {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  deleteOptions?: Record<string, unknown>;
}
