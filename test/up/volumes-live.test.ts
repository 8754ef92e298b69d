/**
 * Volumes that live with the pod on `skiff up` (process runtime), seen through the real kubectl:
 * a pod that writes more than its emptyDir's `sizeLimit` is evicted (Failed, reason Evicted,
 * kubelet's message, a Warning event, its container stopped) while one under its limit keeps
 * running; ConfigMap and Secret volumes follow edits of their sources in a running pod (changed
 * keys rewritten, removed keys gone).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

describe('live volumes on skiff up', () => {
  let c: UpCluster;
  const mountRoots: string[] = [];
  before(async () => {
    c = await startUpCluster({ nodes: 1 });
  });
  after(async () => {
    await c.stop();
    for (const m of mountRoots) rmSync(m, { recursive: true, force: true });
  });
  const get = (name: string) => c.cp.client.get<Pod>(pods, 'default', name);
  const mountPath = () => {
    const m = path.join(os.tmpdir(), `skiff-sizelimit-e2e-${suffix()}`);
    mountRoots.push(m);
    return m;
  };
  /** A pod writing `mib` MiB into an emptyDir limited to `limit`, then sleeping. */
  const podWriting = (name: string, volume: string, limit: string, mib: number) => {
    const m = mountPath();
    return {
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: {
        volumes: [{ name: volume, emptyDir: { sizeLimit: limit } }],
        containers: [{
          name: 'app', image: 'busybox', volumeMounts: [{ name: volume, mountPath: m }],
          command: ['sh', '-c', `head -c ${mib * 1024 * 1024} /dev/urandom > ${m}/blob; echo written; sleep 600`],
        }],
      },
    };
  };

  test('over the limit: evicted with kubelet\'s message and a Warning event; under it: keeps running', async () => {
    const limitMi = randomInt(1, 3);
    const over = `hog-${suffix()}`, under = `tidy-${suffix()}`;
    const overVol = `scratch-${suffix()}`, underVol = `cache-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify({
      apiVersion: 'v1', kind: 'List',
      items: [podWriting(over, overVol, `${limitMi}Mi`, limitMi + 1), podWriting(under, underVol, `${limitMi + 2}Mi`, limitMi)],
    }) });
    const p = await waitFor('the hog Failed', async () => { const x = await get(over); return x.status?.phase === 'Failed' ? x : undefined; }, 30_000);
    const message = `Usage of EmptyDir volume "${overVol}" exceeds the limit "${limitMi}Mi". `;
    assert.equal(p.status?.reason, 'Evicted');
    assert.equal(p.status?.message, message);
    const described = await c.kubectl.ok(['describe', 'pod', over]);
    assert.match(described, /Status:\s+Failed/);
    assert.match(described, /Reason:\s+Evicted/);
    const events = await waitFor('the Evicted event', async () => {
      const text = await c.kubectl.ok(['get', 'events', '--field-selector', `involvedObject.name=${over}`]);
      return text.includes('Evicted') ? text : undefined;
    });
    assert.match(events, new RegExp(`Warning\\s+Evicted\\s+pod/${over}\\s+Usage of EmptyDir volume "${overVol}" exceeds the limit "${limitMi}Mi"`));
    await waitFor('the hog\'s container stopped', async () => (await get(over)).status?.containerStatuses?.[0]?.state?.terminated !== undefined, 20_000);
    // The tidy pod wrote its data before the hog was found, and has been measured since.
    await waitFor('the tidy pod wrote', async () => (await c.kubectl.ok(['logs', under])).includes('written'), 20_000);
    await new Promise((r) => setTimeout(r, 4000));
    const t = await get(under);
    assert.equal(t.status?.phase, 'Running');
    assert.match(await c.kubectl.ok(['get', 'pod', under, '--no-headers']), /\s1\/1\s+Running\s/);
  });

  test('ConfigMap and Secret volumes follow their sources in a running pod', async () => {
    const name = `reader-${suffix()}`, cm = `conf-${suffix()}`, secret = `cred-${suffix()}`;
    const v1 = `v1-${suffix()}`, v2 = `v2-${suffix()}`, t1 = `t1-${suffix()}`, t2 = `t2-${suffix()}`;
    const mc = mountPath(), ms = mountPath();
    await c.kubectl.ok(['create', 'configmap', cm, `--from-literal=level=${v1}`, '--from-literal=extra=here']);
    await c.kubectl.ok(['create', 'secret', 'generic', secret, `--from-literal=token=${t1}`]);
    await c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: {
        volumes: [{ name: 'conf', configMap: { name: cm } }, { name: 'cred', secret: { secretName: secret } }],
        containers: [{
          name: 'app', image: 'busybox',
          volumeMounts: [{ name: 'conf', mountPath: mc }, { name: 'cred', mountPath: ms, readOnly: true }],
          command: ['sh', '-c', `while true; do echo "level=$(cat ${mc}/level) extra=$(cat ${mc}/extra 2>/dev/null || echo gone) token=$(cat ${ms}/token)"; sleep 0.5; done`],
        }],
      },
    }) });
    await waitFor('the first contents', async () => (await c.kubectl.ok(['logs', name])).includes(`level=${v1} extra=here token=${t1}`), 20_000);
    await c.kubectl.ok(['patch', 'configmap', cm, '--type=json', '-p', JSON.stringify([
      { op: 'replace', path: '/data/level', value: v2 }, { op: 'remove', path: '/data/extra' }])]);
    await c.kubectl.ok(['patch', 'secret', secret, '-p', JSON.stringify({ stringData: { token: t2 } })]);
    await waitFor('the edited contents', async () => (await c.kubectl.ok(['logs', name, '--tail=1'])).includes(`level=${v2} extra=gone token=${t2}`), 30_000);
    const p = await get(name);
    assert.equal(p.status?.phase, 'Running');
    assert.equal(p.status?.containerStatuses?.[0]?.restartCount, 0, 'updated in place, not by a restart');
  });

  test('subPath and subPathExpr: directories made inside the volume, $(VAR) from the environment; both at once refused', async () => {
    const name = `writer-${suffix()}`, nested = `logs-${suffix()}/deep`;
    const whole = mountPath(), own = mountPath(), fixed = mountPath();
    await c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: {
        volumes: [{ name: 'shared', emptyDir: {} }],
        containers: [{
          name: 'app', image: 'busybox',
          env: [{ name: 'MY_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          volumeMounts: [
            { name: 'shared', mountPath: whole },
            { name: 'shared', mountPath: own, subPathExpr: '$(MY_POD)' },
            { name: 'shared', mountPath: fixed, subPath: nested },
          ],
          command: ['sh', '-c', `echo mine > ${own}/f; echo fixed > ${fixed}/g; echo "own=$(cat ${whole}/${name}/f) fixed=$(cat ${whole}/${nested}/g)"; sleep 600`],
        }],
      },
    }) });
    await waitFor('the container wrote through its subpaths', async () => (await c.kubectl.ok(['logs', name])).includes('own=mine fixed=fixed'), 20_000);
    const bad = await c.kubectl.run(['create', '-f', '-'], { input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: `both-${suffix()}` },
      spec: {
        volumes: [{ name: 'shared', emptyDir: {} }],
        containers: [{ name: 'app', image: 'busybox', command: ['sleep', '1'], volumeMounts: [{ name: 'shared', mountPath: mountPath(), subPath: 'a', subPathExpr: '$(X)' }] }],
      },
    }) });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec\.containers\[0\]\.volumeMounts\[0\]\.subPathExpr: Invalid value: "\$\(X\)": subPathExpr and subPath are mutually exclusive/);
  });

  test('downwardAPI volume: the pod\'s name, labels and a container\'s limit as files', async () => {
    const name = `labelled-${suffix()}`, tier = `t${suffix()}`;
    const m = mountPath();
    await c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { tier, app: 'web' } },
      spec: {
        volumes: [{ name: 'info', downwardAPI: { items: [
          { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
          { path: 'meta/labels', fieldRef: { fieldPath: 'metadata.labels' } },
          { path: 'mem', resourceFieldRef: { containerName: 'app', resource: 'limits.memory', divisor: '1Mi' } },
        ] } }],
        containers: [{
          name: 'app', image: 'busybox', resources: { limits: { memory: '64Mi' } }, volumeMounts: [{ name: 'info', mountPath: m }],
          command: ['sh', '-c', `echo "name=$(cat ${m}/name) mem=$(cat ${m}/mem)"; cat ${m}/meta/labels; echo; sleep 600`],
        }],
      },
    }) });
    const logs = await waitFor('the files', async () => { const t = await c.kubectl.ok(['logs', name]); return t.includes('tier=') ? t : undefined; }, 20_000);
    assert.match(logs, new RegExp(`name=${name} mem=64\n`));
    assert.match(logs, new RegExp(`app="web"\ntier="${tier}"`));
  });

  test('emptyDir medium Memory: on a tmpfs, gone with the pod', async () => {
    const name = `ram-${suffix()}`, token = `k-${suffix()}`;
    const m = mountPath();
    await c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: {
        volumes: [{ name: 'ram', emptyDir: { medium: 'Memory' } }],
        containers: [{ name: 'app', image: 'busybox', volumeMounts: [{ name: 'ram', mountPath: m }], command: ['sh', '-c', `echo ${token} > ${m}/k; echo "fs=$(stat -f -L -c %T ${m}/k) k=$(cat ${m}/k)"; sleep 600`] }],
      },
    }) });
    await waitFor('the file on tmpfs', async () => (await c.kubectl.ok(['logs', name])).includes(`fs=tmpfs k=${token}`), 20_000);
    const uid = (await get(name)).metadata.uid ?? '';
    const held = () => readdirSync('/dev/shm').filter((d) => d.startsWith('skiff-') && existsSync(path.join('/dev/shm', d, uid)));
    assert.equal(held().length, 1, 'the volume is under /dev/shm');
    await c.kubectl.ok(['delete', 'pod', name, '--wait=true', '--grace-period=1']);
    await waitFor('the tmpfs dir removed', async () => held().length === 0, 20_000);
  });
});
