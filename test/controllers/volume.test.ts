/**
 * The persistent volume and protection controllers against a real in-process API server: static
 * volumes bind to claims by class, size and access modes (both sides annotated, phases Bound), a
 * released Retain volume stays Released, a static Delete volume skiff cannot delete is Failed with
 * an event, an Immediate class of an external provisioner says it waits for it, a claim grows
 * only when its class allows expansion, the default class is set on claims without one, and
 * finalizers hold a claim while a pod uses it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '../../src/api/kinds.js';
import { persistentVolumeClaims, persistentVolumes, pods, storageClasses } from '../../src/api/resources.js';
import { PersistentVolumeController, VolumeProtectionController } from '../../src/controllers/volume/index.js';
import { ApiError } from '../../src/api/errors.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { eventsFor, runController, type Running } from './fixtures.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

let cluster: TestCluster;
let running: Running[] = [];

before(async () => {
  cluster = await startTestCluster();
  running = [await runController(cluster, (ctx) => new PersistentVolumeController(ctx)), await runController(cluster, (ctx) => new VolumeProtectionController(ctx))];
});

after(async () => {
  for (const r of running) await r.stop();
  await cluster.stop();
});

const client = () => cluster.client;
const getPv = (n: string) => client().get<PersistentVolume>(persistentVolumes, undefined, n).catch(() => undefined);
const getPvc = (n: string) => client().get<PersistentVolumeClaim>(persistentVolumeClaims, 'default', n).catch(() => undefined);

function staticVolume(name: string, size: string, spec: Partial<PersistentVolume['spec']> = {}): PersistentVolume {
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/tmp/${name}` }, storageClassName: '', ...spec } };
}

function claimOf(name: string, size: string, spec: Partial<PersistentVolumeClaim['spec']> = {}): PersistentVolumeClaim {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, storageClassName: '', ...spec } };
}

describe('binding', () => {
  test('a claim binds to the smallest fitting static volume; both sides say so', async () => {
    const s = suffix();
    const n = randomInt(2, 4);
    for (let i = 0; i < n; i++) await client().create(persistentVolumes, staticVolume(`pv-${s}-${i}`, `${(i + 1) * 100}Mi`));
    const claim = await client().create<PersistentVolumeClaim>(persistentVolumeClaims, claimOf(`c-${s}`, '150Mi'));
    const bound = await waitFor('claim Bound', async () => { const c = await getPvc(`c-${s}`); return c?.status?.phase === 'Bound' ? c : undefined; });
    assert.equal(bound.spec.volumeName, `pv-${s}-1`);
    assert.deepEqual(bound.status?.capacity, { storage: '200Mi' });
    assert.equal(bound.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(bound.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    assert.deepEqual(bound.metadata.finalizers, ['kubernetes.io/pvc-protection']);
    const pv = await waitFor('volume Bound', async () => { const v = await getPv(`pv-${s}-1`); return v?.status?.phase === 'Bound' ? v : undefined; });
    assert.equal(pv.spec.claimRef?.uid, claim.metadata.uid);
    assert.deepEqual(pv.metadata.finalizers, ['kubernetes.io/pv-protection']);
    await waitFor('the others Available', async () => (await Promise.all([...Array(n).keys()].filter((i) => i !== 1).map((i) => getPv(`pv-${s}-${i}`)))).every((v) => v?.status?.phase === 'Available'));

    // Released and kept (Retain, the default of a static volume); the protections let both go.
    await client().delete(persistentVolumeClaims, 'default', `c-${s}`);
    await waitFor('claim gone', async () => (await getPvc(`c-${s}`)) === undefined);
    await waitFor('volume Released', async () => (await getPv(`pv-${s}-1`))?.status?.phase === 'Released');
    await client().delete(persistentVolumes, undefined, `pv-${s}-1`);
    await waitFor('volume gone', async () => (await getPv(`pv-${s}-1`)) === undefined);
  });

  test('a released static volume with Delete fails with the reason (skiff deletes only its own)', async () => {
    const s = suffix();
    await client().create(persistentVolumes, staticVolume(`pv-${s}`, '1Gi', { persistentVolumeReclaimPolicy: 'Delete' }));
    await client().create(persistentVolumeClaims, claimOf(`c-${s}`, '1Gi'));
    await waitFor('bound', async () => (await getPvc(`c-${s}`))?.status?.phase === 'Bound');
    await client().delete(persistentVolumeClaims, 'default', `c-${s}`);
    const failed = await waitFor('Failed', async () => { const v = await getPv(`pv-${s}`); return v?.status?.phase === 'Failed' ? v : undefined; });
    assert.equal(failed.status?.reason, 'VolumeFailedDelete');
    assert.ok((await eventsFor(client(), failed)).some((e) => e.startsWith('VolumeFailedDelete: skiff deletes only volumes of its local-path provisioner')));
  });

  test('a claim naming its volume gets that one, and the annotations say the user chose', async () => {
    const s = suffix();
    await client().create(persistentVolumes, staticVolume(`small-${s}`, '1Gi'));
    await client().create(persistentVolumes, staticVolume(`chosen-${s}`, '5Gi'));
    await client().create(persistentVolumeClaims, claimOf(`c-${s}`, '1Gi', { volumeName: `chosen-${s}` }));
    const bound = await waitFor('Bound', async () => { const c = await getPvc(`c-${s}`); return c?.status?.phase === 'Bound' ? c : undefined; });
    assert.equal(bound.spec.volumeName, `chosen-${s}`);
    assert.equal(bound.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined);
    const pv = await waitFor('the volume Bound', async () => { const v = await getPv(`chosen-${s}`); return v?.status?.phase === 'Bound' ? v : undefined; });
    assert.equal(pv.spec.claimRef?.name, `c-${s}`);
    assert.equal((await getPv(`small-${s}`))?.spec.claimRef, undefined);
  });

  test('no class and no volume: the claim stays Pending and says why', async () => {
    const claim = await client().create<PersistentVolumeClaim>(persistentVolumeClaims, claimOf(`lonely-${suffix()}`, '1Ti'));
    await waitFor('FailedBinding', async () => (await eventsFor(client(), claim)).includes('FailedBinding: no persistent volumes available for this claim and no storage class is set'));
    assert.equal((await getPvc(claim.metadata.name ?? ''))?.status?.phase, 'Pending');
  });

  test('an Immediate class of an external provisioner: ExternalProvisioning', async () => {
    const cls = `ext-${suffix()}`;
    await client().create(storageClasses, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: cls }, provisioner: 'example.com/disk' });
    const claim = await client().create<PersistentVolumeClaim>(persistentVolumeClaims, claimOf(`ext-${suffix()}`, '1Gi', { storageClassName: cls }));
    await waitFor('ExternalProvisioning', async () => (await eventsFor(client(), claim)).some((e) => e.startsWith(`ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'example.com/disk'`)));
  });

  test('the default class is set on a claim without one; its WaitForFirstConsumer is announced', async () => {
    const claim = await client().create<PersistentVolumeClaim>(persistentVolumeClaims, { ...claimOf(`dflt-${suffix()}`, '1Gi'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    assert.equal(claim.spec.storageClassName, 'local-path');
    await waitFor('WaitForFirstConsumer', async () => (await eventsFor(client(), claim)).includes('WaitForFirstConsumer: waiting for first consumer to be created before binding'));
  });

  test('local-path refuses access modes a single node cannot serve: ProvisioningFailed', async () => {
    const claim = await client().create<PersistentVolumeClaim>(persistentVolumeClaims, {
      ...claimOf(`shared-${suffix()}`, '1Gi', { storageClassName: 'local-path', accessModes: ['ReadWriteMany'] }),
      metadata: { name: `shared-${suffix()}`, namespace: 'default', annotations: { 'volume.kubernetes.io/selected-node': `n-${suffix()}` } },
    });
    await waitFor('ProvisioningFailed', async () => (await eventsFor(client(), claim)).includes(
      'ProvisioningFailed: failed to provision volume with StorageClass "local-path": skiff.io/local-path only supports ReadWriteOnce and ReadWriteOncePod access modes'));
  });
});

describe('expansion', () => {
  test('a claim of a class without allowVolumeExpansion may not grow', async () => {
    const s = suffix();
    await client().create(persistentVolumes, staticVolume(`pv-${s}`, '1Gi'));
    await client().create(persistentVolumeClaims, claimOf(`c-${s}`, '1Gi'));
    await waitFor('bound', async () => (await getPvc(`c-${s}`))?.status?.phase === 'Bound');
    await assert.rejects(
      client().patch(persistentVolumeClaims, 'default', `c-${s}`, { spec: { resources: { requests: { storage: '2Gi' } } } }),
      (err: unknown) => err instanceof ApiError && err.code === 403 &&
        err.message.includes(`persistentvolumeclaims "c-${s}" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize`),
    );
  });
});

describe('protection', () => {
  test('a claim in use by a pod is kept (Terminating) until the pod is gone', async () => {
    const s = suffix();
    await client().create(persistentVolumeClaims, claimOf(`c-${s}`, '1Gi'));
    await client().create<Pod>(pods, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${s}`, namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: `c-${s}` } }] },
    } as Pod);
    await client().delete(persistentVolumeClaims, 'default', `c-${s}`);
    await new Promise((r) => setTimeout(r, 300));
    const held = await getPvc(`c-${s}`);
    assert.ok(held?.metadata.deletionTimestamp, 'still there, being deleted');
    await client().delete(pods, 'default', `p-${s}`, { gracePeriodSeconds: 0 });
    await waitFor('claim gone once the pod is', async () => (await getPvc(`c-${s}`)) === undefined);
  });
});
