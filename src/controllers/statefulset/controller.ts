/**
 * The stateful set controller (apps/v1): pods NAME-0 … NAME-(N-1) with stable identities
 * (hostname NAME-i under the serviceName subdomain, so NAME-i.SERVICE.NS.svc resolves), the
 * revisions of the template kept as ControllerRevisions, and the decisions `planStatefulSet`'s.
 * Each pass re-reads the caches; a pod created or deleted twice because the cache was behind
 * meets AlreadyExists or NotFound and is taken as done.
 */
import { controllerRevisions, persistentVolumeClaims, statefulSets } from '../../api/resources.js';
import type { ControllerRevision, PersistentVolumeClaim, Pod, PodTemplateSpec, StatefulSet } from '../../api/kinds.js';
import type { LabelSelector } from '../../api/types.js';
import { fromLabelSelector, type Selector } from '../../api/labels.js';
import { pods as podsResource } from '../../api/resources.js';
import type { Informer } from '../../client/informer.js';
import type { ControllerContext } from '../controller.js';
import {
  OwnedPodsController, claimPods, errorMessage, isConflict, isNotFound, objectKey, ownerRefFor, podFromTemplate, type Syncable,
} from '../replication/index.js';
import { ensureRevision, ownedRevisions, revisionLabel, revisionTemplate, truncateHistory } from '../history/index.js';
import { ordinalOf, planStatefulSet, revisionOf, startOrdinal, type StatefulAction, type StatefulStatus } from './plan.js';
import { claimsFor, claimTemplates, desiredOwners, ownersAfter, withClaimVolumes } from './claims.js';
import { ApiError } from '../../api/errors.js';

export const podNameLabel = 'statefulset.kubernetes.io/pod-name';
export const podIndexLabel = 'apps.kubernetes.io/pod-index';

export class StatefulSetController extends OwnedPodsController<StatefulSet> {
  private revisions!: Informer<ControllerRevision>;
  private claims!: Informer<PersistentVolumeClaim>;

  constructor(ctx: ControllerContext) {
    super(ctx, { controllerName: 'statefulset-controller', resource: statefulSets, apiVersion: 'apps/v1', kind: 'StatefulSet' });
  }

  protected selectorOf(set: StatefulSet): Selector | undefined {
    try {
      const sel = fromLabelSelector(set.spec.selector as LabelSelector | undefined);
      return sel.empty ? undefined : sel;
    } catch {
      return undefined;
    }
  }

  protected override registerMore(): readonly Syncable[] {
    this.revisions = this.ctx.informers.informer<ControllerRevision>(controllerRevisions);
    this.claims = this.ctx.informers.informer<PersistentVolumeClaim>(persistentVolumeClaims);
    // A set's claim deleted under a live pod is made again for it (see syncClaimOwners).
    this.claims.addEventHandler({
      delete: (c) => {
        for (const set of this.owners.list()) {
          const stem = (c.metadata.name ?? '').replace(/-\d+$/, '');
          if (set.metadata.namespace === c.metadata.namespace && stem.endsWith(`-${set.metadata.name ?? ''}`)) this.enqueue(objectKey(set));
        }
      },
    });
    return [this.revisions, this.claims];
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.owners.get(key);
    if (!cached) return;
    const set = this.typed(cached);
    const selector = this.selectorOf(set);
    // A set being deleted is left to the garbage collector (no new revision, pod or claim).
    if (!selector || set.metadata.deletionTimestamp) return;
    const pods = await claimPods(this.ctx, this.control, this.claimOwner(set), selector, this.claimCandidates(set));
    const ref = ownerRefFor(set, 'apps/v1', 'StatefulSet');
    const history = ownedRevisions(this.revisions.list().filter((r) => r.metadata.namespace === set.metadata.namespace), set);
    const ensured = await ensureRevision(this.ctx, set, ref, history, set.spec.template, set.status?.collisionCount ?? 0);
    const updateRev = ensured.revision;
    const revisions = [...history.filter((r) => r.metadata.name !== updateRev.metadata.name), updateRev].sort((a, b) => a.revision - b.revision);
    const currentRev = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? updateRev;
    const plan = planStatefulSet(set, pods, currentRev.metadata.name ?? '', updateRev.metadata.name ?? '', ensured.collisionCount, Date.now());
    let error: unknown;
    try {
      await this.syncClaimOwners(set, pods);
      await this.apply(set, plan.actions, { current: currentRev, update: updateRev });
    } catch (err) {
      error = err;
    }
    await this.writeStatus(set, plan.status);
    const live = new Set([plan.status.currentRevision, plan.status.updateRevision, ...pods.map(revisionOf)]);
    await truncateHistory(this.ctx, revisions, live, set.spec.revisionHistoryLimit ?? 10);
    const minReady = set.spec.minReadySeconds ?? 0;
    if (minReady > 0 && plan.status.readyReplicas > plan.status.availableReplicas) this.queue.addAfter(key, minReady * 1000);
    if (error !== undefined) throw error;
  }

