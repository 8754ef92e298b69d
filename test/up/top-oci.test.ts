/** `kubectl top` on `skiff up --runtime oci` (runc containers, their cgroups read for CPU and
 * working set) with kubectl 1.32 and 1.27: a busy-loop container shows more CPU than a sleeping
 * one, and the node has a row. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { installOciPackages, RootfsImages } from '../helpers/rootfs-image.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { Kubectl, kubectlBinary } from '../helpers/kubectl.js';
import { suffix } from '../controlplane/fixtures.js';

let c: UpCluster;
let images: RootfsImages;
const ns = `topoci-${suffix()}`;
before(async () => {
  await installOciPackages();
  images = await RootfsImages.create();
  c = await startUpCluster({ nodes: 1, runtime: 'oci', images, metricsIntervalMs: 1000 });
});
after(async () => {
  await c?.kubectl.run(['delete', 'namespace', ns, '--wait=false']);
  await c?.stop();
  await images?.dispose();
});

const rows = (out: string): string[][] => out.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
const millicores = (cell: string): number => (cell.endsWith('m') ? Number(cell.slice(0, -1)) : Number(cell) * 1000);

test('oci: top pods --containers and top nodes, kubectl 1.32 and 1.27', async () => {
  await c.kubectl.ok(['create', 'namespace', ns]);
  const pod = JSON.stringify({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'mixed' },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        { name: 'burn', image: 'skiff.test/busybox:1', command: ['sh', '-c', 'while :; do :; done'] },
        { name: 'idle', image: 'skiff.test/busybox:1', command: ['sleep', '3600'] },
      ],
    },
  });
  await c.kubectl.ok(['-n', ns, 'create', '-f', '-'], { input: pod });
  await c.kubectl.ok(['-n', ns, 'wait', '--for=condition=Ready', 'pod/mixed', '--timeout=60s'], {});
  for (const kubectl of [c.kubectl, new Kubectl(c.cp.server.kubeconfigPath, kubectlBinary(27))]) {
    const byName = await waitFor('container metrics with the loop busy', async () => {
      const r = await kubectl.run(['-n', ns, 'top', 'pods', '--containers']);
      if (r.code !== 0) return undefined;
      const m = new Map(rows(r.stdout).map((x) => [x[1]!, x]));
      return m.size === 2 && millicores(m.get('burn')![2]!) >= 100 ? m : undefined;
    }, 60_000, 500);
    assert.ok(millicores(byName.get('idle')![2]!) < millicores(byName.get('burn')![2]!));
    for (const r of byName.values()) assert.match(r[3]!, /^\d+Mi$/);
    const nodes = rows(await kubectl.ok(['top', 'nodes']));
    assert.deepEqual(nodes.map((r) => r[0]), c.nodeNames);
  }
});
