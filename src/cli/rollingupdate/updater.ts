/**
 * The rollout loop of kubectl's old `rolling-update`, over the API: create (or find) the next
 * controller at 0 replicas, then alternately grow it and shrink the old one by what
 * {@link scaleUpTo}/{@link scaleDownTo} allow, waiting `updatePeriod` between the two and for each
 * controller to reach its size; at the end delete the old controller and, when the old name is
 * kept, rename the next one (orphan-delete it, then create it again under the old name so it
 * adopts the same pods). Every step is recorded in annotations, so running the command again
 * after an interruption resumes where it stopped.
 */
import type { Pod, ReplicationController } from '../../api/kinds.js';
import { pods, replicationControllers } from '../../api/resources.js';
import { ApiError } from '../../api/errors.js';
import type { RestClient } from '../../client/index.js';
import { desiredOf, desiredReplicasAnnotation, originalReplicasAnnotation, RollingUpdateError, sourceIdAnnotation } from './controllers.js';
import { done, limits, scaleDownTo, scaleUpTo, startLine } from './planner.js';

export type CleanupPolicy = 'rename' | 'delete';

export interface UpdaterConfig {
  readonly client: RestClient;
  readonly namespace: string;
  readonly out: (line: string) => void;
  readonly updatePeriodMs: number;
  readonly pollIntervalMs: number;
  readonly timeoutMs: number;
  readonly cleanup: CleanupPolicy;
  /** Injected in tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.code === 404;
const isConflict = (e: unknown): boolean => e instanceof ApiError && e.code === 409;

export class RollingUpdater {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly cfg: UpdaterConfig) {
    this.sleep = cfg.sleep ?? defaultSleep;
    this.now = cfg.now ?? Date.now;
  }

  private get rcs() {
    return { get: (name: string) => this.cfg.client.get<ReplicationController>(replicationControllers, this.cfg.namespace, name) };
  }

  /** Gets, changes and PUTs an RC, again on a conflict. */
  async updateRc(name: string, change: (rc: ReplicationController) => void): Promise<ReplicationController> {
    for (let attempt = 0; ; attempt++) {
      const rc = await this.rcs.get(name);
      change(rc);
      try {
        return await this.cfg.client.update(replicationControllers, rc);
      } catch (e) {
        if (!isConflict(e) || attempt > 20) throw e;
      }
    }
  }

