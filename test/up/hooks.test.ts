/** Lifecycle hooks, gRPC probes, readiness gates and termination messages on `skiff up` with real
 * processes, as a user sees them through kubectl: a postStart hook's file is there before the
 * container counts as running; preStop runs on delete, before the stop signal, within the grace
 * period; a failing postStart is a FailedPostStartHook event and a restart; a gRPC readiness probe
 * against a real grpc.health.v1 server in the pod makes it Ready (and `kubectl describe` prints
 * it); a readiness gate holds Ready False until its condition is patched True through the status
 * subresource; a container's termination message (file, or log tail on error) is in its status. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { repoRoot } from '../helpers/paths.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

describe('hooks, grpc probes, readiness gates, termination messages on skiff up (process runtime)', () => {
  let c: UpCluster;
  let outDir: string;
  before(async () => {
    c = await startUpCluster({ nodes: 1, restartBackoffMs: 300 });
    outDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-hooks-'));
  });
  after(async () => {
    await c.stop();
    rmSync(outDir, { recursive: true, force: true });
  });
  const get = (name: string) => c.cp.client.get<Pod>(pods, 'default', name);
  const create = (obj: unknown) => c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify(obj) });
  const pod = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec });
  const events = (name: string) => c.kubectl.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`]);
  const jsonpath = (name: string, expr: string) => c.kubectl.ok(['get', 'pod', name, '-o', `jsonpath={${expr}}`]);

  test('postStart: its file is there before the container counts as running, and the main process sees it', async () => {
    const name = `poststart-${suffix()}`;
    const token = `token-${suffix()}`;
    const dir = mkdtempSync(path.join(outDir, 'poststart-'));
    await create(pod(name, {
      volumes: [{ name: 'shared', hostPath: { path: dir } }],
      containers: [{
        name: 'main', image: 'busybox',
        command: ['sh', '-c', 'while [ ! -f /shared/started ]; do sleep 0.1; done; echo "main saw $(cat /shared/started)"; exec sleep 3600'],
        volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
        // The hook takes a while before it writes: a container marked running too early shows.
        lifecycle: { postStart: { exec: { command: ['sh', '-c', `sleep 1; echo ${token} > /shared/started`] } } },
      }],
    }));
    await waitFor('running', async () => (await get(name)).status?.containerStatuses?.[0]?.state?.running !== undefined, 30_000, 50);
    assert.equal(readFileSync(path.join(dir, 'started'), 'utf8').trim(), token, 'the hook had finished when the container showed running');
    await waitFor('main saw the file', async () => (await c.kubectl.ok(['logs', name])).includes(`main saw ${token}`), 10_000);
    await c.kubectl.ok(['delete', 'pod', name, '--grace-period=1', '--wait=false']);
  });

  const preStops: { name: string; hook: Record<string, unknown>; log: string[]; minSeconds: number }[] = [
    { name: 'exec', hook: { exec: { command: ['sh', '-c', 'echo prestop >> /out/log; sleep 1'] } }, log: ['prestop', 'term'], minSeconds: 1 },
    { name: 'sleep', hook: { sleep: { seconds: 2 } }, log: ['term'], minSeconds: 2 },
  ];
  for (const h of preStops) {
    test(`preStop (${h.name}): runs on delete before the stop signal, within the grace period`, async () => {
      const name = `prestop-${h.name}-${suffix()}`;
      const dir = mkdtempSync(path.join(outDir, 'prestop-'));
      const grace = randomInt(8, 15);
      await create(pod(name, {
        terminationGracePeriodSeconds: grace,
        volumes: [{ name: 'out', hostPath: { path: dir } }],
        containers: [{
          name: 'main', image: 'busybox',
          command: ['sh', '-c', 'trap "echo term >> /out/log; exit 0" TERM; echo up > /out/ready; while true; do sleep 0.2; done'],
          volumeMounts: [{ name: 'out', mountPath: '/out' }],
          lifecycle: { preStop: h.hook },
        }],
      }));
      await waitFor('running', async () => (await get(name)).status?.phase === 'Running', 30_000);
      await waitFor('main up', () => { try { return readFileSync(path.join(dir, 'ready'), 'utf8').includes('up'); } catch { return false; } });
      const t0 = Date.now();
      await c.kubectl.ok(['delete', 'pod', name]);
      const took = (Date.now() - t0) / 1000;
      assert.deepEqual(readFileSync(path.join(dir, 'log'), 'utf8').trim().split('\n'), h.log);
      assert.ok(took >= h.minSeconds && took < grace, `deleted in ${took.toFixed(1)} s: the hook, then the stop, within ${grace} s`);
    });
  }

  const badHooks: { name: string; hook: Record<string, unknown> }[] = [
    { name: 'exec exits non-zero', hook: { exec: { command: ['sh', '-c', `exit ${randomInt(1, 100)}`] } } },
    { name: 'tcpSocket, which kubelet cannot run', hook: { tcpSocket: { port: randomInt(1024, 60000) } } },
  ];
  for (const h of badHooks) test(`a failing postStart (${h.name}): FailedPostStartHook, the container killed and restarted`, async () => {
    const name = `badhook-${suffix()}`;
    await create(pod(name, {
      containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'], lifecycle: { postStart: h.hook } }],
    }));
    const p = await waitFor('restarted', async () => {
      const p = await get(name);
      return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined;
    }, 30_000);
    assert.ok(p.status?.containerStatuses?.[0]?.lastState?.terminated, 'the killed run is the last state');
    const ev = await waitFor('events', async () => {
      const text = await events(name);
      return text.includes('FailedPostStartHook') && /Killing/.test(text) ? text : undefined;
    });
    assert.ok(ev.split('\n').some((l) => /Warning\s+FailedPostStartHook\s+pod\/\S+\s+PostStartHook failed/.test(l)), ev);
    assert.ok(ev.split('\n').some((l) => /Normal\s+Killing\s+pod\/\S+\s+FailedPostStartHook/.test(l)), ev);
    await c.kubectl.ok(['delete', 'pod', name, '--grace-period=1', '--wait=false']);
  });

  test('a grpc readiness probe against a grpc.health.v1 server in the pod makes it Ready; describe prints it', async () => {
    const name = `grpc-${suffix()}`;
    const port = randomInt(20000, 60000);
    const server = path.join(repoRoot, 'dist', 'test', 'helpers', 'grpc-health-server.js');
    await create(pod(name, {
      containers: [{
        name: 'health', image: 'node', command: ['node', server, '$(POD_IP)', String(port)],
        env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
        readinessProbe: { grpc: { port }, periodSeconds: 1 },
      }],
    }));
    await waitFor('Ready', async () => (await get(name)).status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True', 30_000);
    assert.equal(await jsonpath(name, '.spec.containers[0].readinessProbe.grpc.service'), '', 'service defaulted');
    const described = await c.kubectl.ok(['describe', 'pod', name]);
    assert.match(described, new RegExp(`Readiness:\\s+grpc <pod>:${port}\\s+delay=0s timeout=1s period=1s #success=1 #failure=3`));
    await c.kubectl.ok(['delete', 'pod', name, '--grace-period=1', '--wait=false']);
  });

  test('a readiness gate holds Ready False until its condition is patched True on the status subresource', async () => {
    const name = `gated-${suffix()}`;
    const gate = `example.com/lb-${suffix()}`;
    await create(pod(name, { readinessGates: [{ conditionType: gate }], containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }] }));
    await waitFor('containers ready', async () => (await get(name)).status?.conditions?.find((x) => x.type === 'ContainersReady')?.status === 'True', 30_000);
    const gated = await get(name);
    const ready = gated.status?.conditions?.find((x) => x.type === 'Ready');
    assert.equal(ready?.status, 'False');
    assert.equal(ready?.reason, 'ReadinessGatesNotReady');
    assert.equal(ready?.message, `corresponding condition of pod readiness gate "${gate}" does not exist.`);
    assert.match(await c.kubectl.ok(['get', 'pod', name, '-o', 'wide']), new RegExp(`${name}\\s+1/1\\s+Running.*\\s0/1\\s*$`, 'm'));
    await c.kubectl.ok(['patch', 'pod', name, '--subresource=status', '-p', JSON.stringify({ status: { conditions: [{ type: gate, status: 'True' }] } })]);
    await waitFor('Ready', async () => (await get(name)).status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True', 10_000);
    assert.match(await c.kubectl.ok(['get', 'pod', name, '-o', 'wide']), new RegExp(`${name}\\s+1/1\\s+Running.*\\s1/1\\s*$`, 'm'));
    assert.equal(await jsonpath(name, `.status.conditions[?(@.type=="${gate}")].status`), 'True', 'the gate condition survived the agent\'s writes');
    await c.kubectl.ok(['delete', 'pod', name, '--grace-period=1', '--wait=false']);
  });

  test('termination messages: the file by default, the log tail with FallbackToLogsOnError', async () => {
    const fromFile = `termfile-${suffix()}`, fromLogs = `termlogs-${suffix()}`;
    const token = `bye-${suffix()}`;
    await create(pod(fromFile, { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', `printf '${token}' > /dev/termination-log`] }] }));
    await create(pod(fromLogs, {
      restartPolicy: 'Never',
      containers: [{ name: 'main', image: 'busybox', terminationMessagePolicy: 'FallbackToLogsOnError', command: ['sh', '-c', `echo first; echo ${token} >&2; exit 3`] }],
    }));
    await waitFor('both ended', async () => (await get(fromFile)).status?.phase === 'Succeeded' && (await get(fromLogs)).status?.phase === 'Failed', 30_000);
    assert.equal(await jsonpath(fromFile, '.status.containerStatuses[0].state.terminated.message'), token);
    assert.equal(await jsonpath(fromLogs, '.status.containerStatuses[0].state.terminated.message'), `first\n${token}\n`);
    assert.equal(await jsonpath(fromLogs, '.status.containerStatuses[0].state.terminated.exitCode'), '3');
  });
});
