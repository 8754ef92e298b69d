/**
 * Storage object in-use protection (Kubernetes' pvcprotection and pvprotection controllers): a
 * deleted claim keeps its `kubernetes.io/pvc-protection` finalizer while a pod that is not
 * finished still uses it, so its data is not released under a running pod; a deleted volume keeps
 * `kubernetes.io/pv-protection` while it is bound.
 */
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '../../api/kinds.js';
import { pvcProtectionFinalizer, pvProtectionFinalizer } from '../../api/kinds.js';
import { persistentVolumeClaims, persistentVolumes, pods as podsResource } from '../../api/resources.js';
import type { ResourceType } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import type { Informer } from '../../client/informer.js';
import { claimNames } from '../../scheduler/plugins/index.js';
import type { ControllerContext } from '../controller.js';
import { QueueController, isNotFound, type Syncable } from '../replication/index.js';

const byClaim = 'volume-protection/claim';

export class VolumeProtectionController extends QueueController {
  readonly name = 'volume-protection';
  private claims!: Informer<PersistentVolumeClaim>;
  private volumes!: Informer<PersistentVolume>;
  private pods!: Informer<Pod>;

  constructor(ctx: ControllerContext) {
    super(ctx, 1);
  }

  protected register(): readonly Syncable[] {
    this.claims = this.ctx.informers.informer<PersistentVolumeClaim>(persistentVolumeClaims);
    this.volumes = this.ctx.informers.informer<PersistentVolume>(persistentVolumes);
    this.pods = this.ctx.informers.informer<Pod>(podsResource);
    this.pods.addIndex(byClaim, (p) => claimNames(p).map((n) => `${p.metadata.namespace ?? ''}/${n}`));
    const claim = (c: PersistentVolumeClaim): void => {
      if (c.metadata.deletionTimestamp) this.enqueue(`c/${c.metadata.namespace ?? ''}/${c.metadata.name ?? ''}`);
    };
    this.claims.addEventHandler({ add: claim, update: (_o, c) => claim(c) });
    const volume = (v: PersistentVolume): void => {
      if (v.metadata.deletionTimestamp) this.enqueue(`v/${v.metadata.name ?? ''}`);
    };
    this.volumes.addEventHandler({ add: volume, update: (_o, v) => volume(v) });
    const pod = (p: Pod): void => {
      for (const n of claimNames(p)) this.enqueue(`c/${p.metadata.namespace ?? ''}/${n}`);
    };
    this.pods.addEventHandler({ update: (_o, p) => pod(p), delete: pod });
    return [this.claims, this.volumes, this.pods];
  }

  protected async sync(key: string): Promise<void> {
    if (key.startsWith('v/')) {
      const pv = this.volumes.get(key.slice(2));
      if (pv?.metadata.deletionTimestamp && pv.status?.phase !== 'Bound') await this.release(persistentVolumes, pv, pvProtectionFinalizer);
      return;
    }
    const c = this.claims.get(key.slice(2));
    if (!c?.metadata.deletionTimestamp) return;
    const users = this.pods.byIndex(byClaim, key.slice(2)).filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    if (users.length === 0) await this.release(persistentVolumeClaims, c, pvcProtectionFinalizer);
  }

  private async release(r: ResourceType, obj: KubeObject, finalizer: string): Promise<void> {
    const finalizers = obj.metadata.finalizers ?? [];
    if (!finalizers.includes(finalizer)) return;
    try {
      await this.ctx.client.patch(r, obj.metadata.namespace, obj.metadata.name ?? '', {
        metadata: { resourceVersion: obj.metadata.resourceVersion, finalizers: finalizers.filter((f) => f !== finalizer) },
      }, 'merge');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
