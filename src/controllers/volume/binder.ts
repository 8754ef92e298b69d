/**
 * The persistent volume controller (Kubernetes' pkg/controller/volume/persistentvolume): binds
 * claims to volumes, provisions volumes for classes served by skiff's local-path provisioner,
 * keeps the phases (`Pending`/`Bound`/`Lost` for claims, `Available`/`Bound`/`Released`/`Failed`
 * for volumes) and reclaims released volumes (Delete removes the volume, whose directory its node
 * agent then removes; Retain keeps both). Claims are keyed `c/NS/NAME`, volumes `v/NAME`.
 */
import type { Node, PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../api/kinds.js';
import { volumeAnnotations } from '../../api/kinds.js';
import { nodes as nodesResource, persistentVolumeClaims, persistentVolumes, storageClasses } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { quantityOf } from '../../api/quantity.js';
import type { Informer } from '../../client/informer.js';
import type { ControllerContext } from '../controller.js';
import { QueueController, isNotFound, type Syncable } from '../replication/index.js';
import { findVolume, reservedFor } from './match.js';
import { LOCAL_PATH_PROVISIONER, localPathRoot, provisionedVolume } from './provision.js';

const claimKey = (c: PersistentVolumeClaim): string => `c/${c.metadata.namespace ?? ''}/${c.metadata.name ?? ''}`;
const volumeKey = (name: string): string => `v/${name}`;

export class PersistentVolumeController extends QueueController {
  readonly name = 'persistentvolume-binder';
  private claims!: Informer<PersistentVolumeClaim>;
  private volumes!: Informer<PersistentVolume>;
  private classes!: Informer<StorageClass>;
  private nodes!: Informer<Node>;

  constructor(ctx: ControllerContext) {
    super(ctx, 2);
  }

  protected register(): readonly Syncable[] {
    this.claims = this.ctx.informers.informer<PersistentVolumeClaim>(persistentVolumeClaims);
    this.volumes = this.ctx.informers.informer<PersistentVolume>(persistentVolumes);
    this.classes = this.ctx.informers.informer<StorageClass>(storageClasses);
    this.nodes = this.ctx.informers.informer<Node>(nodesResource);
    const onClaim = (c: PersistentVolumeClaim): void => {
      this.enqueue(claimKey(c));
      if (c.spec.volumeName) this.enqueue(volumeKey(c.spec.volumeName));
    };
    this.claims.addEventHandler({
      add: onClaim,
      update: (_o, c) => onClaim(c),
      // A volume whose claim is gone is released.
      delete: (c) => {
        for (const pv of this.volumes.list()) if (reservedFor(pv, c)) this.enqueue(volumeKey(pv.metadata.name ?? ''));
      },
    });
    const onVolume = (pv: PersistentVolume): void => {
      this.enqueue(volumeKey(pv.metadata.name ?? ''));
      const ref = pv.spec.claimRef;
      if (ref?.name) this.enqueue(`c/${ref.namespace ?? ''}/${ref.name}`);
      // A volume that became available may be what a pending claim waits for.
      if (!ref) for (const c of this.claims.list()) if (!c.spec.volumeName) this.enqueue(claimKey(c));
    };
    this.volumes.addEventHandler({ add: onVolume, update: (_o, pv) => onVolume(pv), delete: onVolume });
    this.classes.addEventHandler({ add: () => this.pendingClaims(), update: () => this.pendingClaims() });
    return [this.claims, this.volumes, this.classes, this.nodes];
  }

  private pendingClaims(): void {
    for (const c of this.claims.list()) if (!c.spec.volumeName) this.enqueue(claimKey(c));
  }

  protected async sync(key: string): Promise<void> {
    if (key.startsWith('v/')) return this.syncVolume(key.slice(2));
    const claim = this.claims.get(key.slice(2));
    if (claim) await this.syncClaim(claim);
  }

  private event(obj: KubeObject, kind: string, apiVersion: string, type: 'Normal' | 'Warning', reason: string, message: string): void {
    void this.ctx.recorder.event({ ...obj, kind, apiVersion }, type, reason, message);
  }

  private claimEvent(c: PersistentVolumeClaim, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.event(c, 'PersistentVolumeClaim', 'v1', type, reason, message);
  }

  // ---- claims ----

  private async syncClaim(claim: PersistentVolumeClaim): Promise<void> {
    if (claim.spec.volumeName) return this.syncBoundClaim(claim);
    const clsName = claim.spec.storageClassName ?? '';
    const cls = clsName ? this.classes.get(clsName) : undefined;
    const selected = claim.metadata.annotations?.[volumeAnnotations.selectedNode];
    if (cls?.volumeBindingMode === 'WaitForFirstConsumer' && !selected) {
      this.claimEvent(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      return;
    }
    const node = selected ? this.nodes.get(selected) : undefined;
    const pv = findVolume(this.volumes.list(), claim, node);
    if (pv) return this.bind(claim, pv);
    if (!clsName) {
      this.claimEvent(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
      return;
    }
    if (!cls) {
      this.claimEvent(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${clsName}" not found`);
      return;
    }
    if (cls.provisioner !== LOCAL_PATH_PROVISIONER) {
      this.claimEvent(claim, 'Normal', 'ExternalProvisioning',
        `Waiting for a volume to be created either by the external provisioner '${cls.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`);
      return;
    }
    await this.provision(claim, cls, node ?? this.anyReadyNode());
  }

  /** An `Immediate` local-path claim has no consumer to follow: the first ready node by name. */
  private anyReadyNode(): Node | undefined {
    const ready = this.nodes.list().filter((n) => localPathRoot(n) && !n.spec?.unschedulable &&
      (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'));
    ready.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    return ready[0];
  }

  private async provision(claim: PersistentVolumeClaim, cls: StorageClass, node: Node | undefined): Promise<void> {
    // A directory on one node cannot be shared by pods on many.
    const modes = claim.spec.accessModes ?? [];
    if (modes.some((m) => m !== 'ReadWriteOnce' && m !== 'ReadWriteOncePod')) {
      this.claimEvent(claim, 'Warning', 'ProvisioningFailed',
        `failed to provision volume with StorageClass "${cls.metadata.name ?? ''}": ${LOCAL_PATH_PROVISIONER} only supports ReadWriteOnce and ReadWriteOncePod access modes`);
      return;
    }
    const root = node ? localPathRoot(node) : undefined;
    if (!node || !root) {
      const why = node ? `node "${node.metadata.name ?? ''}" has no local-path directory (a simulated node?)` : 'no ready node to place the volume on';
      this.claimEvent(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${cls.metadata.name ?? ''}": ${why}`);
      return;
    }
    const pv = provisionedVolume(claim, cls, node.metadata.name ?? '', root);
    this.claimEvent(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${claim.metadata.namespace ?? ''}/${claim.metadata.name ?? ''}"`);
    let created: PersistentVolume;
    try {
      created = await this.ctx.client.create<PersistentVolume>(persistentVolumes, pv);
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && (err as { code: number }).code === 409)) throw err;
      created = await this.ctx.client.get<PersistentVolume>(persistentVolumes, undefined, pv.metadata.name ?? '');
    }
    this.claimEvent(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${created.metadata.name ?? ''}`);
    await this.bind(claim, created);
  }

  /** Binds both ways: the volume's claimRef and phase, then the claim's volumeName and status. */
  private async bind(claim: PersistentVolumeClaim, pv: PersistentVolume): Promise<void> {
    const name = pv.metadata.name ?? '';
    if (!reservedFor(pv, claim) || !pv.spec.claimRef?.uid) {
      pv = await this.ctx.client.update<PersistentVolume>(persistentVolumes, {
        ...pv,
        // bound-by-controller only where the controller chose (not an administrator's claimRef).
        metadata: pv.spec.claimRef ? pv.metadata : { ...pv.metadata, annotations: { ...(pv.metadata.annotations ?? {}), [volumeAnnotations.boundByController]: 'yes' } },
        spec: {
          ...pv.spec,
          claimRef: {
            kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata.namespace, name: claim.metadata.name,
            uid: claim.metadata.uid, resourceVersion: claim.metadata.resourceVersion,
          },
        },
      });
    }
    await this.volumePhase(pv, 'Bound');
    const bound = await this.ctx.client.update<PersistentVolumeClaim>(persistentVolumeClaims, {
      ...claim,
      metadata: {
        ...claim.metadata,
        annotations: {
          ...(claim.metadata.annotations ?? {}),
          [volumeAnnotations.bindCompleted]: 'yes',
          ...(claim.spec.volumeName ? {} : { [volumeAnnotations.boundByController]: 'yes' }),
        },
      },
      spec: { ...claim.spec, volumeName: name },
    });
    await this.claimBoundStatus(bound, pv);
  }

  private async claimBoundStatus(claim: PersistentVolumeClaim, pv: PersistentVolume): Promise<void> {
    const status = { phase: 'Bound', accessModes: [...(pv.spec.accessModes ?? [])], capacity: { ...(pv.spec.capacity ?? {}) } };
    const cur = claim.status ?? {};
    if (cur.phase === 'Bound' && JSON.stringify(cur.capacity) === JSON.stringify(status.capacity) && JSON.stringify(cur.accessModes) === JSON.stringify(status.accessModes)) return;
    await this.ctx.client.update(persistentVolumeClaims, { ...claim, status: { ...cur, ...status } }, 'status');
  }

  private async syncBoundClaim(claim: PersistentVolumeClaim): Promise<void> {
    const pv = this.volumes.get(claim.spec.volumeName ?? '');
    if (!pv) {
      if (claim.status?.phase === 'Bound') {
        this.claimEvent(claim, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
        await this.ctx.client.update(persistentVolumeClaims, { ...claim, status: { ...(claim.status ?? {}), phase: 'Lost' } }, 'status');
      }
      return;
    }
    if (pv.spec.claimRef && !reservedFor(pv, claim)) {
      this.claimEvent(claim, 'Warning', 'FailedBinding', `volume "${pv.metadata.name ?? ''}" already bound to a different claim.`);
      return;
    }
    if (!pv.spec.claimRef?.uid || pv.status?.phase !== 'Bound') return this.bind(claim, pv);
    if (claim.metadata.annotations?.[volumeAnnotations.bindCompleted] !== 'yes') return this.bind(claim, pv);
    await this.growVolume(claim, pv);
    await this.claimBoundStatus(claim, pv);
  }

  /** A grown request (admission allowed it: the class allows expansion) grows a local-path
   * volume at once: a directory has no size to change. */
  private async growVolume(claim: PersistentVolumeClaim, pv: PersistentVolume): Promise<void> {
    const want = claim.spec.resources?.requests?.['storage'];
    if (!want || pv.metadata.annotations?.[volumeAnnotations.provisionedBy] !== LOCAL_PATH_PROVISIONER) return;
    if (pv.spec.capacity?.['storage'] === want) return;
    const a = quantityOf(want);
    const b = quantityOf(pv.spec.capacity?.['storage']);
    if (!a || !b || a.cmp(b) <= 0) return;
    const grown = await this.ctx.client.update<PersistentVolume>(persistentVolumes, { ...pv, spec: { ...pv.spec, capacity: { ...(pv.spec.capacity ?? {}), storage: want } } });
    this.claimEvent(claim, 'Normal', 'VolumeResizeSuccessful', `resize volume "${pv.metadata.name ?? ''}" by resizer "${LOCAL_PATH_PROVISIONER}" finished successfully`);
    await this.claimBoundStatus(claim, grown);
  }

  // ---- volumes ----

  private async volumePhase(pv: PersistentVolume, phase: string, reason?: string, message?: string): Promise<PersistentVolume> {
    if (pv.status?.phase === phase && (pv.status.message ?? undefined) === message) return pv;
    const status = { phase, ...(reason ? { reason } : {}), ...(message ? { message } : {}), lastPhaseTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    return this.ctx.client.update<PersistentVolume>(persistentVolumes, { ...pv, status }, 'status');
  }

  private async syncVolume(name: string): Promise<void> {
    const pv = this.volumes.get(name);
    if (!pv) return;
    const ref = pv.spec.claimRef;
    if (!ref) {
      if (pv.status?.phase !== 'Available' && pv.status?.phase !== 'Failed') await this.volumePhase(pv, 'Available');
      return;
    }
    const claim = await this.liveClaim(ref.namespace ?? '', ref.name ?? '');
    if (claim && (!ref.uid || ref.uid === claim.metadata.uid)) {
      if (claim.spec.volumeName === name) {
        if (pv.status?.phase !== 'Bound') await this.volumePhase(pv, 'Bound');
      } else if (!pv.status?.phase || pv.status.phase === 'Pending') {
        await this.volumePhase(pv, 'Available');
      }
      return;
    }
    if (!ref.uid) {
      // Reserved by an administrator for a claim that does not exist yet.
      if (pv.status?.phase !== 'Available') await this.volumePhase(pv, 'Available');
      return;
    }
    await this.reclaim(pv);
  }

  /** The claim from the cache, confirmed by a read when the cache does not have it (a volume is
   * never released on a stale cache). */
  private async liveClaim(ns: string, name: string): Promise<PersistentVolumeClaim | undefined> {
    const cached = this.claims.get(`${ns}/${name}`);
    if (cached) return cached;
    try {
      return await this.ctx.client.get<PersistentVolumeClaim>(persistentVolumeClaims, ns, name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async reclaim(pv: PersistentVolume): Promise<void> {
    const name = pv.metadata.name ?? '';
    if (pv.status?.phase === 'Failed') return;
    if (pv.status?.phase !== 'Released') pv = await this.volumePhase(pv, 'Released');
    const policy = pv.spec.persistentVolumeReclaimPolicy ?? 'Retain';
    if (policy === 'Retain') return;
    if (pv.metadata.annotations?.[volumeAnnotations.provisionedBy] !== LOCAL_PATH_PROVISIONER) {
      const message = 'skiff deletes only volumes of its local-path provisioner; delete this volume and its data yourself';
      this.event(pv, 'PersistentVolume', 'v1', 'Warning', 'VolumeFailedDelete', message);
      await this.volumePhase(pv, 'Failed', 'VolumeFailedDelete', message);
      return;
    }
    if (pv.metadata.deletionTimestamp) return;
    try {
      await this.ctx.client.delete(persistentVolumes, undefined, name, { preconditions: { uid: pv.metadata.uid ?? '' } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
