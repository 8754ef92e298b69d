/**
 * Live volumes on `skiff up --runtime oci` (runc), through the real kubectl: a memory-backed
 * emptyDir is a tmpfs in the container, a subPathExpr mount lands in the pod's own directory of
 * the volume, a ConfigMap volume follows edits of its source (a new key starts the filling), and an emptyDir written past its
 * sizeLimit gets the pod evicted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';
import { ociClusterPerFile, ociImage } from './ocicluster.js';

const cluster = ociClusterPerFile();
const image = ociImage;
const get = (name: string) => cluster().cp.client.get<Pod>(pods, 'default', name);

test('oci: tmpfs emptyDir, subPathExpr, a ConfigMap edit seen in place, sizeLimit eviction', async () => {
  const name = `oci-vol-${suffix()}`, cm = `conf-${suffix()}`, v1 = `a-${suffix()}`, v2 = `b-${suffix()}`;
  const limitMi = randomInt(1, 2);
  await cluster().kubectl.ok(['create', 'configmap', cm, `--from-literal=level=${v1}`]);
  await cluster().kubectl.ok(['create', '-f', '-'], { input: JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: {
      volumes: [{ name: 'ram', emptyDir: { medium: 'Memory' } }, { name: 'shared', emptyDir: {} }, { name: 'conf', configMap: { name: cm } },
        { name: 'small', emptyDir: { sizeLimit: `${limitMi}Mi` } }],
      containers: [{
        name: 'app', image,
        env: [{ name: 'ME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        volumeMounts: [{ name: 'ram', mountPath: '/ram' }, { name: 'shared', mountPath: '/all' }, { name: 'shared', mountPath: '/mine', subPathExpr: '$(ME)' },
          { name: 'conf', mountPath: '/conf' }, { name: 'small', mountPath: '/small' }],
        command: ['sh', '-c', 'echo x > /mine/f; echo "fs=$(stat -f -c %T /ram) own=$(cat /all/$ME/f)"; ' +
          'while [ ! -f /conf/go ]; do echo "level=$(cat /conf/level)"; sleep 0.5; done; ' +
          `head -c ${(limitMi + 1) * 1024 * 1024} /dev/zero > /small/blob; echo filled; exec sleep 600`],
      }],
    },
  }) });
  await waitFor('the first lines', async () => (await cluster().kubectl.ok(['logs', name])).includes(`level=${v1}`), 60_000);
  assert.match(await cluster().kubectl.ok(['logs', name]), /fs=tmpfs own=x\n/);
  await cluster().kubectl.ok(['patch', 'configmap', cm, '-p', JSON.stringify({ data: { level: v2 } })]);
  await waitFor('the edited value', async () => (await cluster().kubectl.ok(['logs', name, '--tail=1'])).includes(`level=${v2}`), 30_000);
  assert.equal((await get(name)).status?.containerStatuses?.[0]?.restartCount, 0);
  await cluster().kubectl.ok(['patch', 'configmap', cm, '-p', JSON.stringify({ data: { go: 'now' } })]);
  const p = await waitFor('evicted', async () => { const x = await get(name); return x.status?.phase === 'Failed' ? x : undefined; }, 30_000);
  assert.equal(p.status?.reason, 'Evicted');
  assert.equal(p.status?.message, `Usage of EmptyDir volume "small" exceeds the limit "${limitMi}Mi". `);
  await cluster().kubectl.ok(['delete', 'pod', name, '--wait=true']);
});
