/**
 * What a rollout strategy (rolling.ts, recreate.ts) and scaling (scale.ts) are handed for one sync
 * of one deployment: the deployment being synced, its ReplicaSets, and the steps of Kubernetes'
 * syncDeployment they share. Implemented by sync.ts; an interface so the strategies stay small.
 */
import type { Pod } from '../../api/kinds.js';
import type { Deployment, ReplicaSet } from './types.js';

export interface ReplicaSetPair {
  readonly newRS: ReplicaSet | undefined;
  readonly oldRSs: ReplicaSet[];
}

export interface Rollout {
  /** The deployment (a private copy: status and annotations may be changed on it). */
  readonly d: Deployment;
  /** The new ReplicaSet and the old ones, creating the new one when `create` and it is missing;
   * revisions are brought up to date on the way (getAllReplicaSetsAndSyncRevision). */
  replicaSets(create: boolean): Promise<ReplicaSetPair>;
  /** Scales `rs` to `size` (recording ScalingReplicaSet) and brings its replicas annotations up
   * to date; returns whether the size changed and the ReplicaSet as now stored. Without
   * `annotate`, a ReplicaSet already at `size` is left alone (scaleReplicaSetAndRecordEvent);
   * with it, its annotations are still refreshed (scaleReplicaSet). */
  scaleReplicaSet(rs: ReplicaSet, size: number, annotate?: boolean): Promise<{ scaled: boolean; rs: ReplicaSet }>;
  /** Pods of the deployment's ReplicaSets by ReplicaSet uid (Recreate waits for old ones). */
  podsByReplicaSet(): ReadonlyMap<string, readonly Pod[]>;
  /** Deletes old ReplicaSets beyond revisionHistoryLimit. */
  cleanup(oldRSs: readonly ReplicaSet[]): Promise<void>;
  /** Writes status with the progress conditions (syncRolloutStatus). */
  syncRolloutStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void>;
}
