/**
 * Finding or creating the deployment's new ReplicaSet and keeping revisions in step (Kubernetes'
 * getNewReplicaSet): an existing one gets revision max(old)+1 when it is not already the newest
 * (a rollback brings an old one back that way, its past revisions moved to revision-history) and
 * the deployment's minReadySeconds; a missing one is created as `<deployment>-<pod-template-hash>`
 * with the hash in its selector, template labels and name, sized by the strategy. A name taken
 * by a ReplicaSet with another template is a hash collision: collisionCount goes up and the next
 * sync hashes differently. The deployment's revision annotation follows its new ReplicaSet's.
 */
import { ApiError } from '../../api/errors.js';
import type { Deployment, ReplicaSet } from './types.js';
import type { DeploymentWrites } from './writes.js';
import { maxRevision, revisionAnnotation, setDeploymentRevision, setNewReplicaSetAnnotations } from './annotations.js';
import { computeHash, equalIgnoreHash, podTemplateHashLabel } from './hash.js';
import { deploymentReplicas, findNewReplicaSet } from './replicasets.js';
import { getCondition, hasProgressDeadline, newCondition, reasons, setCondition, conditionTypes } from './progress.js';
import { maxSurge, newRSNewReplicas } from './rolling.js';
import { kubeTime } from '../../api/time.js';

export interface NewReplicaSetInput {
  readonly writes: DeploymentWrites;
  /** The deployment copy; its status and revision annotation are updated in place. */
  readonly d: Deployment;
  readonly rsList: readonly ReplicaSet[];
  readonly oldRSs: readonly ReplicaSet[];
  /** A cached ReplicaSet by name (to tell our own from a collision after AlreadyExists). */
  readonly lookup: (name: string) => ReplicaSet | undefined;
}

/** The new ReplicaSet to create for `d` (replicas set by the caller). */
export function newReplicaSetFor(d: Deployment, hash: string, replicas: number): ReplicaSet {
  const template = structuredClone(d.spec.template);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [podTemplateHashLabel]: hash } };
  const selector = structuredClone(d.spec.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [podTemplateHashLabel]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name ?? ''}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...(template.metadata.labels ?? {}) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name ?? '', uid: d.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  };
}

function isAlreadyExists(err: unknown): boolean {
  return err instanceof ApiError && err.code === 409 && err.reason === 'AlreadyExists';
}

export async function getNewReplicaSet(input: NewReplicaSetInput, create: boolean): Promise<ReplicaSet | undefined> {
  const { writes, d, rsList, oldRSs } = input;
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = maxRevision(oldRSs) + 1;
  const desired = deploymentReplicas(d);
  const max = desired + maxSurge(d);
  const now = kubeTime();
  if (existing) {
    const copy = structuredClone(existing);
    const annotated = setNewReplicaSetAnnotations(d, copy, newRevision, true, desired, max);
    const minReady = d.spec.minReadySeconds ?? 0;
    if (annotated || (copy.spec.minReadySeconds ?? 0) !== minReady) {
      copy.spec.minReadySeconds = minReady;
      return writes.update(copy);
    }
    let needsUpdate = setDeploymentRevision(d, copy.metadata.annotations?.[revisionAnnotation] ?? '');
    if (hasProgressDeadline(d) && !getCondition(d.status ?? {}, conditionTypes.progressing)) {
      const status = (d.status ??= {});
      setCondition(status, newCondition(conditionTypes.progressing, 'True', reasons.foundNewReplicaSet, `Found new replica set "${copy.metadata.name ?? ''}"`, now));
      needsUpdate = true;
    }
    if (needsUpdate) await writes.updateStatus(d);
    return copy;
  }
  if (!create) return undefined;

  const hash = computeHash(d.spec.template, d.status?.collisionCount);
  const fresh = newReplicaSetFor(d, hash, 0);
  fresh.spec.replicas = newRSNewReplicas(d, [...oldRSs, fresh], fresh);
  setNewReplicaSetAnnotations(d, fresh, newRevision, false, desired, max);
  let created: ReplicaSet;
  let alreadyExisted = false;
  try {
    created = await writes.create(fresh);
  } catch (err) {
    if (!isAlreadyExists(err)) {
      const msg = `Failed to create new replica set "${fresh.metadata.name ?? ''}": ${err instanceof Error ? err.message : String(err)}`;
      if (hasProgressDeadline(d)) {
        setCondition((d.status ??= {}), newCondition(conditionTypes.progressing, 'False', reasons.failedReplicaSetCreate, msg, now));
        await writes.updateStatus(d).catch(() => undefined);
      }
      writes.event(d, 'Warning', reasons.failedReplicaSetCreate, msg);
      throw err;
    }
    const taken = input.lookup(fresh.metadata.name ?? '');
    const ref = taken?.metadata.ownerReferences?.find((r) => r.controller);
    if (!taken || ref?.uid !== d.metadata.uid || !equalIgnoreHash(d.spec.template, taken.spec.template)) {
      // Someone else's ReplicaSet (or another template) holds the name: hash differently next time.
      const status = (d.status ??= {});
      status.collisionCount = (status.collisionCount ?? 0) + 1;
      await writes.updateStatus(d);
      throw err;
    }
    created = taken;
    alreadyExisted = true;
  }
  const replicas = created.spec.replicas ?? 0;
  if (!alreadyExisted && replicas > 0) {
    writes.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name ?? ''} from 0 to ${replicas}`);
  }
  let needsUpdate = setDeploymentRevision(d, String(newRevision));
  if (!alreadyExisted && hasProgressDeadline(d)) {
    setCondition((d.status ??= {}), newCondition(conditionTypes.progressing, 'True', reasons.newReplicaSetCreated, `Created new replica set "${created.metadata.name ?? ''}"`, now));
    needsUpdate = true;
  }
  if (needsUpdate) await writes.updateStatus(d);
  return created;
}
