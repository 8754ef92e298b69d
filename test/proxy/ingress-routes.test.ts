/** The ingress controller's routing table: host tiers, path precedence, default backend. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Ingress } from '../../src/api/kinds.js';
import { RouteTable, hostOnly, wildcardCovers } from '../../src/proxy/ingress/index.js';

const to = (name: string) => ({ service: { name, port: { number: 80 } } });
function ing(name: string, spec: Ingress['spec'], created = '2026-01-01T00:00:00Z'): Ingress {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'ns', creationTimestamp: created }, spec };
}
const svcOf = (t: RouteTable, host: string, path: string) => t.match(host, path)?.backend.service?.name;

test('hosts: exact before wildcard before any host; a wildcard covers one label; ports and case ignored', () => {
  const t = new RouteTable([
    ing('a', { rules: [
      { host: 'foo.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: to('exact') }] } },
      { host: '*.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: to('wild') }] } },
      { http: { paths: [{ path: '/', pathType: 'Prefix', backend: to('any') }] } },
    ] }),
  ]);
  assert.equal(svcOf(t, 'foo.example.com', '/x'), 'exact');
  assert.equal(svcOf(t, 'FOO.example.com:8080', '/x'), 'exact');
  assert.equal(svcOf(t, 'bar.example.com', '/'), 'wild');
  assert.equal(svcOf(t, 'a.bar.example.com', '/'), 'any');
  assert.equal(svcOf(t, 'example.com', '/'), 'any');
  assert.equal(hostOnly('[::1]:80'), '[::1]');
  assert.ok(wildcardCovers('*.a.io', 'x.a.io') && !wildcardCovers('*.a.io', 'a.io') && !wildcardCovers('*.a.io', 'y.x.a.io'));
});

test('paths: longest match first, Exact before Prefix, Prefix by elements, query ignored; default backend and 404', () => {
  const t = new RouteTable([
    ing('old', { defaultBackend: to('fallback'), rules: [{ host: 'h.io', http: { paths: [
      { path: '/', pathType: 'Prefix', backend: to('root') },
      { path: '/api', pathType: 'Prefix', backend: to('api') },
    ] } }] }, '2026-01-01T00:00:00Z'),
    ing('new', { defaultBackend: to('later'), rules: [{ host: 'h.io', http: { paths: [
      { path: '/api/v2/', pathType: 'Prefix', backend: to('v2') },
      { path: '/api', pathType: 'Exact', backend: to('api-exact') },
    ] } }, { host: 'only.io', http: { paths: [{ path: '/x', pathType: 'Exact', backend: to('x') }] } }] }, '2026-02-01T00:00:00Z'),
  ]);
  assert.equal(svcOf(t, 'h.io', '/api'), 'api-exact');
  assert.equal(svcOf(t, 'h.io', '/api/'), 'api');
  assert.equal(svcOf(t, 'h.io', '/api/users?x=1'), 'api');
  assert.equal(svcOf(t, 'h.io', '/api/v2'), 'v2');
  assert.equal(svcOf(t, 'h.io', '/api/v2/things'), 'v2');
  assert.equal(svcOf(t, 'h.io', '/apix'), 'root');
  assert.equal(svcOf(t, 'only.io', '/x'), 'x');
  assert.equal(svcOf(t, 'only.io', '/x/y'), 'fallback', 'the oldest Ingress\' default backend');
  assert.equal(new RouteTable([ing('n', { rules: [{ host: 'a.io', http: { paths: [{ path: '/', pathType: 'Exact', backend: to('s') }] } }] })]).match('a.io', '/b'), undefined);
});
