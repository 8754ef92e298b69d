/**
 * Init containers and a sidecar on `skiff up --runtime oci` (runc), through the real kubectl:
 * the init containers run one after another in their own containers, sharing an emptyDir with
 * the app, which sees what they wrote in order; a sidecar runs next to the app (2/2 Ready); a
 * failing init container under restartPolicy Never fails the pod (`Init:Error`).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { installOciPackages, RootfsImages } from '../helpers/rootfs-image.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

let c: UpCluster;
let images: RootfsImages;
before(async () => {
  await installOciPackages();
  images = await RootfsImages.create();
  c = await startUpCluster({ nodes: 1, runtime: 'oci', images, restartBackoffMs: 300 });
});
after(async () => {
  await c?.stop();
  await images?.dispose();
});

const image = 'skiff.test/busybox:1';
const get = (name: string) => c.cp.client.get<Pod>(pods, 'default', name);
const row = (name: string) => c.kubectl.ok(['get', 'pod', name, '--no-headers']);

test('oci: init containers in order into a shared volume, then the app with a sidecar (2/2)', async () => {
  const name = `oci-init-${suffix()}`;
  const steps = Array.from({ length: randomInt(2, 3) }, (_, i) => `step-${i}-${suffix()}`);
  await c.kubectl.ok(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: {
        volumes: [{ name: 'work', emptyDir: {} }],
        initContainers: [
          ...steps.map((s) => ({ name: s, image, volumeMounts: [{ name: 'work', mountPath: '/work' }], command: ['sh', '-c', `echo ${s} >> /work/order; echo "${s} ran"`] })),
          { name: 'beat', image, restartPolicy: 'Always', command: ['sh', '-c', 'while :; do echo beat; sleep 1; done'] },
        ],
        containers: [{ name: 'app', image, volumeMounts: [{ name: 'work', mountPath: '/work' }], command: ['sh', '-c', 'cat /work/order; exec sleep 600'] }],
      },
    }),
  });
  await waitFor('2/2 Running', async () => /\s2\/2\s+Running\s/.test(await row(name)), 60_000);
  const log = await waitFor('the app printed the order', async () => {
    const text = (await c.kubectl.ok(['logs', name, '-c', 'app'])).trim();
    return text.split('\n').length === steps.length ? text : undefined;
  });
  assert.equal(log, steps.join('\n'));
  for (const s of steps) assert.equal((await c.kubectl.ok(['logs', name, '-c', s])).trim(), `${s} ran`);
  const p = await get(name);
  assert.deepEqual(p.status?.initContainerStatuses?.map((s) => Object.keys(s.state ?? {})[0]), [...steps.map(() => 'terminated'), 'running']);
  assert.equal(p.status?.conditions?.find((x) => x.type === 'Ready')?.status, 'True');
  await c.kubectl.ok(['delete', 'pod', name, '--grace-period=1']);
});

test('oci: a failing init container under restartPolicy Never fails the pod: Init:Error', async () => {
  const name = `oci-init-fails-${suffix()}`;
  const code = randomInt(2, 90);
  await c.kubectl.ok(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: {
        restartPolicy: 'Never',
        initContainers: [{ name: 'check', image, command: ['sh', '-c', `exit ${code}`] }],
        containers: [{ name: 'app', image, command: ['sleep', '600'] }],
      },
    }),
  });
  const p = await waitFor('Failed', async () => { const x = await get(name); return x.status?.phase === 'Failed' ? x : undefined; }, 60_000);
  assert.equal(p.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode, code);
  assert.match(await row(name), /\s0\/1\s+Init:Error\s/);
});
