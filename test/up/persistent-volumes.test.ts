/**
 * Persistent volumes on `skiff up` (process runtime, sqlite store in a kept data dir) with the
 * real kubectl: a StatefulSet's volumeClaimTemplate gets a claim of the default `local-path`
 * class, provisioned on the pod's node once the pod is scheduled; what the pod wrote is read by
 * the pod that replaces it, and again after the whole cluster restarted on the same data dir.
 * Reclaim Delete removes the volume and its directory, Retain keeps both (Released); the
 * StatefulSet's retention policy deletes a scaled-away pod's claim (and all of them with the set
 * when asked); a claim of a class allowing expansion grows; a pod whose claim is missing
 * is reported, not left silent; `kubectl get pv|pvc|sc` print Kubernetes' columns (1.32, 1.27).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Event, PersistentVolume, PersistentVolumeClaim, Pod } from '../../src/api/kinds.js';
import { events, persistentVolumeClaims, persistentVolumes, pods } from '../../src/api/resources.js';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';
import { killLeftoverContainers, startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { suffix } from '../controlplane/fixtures.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-pv-e2e-'));
const mounts: string[] = [];

function mountPath(): string {
  const m = path.join(os.tmpdir(), `skiff-pv-mount-${suffix()}`);
  mounts.push(m);
  return m;
}

/** A container that appends its pod's uid to LOG in the volume, prints the file, and sleeps. */
function writer(mount: string): Record<string, unknown> {
  return {
    name: 'app', image: 'busybox',
    env: [{ name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } }],
    command: ['sh', '-c', `echo "boot $(UID)" >> ${mount}/log; cat ${mount}/log; exec sleep 600`],
    volumeMounts: [{ name: 'data', mountPath: mount }],
  };
}

function statefulSet(name: string, mount: string, replicas: number, retention?: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name },
    spec: {
      replicas, serviceName: name, podManagementPolicy: 'Parallel',
      selector: { matchLabels: { app: name } },
      ...(retention ? { persistentVolumeClaimRetentionPolicy: retention } : {}),
      template: { metadata: { labels: { app: name } }, spec: { terminationGracePeriodSeconds: 1, containers: [writer(mount)] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } } } }],
    },
  });
}

