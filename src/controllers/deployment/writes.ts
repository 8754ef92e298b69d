/**
 * The deployment controller's writes, each with the Event Kubernetes records for it: ReplicaSet
 * scaling (`ScalingReplicaSet` "Scaled up replica set web-x from 1 to 3"), creation, deletion of
 * old revisions, and the deployment's status subresource. A write keeps the deployment copy in
 * step with what was stored, so a later write in the same sync does not conflict with it.
 */
import { deployments, replicaSets } from '../../api/resources.js';
import type { ControllerContext } from '../controller.js';
import { isNotFound } from '../replication/index.js';
import type { Deployment, ReplicaSet } from './types.js';
import { replicasAnnotationsNeedUpdate, setReplicasAnnotations } from './annotations.js';
import { deploymentReplicas, specReplicas } from './replicasets.js';
import { maxSurge } from './rolling.js';

export class DeploymentWrites {
  constructor(private readonly ctx: ControllerContext) {}

  /** Kubernetes' scaleReplicaSet(AndRecordEvent); see Rollout.scaleReplicaSet. */
  async scale(d: Deployment, rs: ReplicaSet, size: number, annotate = false): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const from = specReplicas(rs);
    if (from === size && !annotate) return { scaled: false, rs };
    const desired = deploymentReplicas(d);
    const max = desired + maxSurge(d);
    const sizeChanges = from !== size;
    if (!sizeChanges && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const next = structuredClone(rs);
    next.spec.replicas = size;
    setReplicasAnnotations(next, desired, max);
    const stored = await this.ctx.client.update<ReplicaSet>(replicaSets, next);
    if (sizeChanges) {
      const op = size > from ? 'up' : 'down';
      void this.ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name ?? ''} from ${from} to ${size}`);
    }
    return { scaled: sizeChanges, rs: stored };
  }

  async create(rs: ReplicaSet): Promise<ReplicaSet> {
    return this.ctx.client.create<ReplicaSet>(replicaSets, rs);
  }

  async update(rs: ReplicaSet): Promise<ReplicaSet> {
    return this.ctx.client.update<ReplicaSet>(replicaSets, rs);
  }

  /** Deletes an old ReplicaSet (its pods follow through the garbage collector). */
  async delete(rs: ReplicaSet): Promise<void> {
    try {
      await this.ctx.client.delete(replicaSets, rs.metadata.namespace, rs.metadata.name ?? '', { preconditions: { uid: rs.metadata.uid ?? '' } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Writes `d`'s status (and annotations: the status subresource keeps metadata, as Kubernetes'
   * deployment status strategy does) and takes the stored resourceVersion back into `d`. */
  async updateStatus(d: Deployment): Promise<void> {
    const stored = await this.ctx.client.update<Deployment>(deployments, d, 'status');
    d.metadata.resourceVersion = stored.metadata.resourceVersion;
  }

  event(d: Deployment, type: 'Normal' | 'Warning', reason: string, message: string): void {
    void this.ctx.recorder.event(d, type, reason, message);
  }
}
