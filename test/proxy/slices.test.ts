/** Which slice endpoints a proxy sends traffic to: kube-proxy's rule (ready ones; with none ready,
 * those serving while terminating), by port name and protocol, IPv4 slices only. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, EndpointConditions } from '../../src/api/kinds.js';
import { endpointsFor } from '../../src/proxy/slices.js';

const slice = (eps: [string, EndpointConditions | undefined][], ports = [{ name: 'http', port: 8080, protocol: 'TCP' as const }], addressType: EndpointSlice['addressType'] = 'IPv4'): EndpointSlice => ({
  metadata: { name: 's' }, addressType, ports, endpoints: eps.map(([ip, conditions]) => ({ addresses: [ip], ...(conditions ? { conditions } : {}) })),
});

const cases: { name: string; slices: EndpointSlice[]; port?: string; protocol?: 'TCP' | 'UDP'; want: string[] }[] = [
  { name: 'ready ones only, nil ready counts as ready', slices: [slice([['10.0.0.1', { ready: true }], ['10.0.0.2', { ready: false }], ['10.0.0.3', undefined]])], want: ['10.0.0.1:8080', '10.0.0.3:8080'] },
  {
    name: 'ready ones win over terminating ones',
    slices: [slice([['10.0.0.1', { ready: true }], ['10.0.0.2', { ready: false, serving: true, terminating: true }]])],
    want: ['10.0.0.1:8080'],
  },
  {
    name: 'with none ready, serving terminating endpoints take the traffic',
    slices: [slice([['10.0.0.2', { ready: false, serving: true, terminating: true }], ['10.0.0.3', { ready: false, serving: false, terminating: true }], ['10.0.0.4', { ready: false, serving: false }]])],
    want: ['10.0.0.2:8080'],
  },
  { name: 'endpoints across slices, each slice its own port number', slices: [slice([['10.0.0.1', { ready: true }]]), slice([['10.0.0.9', { ready: true }]], [{ name: 'http', port: 9090, protocol: 'TCP' }])], want: ['10.0.0.1:8080', '10.0.0.9:9090'] },
  { name: 'another port name or protocol: nothing', slices: [slice([['10.0.0.1', { ready: true }]])], port: 'grpc', want: [] },
  { name: 'UDP asks for the UDP port', slices: [slice([['10.0.0.1', { ready: true }]])], protocol: 'UDP', want: [] },
  { name: 'IPv6 slices are not served by the IPv4 proxy', slices: [slice([['fd00::1', { ready: true }]], undefined, 'IPv6')], want: [] },
];

for (const c of cases) {
  test(`endpointsFor: ${c.name}`, () => {
    assert.deepEqual(endpointsFor(c.slices, c.port ?? 'http', c.protocol ?? 'TCP').map((e) => `${e.ip}:${e.port}`).sort(), c.want);
  });
}
