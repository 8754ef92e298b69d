/**
 * The support policy end to end on `skiff up` with the real kubectl: a pod using what no runtime
 * honours is refused; one using what the process runtime does not honour is created with a
 * `Warning:` line, runs, and gets a DegradedField event; its volume at a path the host lacks is
 * there for the container and nowhere on the host; fsGroup owns the volume. On oci nodes the
 * same seccomp pod draws no warning, and a hostNetwork pod has the node's address.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import os from 'node:os';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { installOciPackages, RootfsImages } from '../helpers/rootfs-image.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

type Obj = Record<string, unknown>;
const pod = (name: string, image: string, command: string, spec: Obj = {}, container: Obj = {}): Obj => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name },
  spec: { restartPolicy: 'Never', containers: [{ name: 'c', image, command: ['sh', '-c', command], ...container }], ...spec },
});

describe('support policy on skiff up (process runtime)', () => {
  let c: UpCluster;
  before(async () => {
    c = await startUpCluster({ nodes: 1 });
  });
  after(async () => {
    await c?.stop();
  });
  const get = (name: string) => c.cp.client.get<Pod>(pods, 'default', name);
  const create = (obj: Obj) => c.kubectl.run(['create', '-f', '-'], { input: JSON.stringify(obj) });

  test('an nfs volume is refused with its path', async () => {
    const name = `nfs-${suffix()}`;
    const r = await create(pod(name, 'busybox', 'true', { volumes: [{ name: 'v', nfs: { server: 'files', path: '/x' } }] }));
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`The Pod "${name}" is invalid: spec\\.volumes\\[0\\]\\.nfs: Forbidden: not supported by skiff: NFS volumes`));
  });

  test('seccomp on a process node: Warning on create, the pod runs with a DegradedField event; its volume at a path the host lacks, owned by fsGroup', async () => {
    const name = `degraded-${suffix()}`;
    const dir = `/skiff-e2e-${suffix()}/data`;
    const gid = randomInt(20000, 30000);
    const r = await create(pod(name, 'busybox', `echo hi > ${dir}/f && stat -c %g ${dir} ${dir}/f && ls ${dir}`, {
      securityContext: { seccompProfile: { type: 'RuntimeDefault' }, fsGroup: gid },
      volumes: [{ name: 'data', emptyDir: {} }],
    }, { volumeMounts: [{ name: 'data', mountPath: dir }] }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`^Warning: spec\\.securityContext\\.seccompProfile: seccomp profiles not honoured by the process runtime: .*\\(nodes: ${c.nodeNames[0]}\\)$`, 'm'));
    await waitFor('pod succeeded', async () => (await get(name)).status?.phase === 'Succeeded', 30_000);
    assert.deepEqual((await c.kubectl.ok(['logs', name])).trim().split('\n'), [String(gid), String(gid), 'f']);
    assert.equal(existsSync(dir.split('/').slice(0, 2).join('/')), false, `${dir} must not appear on the host`);
    const events = await waitFor('DegradedField event', async () => {
      const text = await c.kubectl.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`]);
      return text.includes('DegradedField') ? text : undefined;
    });
    assert.ok(events.split('\n').some((l) => /Warning\s+DegradedField\s/.test(l) && l.includes('spec.securityContext.seccompProfile: seccomp profiles not honoured by the process runtime')), events);
  });
});

describe('support policy on skiff up (oci runtime)', () => {
  let c: UpCluster;
  let images: RootfsImages;
  const image = 'skiff.test/busybox:1';
  before(async () => {
    await installOciPackages();
    images = await RootfsImages.create();
    c = await startUpCluster({ nodes: 1, runtime: 'oci', images });
  });
  after(async () => {
    await c?.stop();
    await images?.dispose();
  });
  const get = (name: string) => c.cp.client.get<Pod>(pods, 'default', name);
  const create = (obj: Obj) => c.kubectl.run(['create', '-f', '-'], { input: JSON.stringify(obj) });

  test('seccomp RuntimeDefault: no warning, the filter is on in the container', async () => {
    const name = `seccomp-${suffix()}`;
    const r = await create(pod(name, image, 'grep ^Seccomp: /proc/self/status', { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    await waitFor('pod succeeded', async () => (await get(name)).status?.phase === 'Succeeded', 60_000);
    assert.match(await c.kubectl.ok(['logs', name]), /^Seccomp:\s+2$/m);
  });

  test("hostNetwork: the pod's IP is its node's, its hostname the host's", async () => {
    const name = `hostnet-${suffix()}`;
    const r = await create(pod(name, image, 'hostname', { hostNetwork: true }));
    assert.equal(r.code, 0, r.stderr);
    const done = await waitFor('pod succeeded', async () => {
      const p = await get(name);
      return p.status?.phase === 'Succeeded' ? p : undefined;
    }, 60_000);
    assert.equal(done.status?.podIP, done.status?.hostIP);
    assert.equal((await c.kubectl.ok(['logs', name])).trim(), os.hostname());
  });
});