  private async apply(set: StatefulSet, actions: readonly StatefulAction[], revs: { current: ControllerRevision; update: ControllerRevision }): Promise<void> {
    const results = await Promise.allSettled(actions.map(async (a) => {
      if (a.kind === 'create') {
        const rev = revs[a.revision];
        await this.createPod(set, a.ordinal, revisionTemplate(rev) ?? set.spec.template, rev.metadata.name ?? '');
      } else {
        await this.deletePod(set, a.pod);
      }
    }));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** The pod of `ordinal`: its template, its identity and its revision. */
  private async createPod(set: StatefulSet, ordinal: number, template: PodTemplateSpec, revision: string): Promise<void> {
    const setName = set.metadata.name ?? '';
    const name = `${setName}-${ordinal}`;
    await this.createClaims(set, ordinal);
    const pod: Pod = podFromTemplate(withClaimVolumes(template, set, ordinal), set.metadata.namespace ?? 'default', setName, ownerRefFor(set, 'apps/v1', 'StatefulSet'));
    delete pod.metadata.generateName;
    pod.metadata.name = name;
    pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [podNameLabel]: name, [podIndexLabel]: String(ordinal), [revisionLabel]: revision };
    pod.spec.hostname = name;
    if (set.spec.serviceName) pod.spec.subdomain = set.spec.serviceName;
    try {
      await this.ctx.client.create<Pod>(podsResource, pod);
      void this.ctx.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${setName} successful`);
    } catch (err) {
      // Our cache was behind: the pod exists already.
      if (err instanceof ApiError && err.code === 409) return;
      void this.ctx.recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${name} in StatefulSet ${setName} failed error: ${errorMessage(err)}`);
      throw err;
    }
  }

  /** The ordinal's claims, before its pod: AlreadyExists is a claim kept from an earlier pod. */
  private async createClaims(set: StatefulSet, ordinal: number): Promise<void> {
    const setName = set.metadata.name ?? '';
    for (const claim of claimsFor(set, ordinal)) {
      if (this.claims.get(`${claim.metadata.namespace ?? ''}/${claim.metadata.name ?? ''}`)) continue;
      claim.metadata.ownerReferences = desiredOwners(set, undefined, false);
      try {
        await this.ctx.client.create<PersistentVolumeClaim>(persistentVolumeClaims, claim);
        void this.ctx.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata.name ?? ''} Pod ${setName}-${ordinal} in StatefulSet ${setName} success`);
      } catch (err) {
        if (err instanceof ApiError && err.code === 409) continue;
        void this.ctx.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata.name ?? ''} for Pod ${setName}-${ordinal} in StatefulSet ${setName} failed error: ${errorMessage(err)}`);
        throw err;
      }
    }
  }

  /** The retention policy's owner references on the claims of the set's pods (a condemned pod
   * owns its claims before it is deleted, so they go with it); a pod of the set whose claim went
   * missing gets it again (Kubernetes' createMissingPersistentVolumeClaims). */
  private async syncClaimOwners(set: StatefulSet, pods: readonly Pod[]): Promise<void> {
    if (claimTemplates(set).length === 0) return;
    const setName = set.metadata.name ?? '';
    const start = startOrdinal(set);
    const end = start + (set.spec.replicas ?? 1);
    for (const pod of pods) {
      const ordinal = ordinalOf(setName, pod);
      if (ordinal < 0) continue;
      const condemned = ordinal < start || ordinal >= end;
      if (!condemned && !pod.metadata.deletionTimestamp) await this.createClaims(set, ordinal);
      for (const want of claimsFor(set, ordinal)) {
        const claim = this.claims.get(`${want.metadata.namespace ?? ''}/${want.metadata.name ?? ''}`);
        if (!claim || claim.metadata.deletionTimestamp) continue;
        const next = ownersAfter(claim, set, desiredOwners(set, pod, condemned));
        if (!next) continue;
        await this.ctx.client.patch(persistentVolumeClaims, claim.metadata.namespace, claim.metadata.name ?? '', {
          metadata: { resourceVersion: claim.metadata.resourceVersion, ownerReferences: next },
        }, 'merge');
      }
    }
  }

  private async deletePod(set: StatefulSet, pod: Pod): Promise<void> {
    const name = pod.metadata.name ?? '';
    const setName = set.metadata.name ?? '';
    try {
      await this.ctx.client.delete(podsResource, pod.metadata.namespace, name, { preconditions: { uid: pod.metadata.uid ?? '' } });
      void this.ctx.recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${name} in StatefulSet ${setName} successful`);
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return;
      void this.ctx.recorder.event(set, 'Warning', 'FailedDelete', `delete Pod ${name} in StatefulSet ${setName} failed error: ${errorMessage(err)}`);
      throw err;
    }
  }

  private async writeStatus(set: StatefulSet, next: StatefulStatus): Promise<void> {
    const cur = (set.status ?? {}) as Partial<StatefulStatus>;
    if ((Object.keys(next) as (keyof StatefulStatus)[]).every((k) => (cur[k] ?? (typeof next[k] === 'string' ? '' : 0)) === next[k])) return;
    let target: StatefulSet = set;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.ctx.client.update(statefulSets, { ...target, status: { ...(target.status ?? {}), ...next } }, 'status');
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt > 0) throw err;
        target = await this.ctx.client.get<StatefulSet>(statefulSets, set.metadata.namespace, set.metadata.name ?? '');
      }
    }
  }
}

