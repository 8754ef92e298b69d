/**
 * Init containers, sidecars and activeDeadlineSeconds on `skiff up` (process runtime), as a user
 * sees them through the real kubectl: `Init:0/2` while the first init container runs and the app
 * waits in PodInitializing, the order the init containers ran in (in a shared volume and in their
 * logs), a failing init container under Never failing the pod (`Init:Error`), a sidecar running
 * next to the app (2/2) and stopped once a Never job is done (`Completed`), and a pod past its
 * active deadline failed with DeadlineExceeded.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

/** The host directory of a pod's emptyDir volume on a process-runtime node (volumes.ts). */
function volumeDir(dataDir: string, uid: string, volume: string): string | undefined {
  const walk = (dir: string, depth: number): string | undefined => {
    const here = path.join(dir, 'pods', uid, 'volumes', volume);
    if (existsSync(here)) return here;
    if (depth === 0) return undefined;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const found = walk(path.join(dir, e.name), depth - 1);
      if (found) return found;
    }
    return undefined;
  };
  return walk(dataDir, 3);
}

describe('init containers on skiff up', () => {
  let c: UpCluster;
  /** Mount points the process runtime makes on the host for volumes (removed at the end). */
  const mountRoots: string[] = [];
  before(async () => {
    c = await startUpCluster({ nodes: 1, restartBackoffMs: 300 });
  });
  after(async () => {
    await c.stop();
    for (const m of mountRoots) rmSync(m, { recursive: true, force: true });
  });
  const get = (name: string) => c.cp.client.get<Pod>(pods, 'default', name);
  const create = (obj: unknown) => c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify(obj) });
  const row = (name: string) => c.kubectl.ok(['get', 'pod', name, '--no-headers']);
  const mountPath = () => {
    const m = path.join(os.tmpdir(), `skiff-init-e2e-${suffix()}`);
    mountRoots.push(m);
    return m;
  };

  test('init containers run in order before the app: Init:0/2, PodInitializing, then Running', async () => {
    const name = `ordered-${suffix()}`;
    const first = `fetch-${suffix()}`, second = `migrate-${suffix()}`;
    const m = mountPath();
    const token = `t-${suffix()}`;
    await create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: {
        volumes: [{ name: 'work', emptyDir: {} }],
        initContainers: [
          { name: first, image: 'busybox', volumeMounts: [{ name: 'work', mountPath: m }], command: ['sh', '-c', `echo "${first} ran"; echo ${first} >> ${m}/order; until [ -f ${m}/go ]; do sleep 0.1; done`] },
          { name: second, image: 'busybox', volumeMounts: [{ name: 'work', mountPath: m }], command: ['sh', '-c', `echo "${second} ran"; echo ${second} >> ${m}/order`] },
        ],
        containers: [{ name: 'app', image: 'busybox', volumeMounts: [{ name: 'work', mountPath: m }], command: ['sh', '-c', `cat ${m}/order; echo ${token}; sleep 600`] }],
      },
    });
    await waitFor('Init:0/2', async () => /\s0\/1\s+Init:0\/2\s/.test(await row(name)), 20_000);
    const waiting = await get(name);
    assert.equal(waiting.status?.phase, 'Pending');
    assert.equal(waiting.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
    assert.ok(waiting.status?.initContainerStatuses?.[0]?.state?.running, 'the first init container runs');
    assert.equal(waiting.status?.initContainerStatuses?.[1]?.state?.waiting?.reason, 'PodInitializing');
    const init = waiting.status?.conditions?.find((x) => x.type === 'Initialized');
    assert.deepEqual([init?.status, init?.reason], ['False', 'ContainersNotInitialized']);

    const dir = volumeDir(c.dataDir, waiting.metadata.uid ?? '', 'work');
    assert.ok(dir, 'the emptyDir is on the node');
    writeFileSync(path.join(dir, 'go'), '');
    await waitFor('Running', async () => /\s1\/1\s+Running\s/.test(await row(name)), 20_000);
    const log = await waitFor('the app printed the order', async () => {
      const text = await c.kubectl.ok(['logs', name, '-c', 'app']);
      return text.includes(token) ? text : undefined;
    });
    assert.equal(log.trim(), `${first}\n${second}\n${token}`);
    assert.equal((await c.kubectl.ok(['logs', name, '-c', first])).trim(), `${first} ran`);
    assert.equal((await c.kubectl.ok(['logs', name, '-c', second])).trim(), `${second} ran`);
    const done = await get(name);
    assert.deepEqual(done.status?.initContainerStatuses?.map((s) => [s.name, s.state?.terminated?.reason, s.ready]), [[first, 'Completed', true], [second, 'Completed', true]]);
    assert.equal(done.status?.conditions?.find((x) => x.type === 'Initialized')?.status, 'True');
    await c.kubectl.ok(['delete', 'pod', name, '--grace-period=0', '--force']);
  });

  test('a failing init container under restartPolicy Never fails the pod: Init:Error', async () => {
    const name = `init-fails-${suffix()}`;
    const code = randomInt(2, 90);
    await create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: {
        restartPolicy: 'Never',
        initContainers: [{ name: 'check', image: 'busybox', command: ['sh', '-c', `echo checking; exit ${code}`] }],
        containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'echo should not run; sleep 600'] }],
      },
    });
    const p = await waitFor('Failed', async () => { const x = await get(name); return x.status?.phase === 'Failed' ? x : undefined; }, 20_000);
    assert.equal(p.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode, code);
    assert.equal(p.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
    assert.match(await row(name), /\s0\/1\s+Init:Error\s/);
    assert.equal((await c.kubectl.ok(['logs', name, '-c', 'check'])).trim(), 'checking');
  });

  test('a failing init container under Always is retried: Init:CrashLoopBackOff, restarts counted', async () => {
    const name = `init-loops-${suffix()}`;
    await create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: {
        initContainers: [{ name: 'wait-db', image: 'busybox', command: ['sh', '-c', 'exit 1'] }],
        containers: [{ name: 'app', image: 'busybox', command: ['sleep', '600'] }],
      },
    });
    const text = await waitFor('Init:CrashLoopBackOff after restarts', async () => {
      const r = await row(name);
      return /\s0\/1\s+Init:CrashLoopBackOff\s+[1-9]/.test(r) ? r : undefined;
    }, 20_000);
    assert.ok(text.includes(name));
    assert.equal((await get(name)).status?.phase, 'Pending');
    await c.kubectl.ok(['delete', 'pod', name, '--grace-period=0', '--force']);
  });

  test('a sidecar runs next to the app (2/2) and is stopped once a Never job is done: Completed', async () => {
    const name = `with-sidecar-${suffix()}`;
    const m = mountPath();
    const lines = randomInt(2, 4);
    await create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: {
        restartPolicy: 'Never',
        volumes: [{ name: 'work', emptyDir: {} }],
        initContainers: [{ name: 'logger', image: 'busybox', restartPolicy: 'Always', volumeMounts: [{ name: 'work', mountPath: m }], command: ['sh', '-c', `touch ${m}/log; tail -f ${m}/log`] }],
        containers: [{ name: 'job', image: 'busybox', volumeMounts: [{ name: 'work', mountPath: m }], command: ['sh', '-c', `for i in $(seq ${lines}); do echo "line $i" >> ${m}/log; done; until [ -f ${m}/done ]; do sleep 0.1; done`] }],
      },
    });
    await waitFor('2/2 Running', async () => /\s2\/2\s+Running\s/.test(await row(name)), 20_000);
    const logged = await waitFor('the sidecar saw the job\'s lines', async () => {
      const text = await c.kubectl.ok(['logs', name, '-c', 'logger']);
      return text.split('\n').filter((l) => l.startsWith('line ')).length === lines ? text : undefined;
    });
    assert.ok(logged.includes(`line ${lines}`));
    const dir = volumeDir(c.dataDir, (await get(name)).metadata.uid ?? '', 'work');
    assert.ok(dir);
    writeFileSync(path.join(dir, 'done'), '');
    const p = await waitFor('Succeeded', async () => { const x = await get(name); return x.status?.phase === 'Succeeded' ? x : undefined; }, 20_000);
    assert.ok(p.status?.initContainerStatuses?.[0]?.state?.terminated, 'the sidecar was stopped');
    assert.equal(p.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
    assert.match(await row(name), /\s0\/2\s+Completed\s/);
  });

  test('activeDeadlineSeconds: the pod fails with DeadlineExceeded and an event', async () => {
    const name = `deadline-${suffix()}`;
    await create({
      apiVersion: 'v1', kind: 'Pod', metadata: { name },
      spec: { activeDeadlineSeconds: randomInt(1, 2), containers: [{ name: 'app', image: 'busybox', command: ['sleep', '600'] }] },
    });
    const p = await waitFor('Failed', async () => { const x = await get(name); return x.status?.phase === 'Failed' ? x : undefined; }, 20_000);
    assert.equal(p.status?.reason, 'DeadlineExceeded');
    assert.equal(p.status?.message, 'Pod was active on the node longer than the specified deadline');
    const described = await c.kubectl.ok(['describe', 'pod', name]);
    assert.match(described, /Status:\s+Failed/);
    assert.match(described, /Reason:\s+DeadlineExceeded/);
    const events = await waitFor('the DeadlineExceeded event', async () => {
      const text = await c.kubectl.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`]);
      return text.includes('DeadlineExceeded') ? text : undefined;
    });
    assert.match(events, new RegExp(`Normal\\s+DeadlineExceeded\\s+pod/${name}\\s+Pod was active on the node longer than the specified deadline`));
    await waitFor('the container stopped', async () => (await get(name)).status?.containerStatuses?.[0]?.state?.terminated !== undefined, 20_000);
  });
});