  /** Creates `next` at 0 replicas with the update annotations, or returns the one already there
   * (then checks it belongs to this update). */
  async getOrCreateNext(next: ReplicationController, source: string): Promise<{ rc: ReplicationController; existed: boolean }> {
    const name = next.metadata.name ?? '';
    try {
      const existing = await this.rcs.get(name);
      const a = existing.metadata.annotations ?? {};
      if (a[sourceIdAnnotation] !== source || desiredOf(existing) === undefined) {
        throw new RollingUpdateError(`Missing/unexpected annotations for controller ${name}, expected ${source} : ${JSON.stringify(a)}`);
      }
      return { rc: existing, existed: true };
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    const replicas = next.spec.replicas ?? 1;
    if (replicas <= 0) throw new RollingUpdateError(`Invalid controller spec for ${name}; required: > 0 replicas, actual: ${replicas}`);
    const body: ReplicationController = {
      ...next,
      metadata: { ...next.metadata, annotations: { ...(next.metadata.annotations ?? {}), [desiredReplicasAnnotation]: String(replicas), [sourceIdAnnotation]: source } },
      spec: { ...next.spec, replicas: 0 },
    };
    return { rc: await this.cfg.client.create(replicationControllers, body), existed: false };
  }

  /** Runs the rollout from `oldRc` to `next` and cleans up; returns the surviving controller. */
  async update(oldRc: ReplicationController, next: ReplicationController, source: string): Promise<ReplicationController> {
    const { rc: created, existed } = await this.getOrCreateNext(next, source);
    let newRc = created;
    this.cfg.out(existed ? `Continuing update with existing controller ${newRc.metadata.name ?? ''}.` : `Created ${newRc.metadata.name ?? ''}`);
    const desired = desiredOf(newRc) ?? 0;
    const oldName = oldRc.metadata.name ?? '';
    if (oldRc.metadata.annotations?.[originalReplicasAnnotation] === undefined) {
      oldRc = await this.updateRc(oldName, (rc) => {
        rc.metadata.annotations = { ...(rc.metadata.annotations ?? {}), [originalReplicasAnnotation]: String(rc.spec.replicas ?? 0) };
      });
    }
    const l = limits(desired, oldRc.spec.replicas ?? 0);
    this.cfg.out(startLine(newRc.metadata.name ?? '', newRc.spec.replicas ?? 0, oldName, oldRc.spec.replicas ?? 0, l));
    let deadline = this.now() + this.cfg.timeoutMs;
    while (!done(l, { oldReplicas: oldRc.spec.replicas ?? 0, newReplicas: newRc.spec.replicas ?? 0 })) {
      const before = [oldRc.spec.replicas, newRc.spec.replicas];
      const up = scaleUpTo(l, { oldReplicas: oldRc.spec.replicas ?? 0, newReplicas: newRc.spec.replicas ?? 0, newAvailable: 0 });
      if (up !== undefined) {
        this.cfg.out(`Scaling ${newRc.metadata.name ?? ''} up to ${up}`);
        newRc = await this.scaleAndWait(newRc.metadata.name ?? '', up);
      }
      await this.sleep(this.cfg.updatePeriodMs);
      const newAvailable = await this.available(newRc, newRc.spec.minReadySeconds ?? 0);
      const down = scaleDownTo(l, { oldReplicas: oldRc.spec.replicas ?? 0, newReplicas: newRc.spec.replicas ?? 0, newAvailable });
      if (down !== undefined) {
        this.cfg.out(`Scaling ${oldName} down to ${down}`);
        oldRc = await this.scaleAndWait(oldName, down);
      }
      if (before[0] !== oldRc.spec.replicas || before[1] !== newRc.spec.replicas) deadline = this.now() + this.cfg.timeoutMs;
      else if (this.now() > deadline) throw new RollingUpdateError('timed out waiting for any update progress to be made');
    }
    return this.cleanupAfter(oldRc, newRc);
  }

  /** Drops the update annotations, waits for the next RC to settle, deletes the old one and
   * renames the next one when the old name is kept. */
  async cleanupAfter(oldRc: ReplicationController, newRc: ReplicationController): Promise<ReplicationController> {
    const newName = newRc.metadata.name ?? '';
    const oldName = oldRc.metadata.name ?? '';
    newRc = await this.updateRc(newName, (rc) => {
      const a = { ...(rc.metadata.annotations ?? {}) };
      delete a[sourceIdAnnotation];
      delete a[desiredReplicasAnnotation];
      rc.metadata.annotations = a;
    });
    newRc = await this.waitSettled(newName);
    if (this.cfg.cleanup === 'delete') {
      this.cfg.out(`Update succeeded. Deleting ${oldName}`);
      await this.deleteIfPresent(oldName, 'Background');
      return newRc;
    }
    this.cfg.out(`Update succeeded. Deleting old controller: ${oldName}`);
    await this.deleteIfPresent(oldName, 'Background');
    // kubectl's own (inverted) wording, as the seed prints it.
    this.cfg.out(`Renaming ${oldName} to ${newName}`);
    return this.rename(newRc, oldName);
  }

  /** Orphan-deletes `rc` and creates it again as `name`; the new one adopts the orphaned pods. */
  async rename(rc: ReplicationController, name: string): Promise<ReplicationController> {
    const from = rc.metadata.name ?? '';
    await this.deleteIfPresent(from, 'Orphan');
    await this.waitGone(from);
    const { namespace, labels, annotations } = rc.metadata;
    const body = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
      spec: rc.spec,
    } as ReplicationController;
    return this.cfg.client.create(replicationControllers, body);
  }

  private async deleteIfPresent(name: string, propagationPolicy: string): Promise<void> {
    try {
      await this.cfg.client.delete(replicationControllers, this.cfg.namespace, name, { propagationPolicy });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async waitGone(name: string): Promise<void> {
    const until = this.now() + Math.max(this.cfg.timeoutMs, 60_000);
    for (;;) {
      try {
        await this.rcs.get(name);
      } catch (e) {
        if (isNotFound(e)) return;
        throw e;
      }
      if (this.now() > until) throw new RollingUpdateError(`timed out waiting for ${name} to be deleted`);
      await this.sleep(Math.min(this.cfg.pollIntervalMs, 1000));
    }
  }

  /** Sets spec.replicas and waits until the controller reports that many pods. */
  async scaleAndWait(name: string, replicas: number): Promise<ReplicationController> {
    await this.updateRc(name, (rc) => {
      rc.spec.replicas = replicas;
    });
    return this.waitSettled(name);
  }

  private async waitSettled(name: string): Promise<ReplicationController> {
    const until = this.now() + this.cfg.timeoutMs;
    for (;;) {
      const rc = await this.rcs.get(name);
      const observed = (rc.status?.observedGeneration ?? 0) >= (rc.metadata.generation ?? 0);
      if (observed && (rc.status?.replicas ?? 0) === (rc.spec.replicas ?? 0)) return rc;
      if (this.now() > until) throw new RollingUpdateError(`timed out waiting for ${name} to have ${rc.spec.replicas ?? 0} replicas`);
      await this.sleep(this.cfg.pollIntervalMs);
    }
  }

  /** Pods of `rc` that are available: Ready for `minReadySeconds`, not being deleted. */
  async available(rc: ReplicationController, minReadySeconds: number): Promise<number> {
    const selector = Object.entries(rc.spec.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    const list = await this.cfg.client.list<Pod>(pods, this.cfg.namespace, { labelSelector: selector });
    const now = this.now();
    return list.items.filter((p) => {
      if (p.metadata.deletionTimestamp) return false;
      const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
      if (ready?.status !== 'True') return false;
      if (minReadySeconds <= 0) return true;
      const since = Date.parse(ready.lastTransitionTime ?? '');
      return !Number.isNaN(since) && since + minReadySeconds * 1000 <= now;
    }).length;
  }
}
