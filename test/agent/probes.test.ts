/** Probes: thresholds, the three handlers, and what they do to a pod on a (simulated) node —
 * readiness gates Ready, a failing liveness probe restarts the container. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Container, Pod, Probe } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { ProbeLoop, probeOnce, resolvePort } from '../../src/agent/probe.js';
import { NodeFleet } from '../../src/agent/index.js';
import { FakeRuntime } from '../../src/runtime/index.js';
import { logger } from '../../src/util/log.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { podBuilder, containerBuilder } from '../helpers/builders.js';

/** An HTTP server on loopback whose answer the test flips. */
async function healthServer(): Promise<{ port: number; status: { code: number }; close(): Promise<void> }> {
  const status = { code: 200 };
  const srv = http.createServer((_req, res) => {
    res.statusCode = status.code;
    res.end('ok');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as AddressInfo).port, status, close: () => new Promise((r) => srv.close(() => r())) };
}

describe('probe thresholds', () => {
  const cases: { name: string; checks: boolean[]; probe: Probe; want: (boolean | undefined)[] }[] = [
    { name: 'one success is enough by default', checks: [true], probe: {}, want: [true] },
    { name: 'three failures flip to failure', checks: [false, false, false], probe: {}, want: [undefined, undefined, false] },
    { name: 'a success resets the failure count', checks: [false, false, true, false, false], probe: { failureThreshold: 3 }, want: [undefined, undefined, true, true, true] },
    { name: 'successThreshold 2 needs two in a row', checks: [false, true, true], probe: { successThreshold: 2, failureThreshold: 1 }, want: [false, false, true] },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      let i = 0;
      const seen: (boolean | undefined)[] = [];
      const loop = new ProbeLoop({ ...c.probe, periodSeconds: 0.001 }, () => Promise.resolve({ ok: c.checks[i++] ?? true, message: '' }), () => undefined);
      await new Promise<void>((resolve) => {
        const original = (loop as unknown as { tick: () => Promise<void> }).tick.bind(loop);
        (loop as unknown as { tick: () => Promise<void> }).tick = async () => {
          await original();
          seen.push(loop.result);
          if (seen.length === c.checks.length) {
            loop.stop();
            resolve();
          }
        };
        loop.start();
      });
      assert.deepEqual(seen, c.want);
    });
  }
});

describe('probe handlers', () => {
  let h: Awaited<ReturnType<typeof healthServer>>;
  before(async () => (h = await healthServer()));
  after(async () => h.close());
  const container = { name: 'app', ports: [{ name: 'health', containerPort: 0 }] } as Container;
  const runtime = new FakeRuntime({ podAddressPrefix: '10.9.9.' });

  test('named ports resolve against the container', () => {
    assert.equal(resolvePort('health', container), 0);
    assert.equal(resolvePort('8080', container), 8080);
    assert.equal(resolvePort('nope', container), undefined);
  });

  test('httpGet: 2xx/3xx pass, others fail with the status code', async () => {
    h.status.code = 204;
    assert.equal((await probeOnce({ httpGet: { port: h.port, path: '/x' } }, container, 'c', '127.0.0.1', runtime)).ok, true);
    h.status.code = 503;
    const bad = await probeOnce({ httpGet: { port: h.port } }, container, 'c', '127.0.0.1', runtime);
    assert.equal(bad.ok, false);
    assert.match(bad.message, /statuscode: 503/);
  });

  test('tcpSocket: a listener passes, a closed port fails', async () => {
    assert.equal((await probeOnce({ tcpSocket: { port: h.port } }, container, 'c', '127.0.0.1', runtime)).ok, true);
    const closed = await probeOnce({ tcpSocket: { port: 1 } }, container, 'c', '127.0.0.1', runtime);
    assert.equal(closed.ok, false);
    assert.match(closed.message, /dial tcp 127\.0\.0\.1:1/);
  });
});

describe('probes on a node', () => {
  let c: TestCluster;
  let fleet: NodeFleet;
  let h: Awaited<ReturnType<typeof healthServer>>;
  before(async () => {
    h = await healthServer();
    c = await startTestCluster();
    fleet = new NodeFleet({ client: c.client, log: logger('fleet'), nodes: 1, namePrefix: 'probe', restartBackoffMs: 100 });
    await fleet.start();
  });
  after(async () => {
    await fleet.stop();
    await c.stop();
    await h.close();
  });
  const get = (name: string) => c.client.get<Pod>(pods, 'default', name);
  const fast = { periodSeconds: 1, failureThreshold: 1, timeoutSeconds: 1 };

  test('readiness gates Ready and follows the probe both ways', async () => {
    h.status.code = 500;
    await c.client.create(pods, podBuilder('gated').podField('nodeName', 'probe-1').containers(containerBuilder('web').probe('readinessProbe', { httpGet: { host: '127.0.0.1', port: h.port, path: '/ready' }, ...fast })).build());
    const notReady = await waitFor('running, not ready', async () => { const p = await get('gated'); return p.status?.phase === 'Running' ? p : undefined; });
    assert.equal(notReady.status?.conditions?.find((x) => x.type === 'Ready')?.status, 'False');
    h.status.code = 200;
    await waitFor('ready', async () => (await get('gated')).status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True');
    h.status.code = 503;
    await waitFor('unready again', async () => (await get('gated')).status?.containerStatuses?.[0]?.ready === false);
    h.status.code = 200;
  });

  test('a failing liveness probe restarts the container', async () => {
    h.status.code = 200;
    await c.client.create(pods, podBuilder('alive').podField('nodeName', 'probe-1').containers(containerBuilder('web').probe('livenessProbe', { httpGet: { host: '127.0.0.1', port: h.port }, ...fast })).build());
    await waitFor('running', async () => (await get('alive')).status?.phase === 'Running');
    h.status.code = 500;
    const p = await waitFor('restarted', async () => { const p = await get('alive'); return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined; });
    assert.ok(p.status?.containerStatuses?.[0]?.lastState?.terminated, 'the killed run is the last state');
    h.status.code = 200;
  });
});
