/** Lifecycle hooks and termination messages with real OCI containers (`skiff up --runtime oci`,
 * runc): postStart and preStop run inside the container (runc exec), the termination-message file
 * is bind-mounted at /dev/termination-log in the container's own /dev, and a custom path works
 * too. (gRPC probes and readiness gates do not depend on the runtime: hooks.test.ts.) */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { installOciPackages, RootfsImages } from '../helpers/rootfs-image.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

let c: UpCluster;
let images: RootfsImages;
let outDir: string;
before(async () => {
  await installOciPackages();
  images = await RootfsImages.create();
  c = await startUpCluster({ nodes: 1, runtime: 'oci', images, restartBackoffMs: 300 });
  outDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-hooks-oci-'));
});
after(async () => {
  await c?.stop();
  await images?.dispose();
  rmSync(outDir, { recursive: true, force: true });
});

const image = 'skiff.test/busybox:1';
const get = (name: string) => c.cp.client.get<Pod>(pods, 'default', name);
const create = (name: string, spec: Record<string, unknown>) => c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec }) });
const jsonpath = (name: string, expr: string) => c.kubectl.ok(['get', 'pod', name, '-o', `jsonpath={${expr}}`]);

test('oci: postStart before running, preStop before the stop signal within the grace period', async () => {
  const name = `hooks-${suffix()}`;
  const dir = mkdtempSync(path.join(outDir, 'hooks-'));
  const grace = randomInt(8, 15);
  await create(name, {
    terminationGracePeriodSeconds: grace,
    volumes: [{ name: 'out', hostPath: { path: dir } }],
    containers: [{
      name: 'main', image,
      command: ['sh', '-c', 'trap "echo term >> /out/log; exit 0" TERM; while true; do sleep 0.2; done'],
      volumeMounts: [{ name: 'out', mountPath: '/out' }],
      lifecycle: {
        postStart: { exec: { command: ['sh', '-c', 'sleep 1; echo poststart >> /out/log'] } },
        preStop: { exec: { command: ['sh', '-c', 'echo prestop >> /out/log; sleep 1'] } },
      },
    }],
  });
  await waitFor('running', async () => (await get(name)).status?.containerStatuses?.[0]?.state?.running !== undefined, 60_000, 50);
  assert.equal(readFileSync(path.join(dir, 'log'), 'utf8'), 'poststart\n', 'the hook had finished when the container showed running');
  const t0 = Date.now();
  await c.kubectl.ok(['delete', 'pod', name]);
  const took = (Date.now() - t0) / 1000;
  assert.deepEqual(readFileSync(path.join(dir, 'log'), 'utf8').trim().split('\n'), ['poststart', 'prestop', 'term']);
  assert.ok(took >= 1 && took < grace, `deleted in ${took.toFixed(1)} s`);
});

test('oci: termination messages from /dev/termination-log, a custom path, and the log tail', async () => {
  const token = `bye-${suffix()}`;
  const cases = [
    { name: `term-default-${suffix()}`, container: { command: ['sh', '-c', `printf '${token}' > /dev/termination-log`] }, phase: 'Succeeded', want: token },
    { name: `term-custom-${suffix()}`, container: { terminationMessagePath: '/tmp/why', command: ['sh', '-c', `printf 'custom ${token}' > /tmp/why; exit 2`] }, phase: 'Failed', want: `custom ${token}` },
    { name: `term-logs-${suffix()}`, container: { terminationMessagePolicy: 'FallbackToLogsOnError', command: ['sh', '-c', `echo ${token}; exit 5`] }, phase: 'Failed', want: `${token}\n` },
  ];
  for (const t of cases) await create(t.name, { restartPolicy: 'Never', containers: [{ name: 'main', image, ...t.container }] });
  for (const t of cases) {
    await waitFor(`${t.name} ${t.phase}`, async () => (await get(t.name)).status?.phase === t.phase, 60_000);
    assert.equal(await jsonpath(t.name, '.status.containerStatuses[0].state.terminated.message'), t.want, t.name);
  }
});
