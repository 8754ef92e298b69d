/** securityContext on `skiff up` with real processes, as a user sees it through kubectl: a pod
 * with runAsUser/runAsGroup/supplementalGroups prints them with `id`; runAsNonRoot on a skiff
 * running as root holds the container in CreateContainerConfigError with kubelet's message and a
 * `Failed` event; readOnlyRootFilesystem, which the process runtime cannot honour, runs with a
 * Warning event saying so. (This machine's skiff runs as root.) */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

describe('securityContext on skiff up (process runtime)', { skip: process.getuid?.() !== 0 ? 'needs root to switch users' : false }, () => {
  let c: UpCluster;
  before(async () => {
    c = await startUpCluster({ nodes: 1, restartBackoffMs: 300 });
  });
  after(async () => {
    await c.stop();
  });
  const get = (name: string) => c.cp.client.get<Pod>(pods, 'default', name);
  const create = (obj: unknown) => c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify(obj) });
  const pod = (name: string, securityContext: Record<string, unknown>, container: Record<string, unknown> = {}, command = 'id') => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: { restartPolicy: 'Never', securityContext, containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', command], ...container }] },
  });
  const events = (name: string) => c.kubectl.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`]);

  test('runAsUser, runAsGroup and supplementalGroups: kubectl logs shows them from id', async () => {
    const name = `whoami-${suffix()}`;
    const [uid, gid, extra] = [randomInt(1000, 30000), randomInt(30001, 40000), randomInt(40001, 50000)];
    await create(pod(name, { runAsUser: uid, runAsGroup: gid, supplementalGroups: [extra] }));
    await waitFor('pod succeeded', async () => (await get(name)).status?.phase === 'Succeeded', 30_000);
    const log = (await c.kubectl.ok(['logs', name])).trim();
    assert.match(log, new RegExp(`^uid=${uid}(\\([^)]*\\))? gid=${gid}(\\([^)]*\\))? groups=${gid}(\\([^)]*\\))?,${extra}(\\([^)]*\\))?$`));
  });

  test("runAsNonRoot with a root skiff: CreateContainerConfigError with kubelet's message and event", async () => {
    const name = `nonroot-${suffix()}`;
    await create(pod(name, { runAsNonRoot: true }));
    const waiting = await waitFor('CreateContainerConfigError', async () => {
      const w = (await get(name)).status?.containerStatuses?.[0]?.state?.waiting;
      return w?.reason === 'CreateContainerConfigError' ? w : undefined;
    }, 20_000);
    const p = await get(name);
    const message = `container has runAsNonRoot and image will run as root (pod: "${name}_default(${p.metadata.uid!})", container: c)`;
    assert.equal(waiting.message, message);
    assert.match(await c.kubectl.ok(['get', 'pod', name]), new RegExp(`${name}\\s+0/1\\s+CreateContainerConfigError`));
    const ev = await waitFor('Failed event', async () => {
      const text = await events(name);
      return text.includes('Error: container has runAsNonRoot') ? text : undefined;
    });
    assert.ok(ev.split('\n').some((l) => /Warning\s+Failed\s/.test(l) && l.includes(`Error: ${message}`)), ev);
  });

  test('readOnlyRootFilesystem: the container runs, with a Warning event that it is not read-only', async () => {
    const name = `rofs-${suffix()}`;
    await create(pod(name, {}, { securityContext: { readOnlyRootFilesystem: true } }, 'echo ran'));
    await waitFor('pod succeeded', async () => (await get(name)).status?.phase === 'Succeeded', 30_000);
    const ev = await waitFor('warning event', async () => {
      const text = await events(name);
      return text.includes('ReadOnlyRootFilesystemIgnored') ? text : undefined;
    });
    assert.match(ev, /Warning\s+ReadOnlyRootFilesystemIgnored\s+pod\/\S+\s+container c asks for readOnlyRootFilesystem, but the process runtime runs it on the host's file system, which is not made read-only for it/);
  });
});
