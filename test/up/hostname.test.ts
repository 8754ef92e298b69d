/** Process-runtime pods as root have their own host name, as in Kubernetes: the pod's name (or
 * `spec.hostname`), seen by the program, by `kubectl exec … hostname` and in $HOSTNAME — and the
 * host's own name is untouched. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { suffix } from '../controlplane/fixtures.js';

let c: UpCluster;
before(async () => {
  assert.equal(process.getuid?.(), 0, 'this test runs as root (own UTS namespaces need it)');
  c = await startUpCluster({ nodes: 1 });
});
after(async () => {
  await c.stop();
});

const cases: { name: string; hostname?: string }[] = [
  { name: `named-${suffix()}` },
  { name: `explicit-${suffix()}`, hostname: `web-${suffix()}` },
];

for (const tc of cases) {
  test(`hostname of ${tc.hostname ? 'a pod with spec.hostname' : 'a pod'} is ${tc.hostname ? 'that name' : "the pod's name"}`, async () => {
    const want = tc.hostname ?? tc.name;
    const hostBefore = os.hostname();
    await c.kubectl.ok(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: tc.name },
        spec: { ...(tc.hostname ? { hostname: tc.hostname } : {}), containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'echo "uts=$(hostname) env=$HOSTNAME"; exec sleep 600'] }] },
      }),
    });
    await waitFor(`${tc.name} running`, async () => (await c.cp.client.get<Pod>(pods, 'default', tc.name)).status?.phase === 'Running', 30_000);
    const log = await waitFor('its line', async () => (await c.kubectl.ok(['logs', tc.name])).trim() || undefined, 10_000);
    assert.equal(log, `uts=${want} env=${want}`);
    assert.equal((await c.kubectl.ok(['exec', tc.name, '--', 'hostname'])).trim(), want);
    assert.equal(os.hostname(), hostBefore, "the host's name is untouched");
    await c.kubectl.ok(['delete', 'pod', tc.name, '--grace-period=1']);
  });
}
