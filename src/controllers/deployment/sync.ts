/**
 * One sync of one deployment once its ReplicaSets are claimed (Kubernetes' syncDeployment from
 * there on): a deployment being deleted only gets its status; the paused condition is kept; a
 * paused deployment, or one whose size changed, is scaled (proportionally during a rollout)
 * without rolling; otherwise its strategy takes one step. Every ReplicaSet written during the sync
 * replaces its cached copy, so later steps of the same sync see the write.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Pod } from '../../api/kinds.js';
import { kubeTime } from '../../api/time.js';
import type { Deployment, DeploymentStatus, ReplicaSet } from './types.js';
import type { ReplicaSetPair, Rollout } from './rollout.js';
import type { DeploymentWrites } from './writes.js';
import { getNewReplicaSet } from './newrs.js';
import { findOldReplicaSets } from './replicasets.js';
import { calculateStatus, pausedConditions, rolloutStatus, stuckRequeueAfter } from './progress.js';
import { replicaSetsToCleanUp } from './cleanup.js';
import { isScalingEvent, scaleDeployment } from './scale.js';
import { maxUnavailable, rolloutRolling } from './rolling.js';
import { rolloutRecreate } from './recreate.js';

export interface SyncInput {
  readonly writes: DeploymentWrites;
  /** A private copy of the cached deployment. */
  readonly d: Deployment;
  /** The ReplicaSets the deployment controls. */
  readonly replicaSets: readonly ReplicaSet[];
  readonly pods: ReadonlyMap<string, readonly Pod[]>;
  /** Any cached ReplicaSet of the namespace by name. */
  readonly lookup: (name: string) => ReplicaSet | undefined;
  /** Asks for another sync of this deployment in `ms`. */
  readonly requeueAfter: (ms: number) => void;
  readonly now?: () => number;
}

/** Status equality that ignores keys whose value is undefined. */
function sameStatus(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? {})), JSON.parse(JSON.stringify(b)));
}

export class DeploymentSync implements Rollout {
  readonly d: Deployment;
  private rsList: ReplicaSet[];
  private readonly now: () => number;

  constructor(private readonly input: SyncInput) {
    this.d = input.d;
    this.rsList = [...input.replicaSets];
    this.now = input.now ?? Date.now;
  }

  async run(): Promise<void> {
    const d = this.d;
    if (d.metadata.deletionTimestamp) return this.syncStatusOnly();
    const paused = pausedConditions(d, kubeTime(this.now()));
    if (paused) {
      d.status = paused;
      await this.input.writes.updateStatus(d);
    }
    if (d.spec.paused) return this.scaleOnly();
    const { newRS, oldRSs } = await this.replicaSets(false);
    if (isScalingEvent(d, newRS, oldRSs)) return this.scaleOnly();
    if (d.spec.strategy?.type === 'Recreate') return rolloutRecreate(this);
    return rolloutRolling(this);
  }

  private remember(rs: ReplicaSet): void {
    const i = this.rsList.findIndex((x) => x.metadata.uid === rs.metadata.uid);
    if (i >= 0) this.rsList[i] = rs;
    else this.rsList.push(rs);
  }

  async replicaSets(create: boolean): Promise<ReplicaSetPair> {
    const oldRSs = findOldReplicaSets(this.d, this.rsList);
    const newRS = await getNewReplicaSet({ writes: this.input.writes, d: this.d, rsList: this.rsList, oldRSs, lookup: this.input.lookup }, create);
    if (newRS) this.remember(newRS);
    return { newRS, oldRSs };
  }

  async scaleReplicaSet(rs: ReplicaSet, size: number, annotate = false): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const res = await this.input.writes.scale(this.d, rs, size, annotate);
    this.remember(res.rs);
    return res;
  }

  podsByReplicaSet(): ReadonlyMap<string, readonly Pod[]> {
    return this.input.pods;
  }

  async cleanup(oldRSs: readonly ReplicaSet[]): Promise<void> {
    for (const rs of replicaSetsToCleanUp(this.d, oldRSs)) await this.input.writes.delete(rs);
  }

  async syncRolloutStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void> {
    const now = this.now();
    const next = rolloutStatus(this.d, allRSs, newRS, maxUnavailable(this.d), now);
    if (sameStatus(this.d.status, next)) {
      const after = stuckRequeueAfter(this.d, next, now);
      // A second late at most: the deadline is counted from a time written in whole seconds.
      if (after !== undefined) this.input.requeueAfter(after + 1000);
      return;
    }
    this.d.status = next;
    await this.input.writes.updateStatus(this.d);
  }

  /** Kubernetes' syncDeploymentStatus: counters and Available, no progress estimate. */
  private async syncDeploymentStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): Promise<void> {
    const next = calculateStatus(this.d, allRSs, newRS, maxUnavailable(this.d), kubeTime(this.now()));
    if (sameStatus(this.d.status, next)) return;
    this.d.status = next;
    await this.input.writes.updateStatus(this.d);
  }

  private async syncStatusOnly(): Promise<void> {
    const { newRS, oldRSs } = await this.replicaSets(false);
    return this.syncDeploymentStatus([...oldRSs, newRS], newRS);
  }

  /** Kubernetes' sync: scale without rolling (paused, or a scaling event). */
  private async scaleOnly(): Promise<void> {
    const { newRS, oldRSs } = await this.replicaSets(false);
    await scaleDeployment(this, newRS, oldRSs);
    if (this.d.spec.paused) await this.cleanup(oldRSs);
    return this.syncDeploymentStatus([...oldRSs, newRS], newRS);
  }
}
