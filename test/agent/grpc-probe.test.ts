/** gRPC probes against a real grpc.health.v1 server: kubelet's verdicts and messages, case by
 * case, through probeOnce as the prober calls it. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { Container, Probe } from '../../src/api/kinds.js';
import { probeOnce } from '../../src/agent/probe.js';
import { decodeHealthResponse, encodeHealthRequest } from '../../src/agent/grpc-probe.js';
import { FakeRuntime } from '../../src/runtime/index.js';
import { startHealthServer, type HealthServer, type ServingStatus } from '../helpers/grpc-health-server.js';
import { suffix } from '../controlplane/fixtures.js';

const container = { name: 'app' } as Container;
const runtime = new FakeRuntime({ podAddressPrefix: '10.99.' });
const probe = (port: number, service?: string, timeoutSeconds = 1): Probe => ({ grpc: { port, ...(service !== undefined ? { service } : {}) }, timeoutSeconds });

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('grpc probe verdicts', () => {
  const named = `svc-${suffix()}`;
  let srv: HealthServer;
  before(async () => (srv = await startHealthServer('127.0.0.1', 0, { '': 'SERVING', [named]: 'SERVING' })));
  after(async () => srv.close());

  const cases: { name: string; service?: string; set?: [string, ServingStatus]; ok: boolean; message: string }[] = [
    { name: 'SERVING for the whole server (service left out)', ok: true, message: 'service healthy' },
    { name: 'SERVING for a named service', service: named, ok: true, message: 'service healthy' },
    { name: 'NOT_SERVING fails with the status name', set: ['', 'NOT_SERVING'], ok: false, message: 'service unhealthy (responded with "NOT_SERVING")' },
    { name: 'SERVICE_UNKNOWN fails too', service: named, set: [named, 'SERVICE_UNKNOWN'], ok: false, message: 'service unhealthy (responded with "SERVICE_UNKNOWN")' },
    { name: 'UNKNOWN (the zero value) fails', set: ['', 'UNKNOWN'], ok: false, message: 'service unhealthy (responded with "UNKNOWN")' },
    { name: 'an unregistered service is a failed rpc', service: `missing-${suffix()}`, ok: false, message: 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service' },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      srv.statuses.set('', 'SERVING');
      srv.statuses.set(named, 'SERVING');
      if (c.set) srv.statuses.set(c.set[0], c.set[1]);
      const r = await probeOnce(probe(srv.port, c.service), container, 'c1', '127.0.0.1', runtime);
      assert.deepEqual(r, { ok: c.ok, message: c.message });
    });
  }

  test('the verdict follows the server as it flips', async () => {
    const seen: boolean[] = [];
    for (const s of ['SERVING', 'NOT_SERVING', 'SERVING'] as const) {
      srv.statuses.set('', s);
      seen.push((await probeOnce(probe(srv.port), container, 'c1', '127.0.0.1', runtime)).ok);
    }
    assert.deepEqual(seen, [true, false, true]);
  });

  test('an answer slower than timeoutSeconds is a timeout', async () => {
    srv.statuses.set('', 'SERVING');
    srv.delayMs = 1500;
    try {
      const r = await probeOnce(probe(srv.port, '', 1), container, 'c1', '127.0.0.1', runtime);
      assert.deepEqual(r, { ok: false, message: 'timeout: health rpc did not complete within 1s' });
    } finally {
      srv.delayMs = 0;
    }
  });
});

describe('grpc probe connection failures', () => {
  test('nothing listening: kubelet\'s connect timeout message', async () => {
    const port = await closedPort();
    const t0 = Date.now();
    const r = await probeOnce(probe(port), container, 'c1', '127.0.0.1', runtime);
    assert.deepEqual(r, { ok: false, message: `timeout: failed to connect service "127.0.0.1:${port}" within 1s: context deadline exceeded` });
    assert.ok(Date.now() - t0 < 3000, 'gave up near the timeout');
  });

  test('a gRPC server without the health service: Unimplemented', async () => {
    const srv = await startHealthServer('127.0.0.1', 0, {}, { implementHealth: false });
    try {
      const r = await probeOnce(probe(srv.port), container, 'c1', '127.0.0.1', runtime);
      assert.equal(r.ok, false);
      assert.match(r.message, /^error: this server does not implement the grpc health protocol \(grpc\.health\.v1\.Health\): .+/);
    } finally {
      await srv.close();
    }
  });
});

describe('health message encoding', () => {
  const requests: [string, string][] = [['', ''], ['a', '0a0161'], ['grpc.health', '0a0b677270632e6865616c7468']];
  for (const [service, hex] of requests) {
    test(`request for ${JSON.stringify(service)}`, () => assert.equal(encodeHealthRequest(service).toString('hex'), hex));
  }
  test('a long service name uses a multi-byte length', () => {
    const name = 'x'.repeat(200);
    assert.equal(encodeHealthRequest(name).subarray(0, 3).toString('hex'), '0ac801');
  });
  const responses: [string, number][] = [['', 0], ['0801', 1], ['0802', 2], ['0803', 3], ['1205616263210801', 1]];
  for (const [hex, want] of responses) {
    test(`response ${hex || '(empty)'} → ${want}`, () => assert.equal(decodeHealthResponse(Buffer.from(hex, 'hex')), want));
  }
});