describe('persistent volumes on skiff up', () => {
  let c: UpCluster;
  let block: number | undefined;
  const start = async () => {
    const up = await startUpCluster({ nodes: 2, dataDir, datastore: `sqlite://${path.join(dataDir, 'state.db')}`, ...(block ? { block } : {}) });
    block = up.blockNumber;
    return up;
  };
  before(async () => {
    c = await start();
  });
  after(async () => {
    killLeftoverContainers(dataDir);
    await c.stop();
    rmSync(dataDir, { recursive: true, force: true });
    for (const m of mounts) rmSync(m, { recursive: true, force: true });
  });
  const client = () => c.cp.client;
  const pod = (name: string) => client().get<Pod>(pods, 'default', name).catch(() => undefined);
  const claim = (name: string) => client().get<PersistentVolumeClaim>(persistentVolumeClaims, 'default', name).catch(() => undefined);
  const volume = (name: string) => client().get<PersistentVolume>(persistentVolumes, undefined, name).catch(() => undefined);
  const running = async (name: string, notUid?: string): Promise<Pod> => waitFor(`${name} running`, async () => {
    const p = await pod(name);
    return p?.status?.phase === 'Running' && p.metadata.uid !== notUid && !p.metadata.deletionTimestamp ? p : undefined;
  }, 40_000);
  const logOf = async (name: string, lines: number): Promise<string[]> => waitFor(`${lines} lines in ${name}'s log`, async () => {
    const out = (await c.kubectl.run(['logs', name])).stdout.trim().split('\n').filter(Boolean);
    return out.length >= lines ? out : undefined;
  }, 20_000);

  test('a volumeClaimTemplate: provisioned on the pod\'s node, read by the next pod, and after a restart', async () => {
    const name = `db-${suffix()}`;
    const mount = mountPath();
    await c.kubectl.ok(['apply', '-f', '-'], { input: statefulSet(name, mount, 1) });
    const first = await running(`${name}-0`);
    const claimName = `data-${name}-0`;
    const pvc = await waitFor('the claim bound', async () => { const x = await claim(claimName); return x?.status?.phase === 'Bound' ? x : undefined; });
    assert.equal(pvc.spec.storageClassName, 'local-path');
    assert.equal(pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'], first.spec.nodeName);
    assert.equal(pvc.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    assert.deepEqual(pvc.status?.capacity, { storage: '16Mi' });
    const pv = (await volume(pvc.spec.volumeName ?? ''))!;
    assert.equal(pv.status?.phase, 'Bound');
    assert.equal(pv.spec.claimRef?.name, claimName);
    assert.deepEqual(pv.spec.nodeAffinity?.required?.nodeSelectorTerms[0]?.matchExpressions?.[0]?.values, [first.spec.nodeName]);
    assert.ok(pv.spec.local?.path.startsWith(dataDir), `the volume lives in the node's data dir: ${pv.spec.local?.path}`);
    assert.deepEqual(await logOf(`${name}-0`, 1), [`boot ${first.metadata.uid}`]);
    const evs = (await client().list<Event>(events, 'default')).items.filter((e) => e.involvedObject.name === claimName).map((e) => e.reason);
    assert.ok(evs.includes('ProvisioningSucceeded'), `events of the claim: ${evs.join(', ')}`);

    await c.kubectl.ok(['delete', 'pod', `${name}-0`]);
    const second = await running(`${name}-0`, first.metadata.uid);
    assert.equal(second.spec.nodeName, first.spec.nodeName, 'the pod follows its data');
    assert.deepEqual(await logOf(`${name}-0`, 2), [`boot ${first.metadata.uid}`, `boot ${second.metadata.uid}`]);

    killLeftoverContainers(dataDir);
    await c.stop();
    c = await start();
    await running(`${name}-0`);
    const again = (await pod(`${name}-0`))!;
    await c.kubectl.ok(['delete', 'pod', `${name}-0`]);
    const third = await running(`${name}-0`, again.metadata.uid);
    const log = await logOf(`${name}-0`, 3);
    assert.deepEqual(log.slice(0, 2), [`boot ${first.metadata.uid}`, `boot ${second.metadata.uid}`]);
    assert.equal(log[log.length - 1], `boot ${third.metadata.uid}`);
    assert.equal(readFileSync(path.join(pv.spec.local!.path, 'log'), 'utf8').trim().split('\n').length, log.length);
    await c.kubectl.ok(['delete', 'statefulset', name, '--wait=false']);
  });

  test('reclaim: Delete removes the volume and its directory; Retain keeps both, Released', async () => {
    const retain = `keep-${suffix()}`;
    await c.kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify({
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: retain },
      provisioner: 'skiff.io/local-path', reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer',
    }) });
    const made: { claim: string; pod: string; pv: PersistentVolume }[] = [];
    for (const cls of [undefined, retain]) {
      const name = `app-${suffix()}`;
      const mount = mountPath();
      await c.kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
        { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '8Mi' } }, ...(cls ? { storageClassName: cls } : {}) } },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 1, containers: [writer(mount)], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: name } }] } },
      ] }) });
      await running(name);
      await logOf(name, 1);
      const pvc = (await claim(name))!;
      made.push({ claim: name, pod: name, pv: (await volume(pvc.spec.volumeName ?? ''))! });
    }
    for (const m of made) await c.kubectl.ok(['delete', 'pod', m.pod]);
    for (const m of made) await c.kubectl.ok(['delete', 'pvc', m.claim]);
    const [deleted, kept] = made as [typeof made[0], typeof made[0]];
    await waitFor('the Delete volume gone', async () => (await volume(deleted.pv.metadata.name ?? '')) === undefined, 20_000);
    await waitFor('its directory removed', () => !existsSync(deleted.pv.spec.local!.path), 20_000);
    const released = await waitFor('the Retain volume Released', async () => { const v = await volume(kept.pv.metadata.name ?? ''); return v?.status?.phase === 'Released' ? v : undefined; }, 20_000);
    assert.equal(released.spec.persistentVolumeReclaimPolicy, 'Retain');
    assert.ok(readFileSync(path.join(kept.pv.spec.local!.path, 'log'), 'utf8').includes('boot'), 'the retained data is still there');
    const row = (await c.kubectl.ok(['get', 'pv', kept.pv.metadata.name ?? '', '--no-headers'])).trim().split(/\s+/);
    assert.deepEqual(row.slice(0, 7), [kept.pv.metadata.name, '8Mi', 'RWO', 'Retain', 'Released', `default/${kept.claim}`, retain]);
  });

  test('a StatefulSet scaled down with whenScaled: Delete loses that pod\'s claim; Retain keeps the rest', async () => {
    const name = `sc-${suffix()}`;
    await c.kubectl.ok(['apply', '-f', '-'], { input: statefulSet(name, mountPath(), 2, { whenScaled: 'Delete', whenDeleted: 'Retain' }) });
    await running(`${name}-0`);
    await running(`${name}-1`);
    await c.kubectl.ok(['scale', 'statefulset', name, '--replicas=1']);
    await waitFor('the scaled-away claim deleted', async () => (await claim(`data-${name}-1`)) === undefined, 30_000);
    assert.ok(await claim(`data-${name}-0`), 'the remaining pod keeps its claim');
    await c.kubectl.ok(['delete', 'statefulset', name]);
    await waitFor('the pods gone', async () => (await pod(`${name}-0`)) === undefined, 30_000);
    assert.ok(await claim(`data-${name}-0`), 'whenDeleted: Retain keeps the claim');
  });

  test('whenDeleted: Delete takes the claims with the set; a class with allowVolumeExpansion lets a claim grow', async () => {
    const name = `gone-${suffix()}`;
    await c.kubectl.ok(['apply', '-f', '-'], { input: statefulSet(name, mountPath(), 1, { whenScaled: 'Retain', whenDeleted: 'Delete' }) });
    await running(`${name}-0`);
    await c.kubectl.ok(['delete', 'statefulset', name]);
    await waitFor('the claim deleted with the set', async () => (await claim(`data-${name}-0`)) === undefined, 30_000);

    const cls = `grow-${suffix()}`, app = `big-${suffix()}`;
    await c.kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: cls }, provisioner: 'skiff.io/local-path', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: app }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: cls, resources: { requests: { storage: '8Mi' } } } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: app }, spec: { terminationGracePeriodSeconds: 1, containers: [writer(mountPath())], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: app } }] } },
    ] }) });
    await running(app);
    await c.kubectl.ok(['patch', 'pvc', app, '-p', JSON.stringify({ spec: { resources: { requests: { storage: '32Mi' } } } })]);
    const grown = await waitFor('grown', async () => { const x = await claim(app); return x?.status?.capacity?.['storage'] === '32Mi' ? x : undefined; }, 20_000);
    assert.equal((await volume(grown.spec.volumeName ?? ''))?.spec.capacity?.['storage'], '32Mi');
    const shrink = await c.kubectl.run(['patch', 'pvc', app, '-p', JSON.stringify({ spec: { resources: { requests: { storage: '1Mi' } } } })]);
    assert.match(shrink.stderr, /spec\.resources\.requests\.storage: Forbidden: field can not be less than previous value/);
    await c.kubectl.ok(['delete', 'pod', app, '--wait=false']);
  });

  test('a StatefulSet claim deleted under its pod: held while used, then made anew for the next pod', async () => {
    const name = `re-${suffix()}`;
    await c.kubectl.ok(['apply', '-f', '-'], { input: statefulSet(name, mountPath(), 1) });
    const first = await running(`${name}-0`);
    const old = await waitFor('bound', async () => { const x = await claim(`data-${name}-0`); return x?.status?.phase === 'Bound' ? x : undefined; });
    await c.kubectl.ok(['delete', 'pvc', `data-${name}-0`, '--wait=false']);
    const held = (await c.kubectl.ok(['get', 'pvc', `data-${name}-0`, '--no-headers'])).trim().split(/\s+/);
    assert.equal(held[1], 'Terminating', 'kept while its pod uses it');
    await c.kubectl.ok(['delete', 'pod', `${name}-0`]);
    const fresh = await waitFor('a new claim', async () => { const x = await claim(`data-${name}-0`); return x && x.metadata.uid !== old.metadata.uid ? x : undefined; }, 30_000);
    const next = await running(`${name}-0`, first.metadata.uid);
    assert.deepEqual(await logOf(`${name}-0`, 1), [`boot ${next.metadata.uid}`], 'a new, empty volume');
    assert.equal((await claim(fresh.metadata.name ?? ''))?.status?.phase, 'Bound');
    await c.kubectl.ok(['delete', 'statefulset', name, '--wait=false']);
  });

  test('a pod whose claim does not exist: FailedScheduling with the reason', async () => {
    const name = `orphan-${suffix()}`;
    const missing = `nothing-${suffix()}`;
    await c.kubectl.ok(['apply', '-f', '-'], { input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: { containers: [writer(mountPath())], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: missing } }] },
    }) });
    const out = await waitFor('FailedScheduling', async () => {
      const r = await c.kubectl.run(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'custom-columns=REASON:.reason,MESSAGE:.message', '--no-headers']);
      return r.stdout.includes('FailedScheduling') ? r.stdout : undefined;
    }, 20_000);
    assert.match(out, new RegExp(`persistentvolumeclaim "${missing}" not found`));
    await c.kubectl.ok(['delete', 'pod', name, '--wait=false']);
  });

  for (const minor of [32, 27]) {
    test(`kubectl 1.${minor}: pv, pvc and sc tables`, async () => {
      const k = new Kubectl(c.cp.server.kubeconfigPath, kubectlBinary(minor));
      const sc = (await k.ok(['get', 'sc'])).trim().split('\n');
      assert.deepEqual(sc[0]!.split(/\s{2,}/), ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE']);
      const row = sc.find((l) => l.startsWith('local-path'))!.split(/\s{2,}/);
      assert.deepEqual(row.slice(0, 5), ['local-path (default)', 'skiff.io/local-path', 'Delete', 'WaitForFirstConsumer', 'false']);
      const pv = (await k.ok(['get', 'pv'])).split('\n')[0]!.trim().split(/\s{2,}/);
      assert.deepEqual(pv, ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE']);
      const pvc = (await k.ok(['get', 'pvc'])).trim().split('\n');
      assert.deepEqual(pvc[0]!.split(/\s{2,}/), ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE']);
      const bound = pvc.slice(1).map((l) => l.split(/\s+/)).find((r) => r[1] === 'Bound')!;
      assert.match(bound[2]!, /^pvc-[0-9a-f-]{36}$/);
      assert.deepEqual([bound[4], bound[6]], ['RWO', '<unset>']);
    });
  }
});
