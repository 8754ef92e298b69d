/** The node agent with real processes on `skiff up`: the seed's two-container pod with host
 * ports (S8, as far as process mode goes), crash-loop back-off, a failing liveness probe
 * restarting the container, readiness gating endpoints, graceful stop timings. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, Pod } from '../../src/api/kinds.js';
import { endpoints, pods } from '../../src/api/resources.js';
import { startUpCluster, httpGet, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { randomInt, seed, suffix } from '../controlplane/fixtures.js';

describe('the node agent on skiff up', () => {
  let c: UpCluster;
  before(async () => {
    c = await startUpCluster({ nodes: 2, restartBackoffMs: 300 });
  });
  after(async () => {
    await c.stop();
  });
  const client = () => c.cp.client;
  const get = (name: string) => client().get<Pod>(pods, 'default', name);
  const create = (obj: unknown) => c.kubectl.ok(['create', '-f', '-'], { input: JSON.stringify(obj) });
  const pod = (name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec });

  test('S8: two containers share the pod address; both host ports answer on the node address', async () => {
    const name = `nginxpod-${suffix()}`;
    await c.kubectl.ok(['create', '-f', '-'], { input: seed('nginxpod.yaml', { 'name: nginxpod': `name: ${name}` }) });
    const p = await waitFor('2/2 running', async () => {
      const p = await get(name);
      return p.status?.phase === 'Running' && p.status.containerStatuses?.every((s) => s.ready) ? p : undefined;
    }, 20_000);
    assert.equal(p.status?.containerStatuses?.length, 2);
    const podIP = p.status!.podIP!;
    // Each container's server is reachable at the pod's one address (process mode's "localhost").
    assert.match((await httpGet(`http://${podIP}:80/`)).body, /Welcome to nginx!/);
    assert.match((await httpGet(`http://${podIP}:8800/`)).body, /Welcome to nginx!/);
    const nodeAddress = c.nodeAddresses[c.nodeNames.indexOf(p.spec.nodeName!)]!;
    const viaHost = await waitFor('host ports', async () => {
      const a = await httpGet(`http://${nodeAddress}:80/`).catch(() => undefined);
      const b = await httpGet(`http://${nodeAddress}:8800/`).catch(() => undefined);
      return a?.status === 200 && b?.status === 200 ? [a, b] : undefined;
    });
    assert.match(viaHost[1]!.body, /Welcome to nginx!/);
    const described = await c.kubectl.ok(['describe', 'pod', name]);
    assert.match(described, new RegExp(`Node:\\s+${p.spec.nodeName}/${nodeAddress.replace(/\./g, '\\.')}`));
    assert.match(described, /Host Port:\s+8800\/TCP/);
    await c.kubectl.ok(['delete', 'pod', name]);
  });

  test('a crashing container backs off with growing delays (CrashLoopBackOff)', async () => {
    const name = `crashy-${suffix()}`;
    const code = randomInt(2, 9);
    await create(pod(name, { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', `echo boom; exit ${code}`] }] }));
    const seen = new Set<string>();
    const p = await waitFor('three restarts', async () => {
      const p = await get(name);
      const s = p.status?.containerStatuses?.[0];
      if (s?.state?.waiting?.reason) seen.add(s.state.waiting.reason);
      return (s?.restartCount ?? 0) >= 3 ? p : undefined;
    }, 30_000, 20);
    assert.ok(seen.has('CrashLoopBackOff'), `waiting reasons seen: ${[...seen].join(',')}`);
    const last = p.status?.containerStatuses?.[0]?.lastState?.terminated;
    assert.equal(last?.exitCode, code);
    assert.equal(last?.reason, 'Error');
    const events = await c.kubectl.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`]);
    assert.match(events, /BackOff/);
    await c.kubectl.ok(['delete', 'pod', name, '--grace-period=0', '--force']);
  });

  test('a failing liveness probe restarts the container', async () => {
    const name = `live-${suffix()}`;
    // Healthy while the file exists; the program removes it after a moment and keeps running.
    await create(pod(name, {
      containers: [{
        name: 'c', image: 'busybox',
        command: ['sh', '-c', 'touch healthy; sleep 2; rm -f healthy; sleep 600'],
        livenessProbe: { exec: { command: ['cat', 'healthy'] }, periodSeconds: 1, failureThreshold: 1 },
      }],
    }));
    const p = await waitFor('restarted by liveness', async () => {
      const p = await get(name);
      return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined;
    }, 30_000);
    assert.ok(p.status?.containerStatuses?.[0]?.lastState?.terminated);
    const events = await c.kubectl.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`]);
    assert.match(events, /Liveness probe failed/);
    assert.match(events, /failed liveness probe, will be restarted/);
    await c.kubectl.ok(['delete', 'pod', name, '--grace-period=0', '--force']);
  });

  test('readiness gates endpoints: a pod is an endpoint only while its probe passes', async () => {
    const name = `gate-${suffix()}`;
    const spec = {
      containers: [{
        name: 'web', image: 'busybox',
        // Becomes ready by itself a few seconds in, as a program warming up would.
        command: ['sh', '-c', 'echo ok > index.html; (sleep 4; touch ready) & exec httpd -f -p $(IP):8080 -h .'],
        env: [{ name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
        ports: [{ containerPort: 8080 }],
        readinessProbe: { exec: { command: ['test', '-f', 'ready'] }, periodSeconds: 1, failureThreshold: 1 },
      }],
    };
    await create(pod(name, spec, { gate: name }));
    await create({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { gate: name }, ports: [{ port: 80, targetPort: 8080 }] } });
    const ep = () => client().get<Endpoints>(endpoints, 'default', name);
    const notReady = await waitFor('not-ready address', async () => {
      const e = await ep();
      return (e.subsets?.[0]?.notReadyAddresses?.length ?? 0) === 1 ? e : undefined;
    }, 20_000);
    assert.equal(notReady.subsets?.[0]?.addresses, undefined);
    await waitFor('ready address', async () => ((await ep()).subsets?.[0]?.addresses?.length ?? 0) === 1, 20_000);
  });

  test('graceful stop: SIGTERM first; a program that ignores it is killed after its grace period', async () => {
    const polite = `polite-${suffix()}`, stubborn = `stubborn-${suffix()}`;
    const grace = randomInt(2, 3);
    await create(pod(polite, { terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done'] }] }));
    await create(pod(stubborn, { terminationGracePeriodSeconds: grace, containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done'] }] }));
    await waitFor('both running', async () => (await get(polite)).status?.phase === 'Running' && (await get(stubborn)).status?.phase === 'Running', 20_000);
    const timed = async (name: string) => {
      const t0 = Date.now();
      await c.kubectl.ok(['delete', 'pod', name]);
      return (Date.now() - t0) / 1000;
    };
    const [fast, slow] = await Promise.all([timed(polite), timed(stubborn)]);
    assert.ok(fast < 2, `a program that exits on SIGTERM goes at once (${fast}s)`);
    assert.ok(slow >= grace - 0.2 && slow < grace + 5, `killed after its ${grace}s grace period (${slow}s)`);
  });

  test('deleted again with less grace while stopping, a pod goes sooner (as kubelet does)', async () => {
    const name = `second-delete-${suffix()}`;
    await create(pod(name, { terminationGracePeriodSeconds: 60, containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done'] }] }));
    await waitFor('running', async () => (await get(name)).status?.phase === 'Running', 20_000);
    await c.kubectl.ok(['delete', 'pod', name, '--wait=false']);
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    await c.kubectl.ok(['delete', 'pod', name, '--grace-period=1']);
    const s = (Date.now() - t0) / 1000;
    assert.ok(s < 6, `gone ${s}s after the second delete, not after the first one's 60 s`);
  });
});
