/** Ingress and IngressClass validation, table-driven, with Kubernetes' field paths and messages. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObject, validateObjectUpdate } from '../../src/api/validation/index.js';
import { applyDefaults } from '../../src/api/defaults/index.js';
import type { KubeObject } from '../../src/api/types.js';

const svc = (name = 'web', port: Record<string, unknown> = { number: 80 }) => ({ service: { name, port } });
const ingress = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'default', ...(annotations ? { annotations } : {}) }, spec,
});
const rule = (host: string | undefined, paths: Record<string, unknown>[]) => ({ ...(host !== undefined ? { host } : {}), http: { paths } });
const path = (p: string | undefined, pathType: string | undefined, backend: Record<string, unknown> = svc()) => ({
  ...(p !== undefined ? { path: p } : {}), ...(pathType !== undefined ? { pathType } : {}), backend,
});
const errors = (o: KubeObject, kind = 'Ingress') => validateObject(kind, o).map((e) => `${e.field}: ${e.detail}`);

test('Ingress create validation', () => {
  const cases: { name: string; spec: Record<string, unknown>; annotations?: Record<string, string>; want: string[] }[] = [
    { name: 'a rule with a prefix path', spec: { rules: [rule('foo.example.com', [path('/', 'Prefix')])] }, want: [] },
    { name: 'a default backend only', spec: { defaultBackend: svc('web', { name: 'http' }) }, want: [] },
    { name: 'a wildcard host and every path type', spec: { rules: [rule('*.example.com', [path('/a', 'Exact'), path('/b', 'Prefix'), path('', 'ImplementationSpecific')])] }, want: [] },
    { name: 'nothing to route', spec: {}, want: ['spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified'] },
    { name: 'no pathType', spec: { rules: [rule('a.io', [path('/', undefined)])] }, want: ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified'] },
    { name: 'an unknown pathType', spec: { rules: [rule('a.io', [path('/', 'Regex')])] }, want: ['spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"'] },
    { name: 'a relative path', spec: { rules: [rule('a.io', [path('api', 'Prefix')])] }, want: ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path'] },
    { name: 'a path with //', spec: { rules: [rule(undefined, [path('/a//b', 'Exact')])] }, want: ["spec.rules[0].http.paths[0].path: Invalid value: \"/a//b\": must not contain '//'"] },
    { name: 'a path ending in /..', spec: { rules: [rule(undefined, [path('/a/..', 'Prefix')])] }, want: ["spec.rules[0].http.paths[0].path: Invalid value: \"/a/..\": cannot end with '/..'"] },
    { name: 'an IP as host', spec: { rules: [rule('10.0.0.1', [path('/', 'Prefix')])] }, want: ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'] },
    { name: 'a star inside the host', spec: { rules: [rule('foo.*.com', [path('/', 'Prefix')])] }, want: ['spec.rules[0].host: Invalid value: "foo.*.com": a wildcard DNS-1123 subdomain must start with \'*.\''] },
    { name: 'an upper-case host', spec: { rules: [rule('Foo.com', [path('/', 'Prefix')])] }, want: ['spec.rules[0].host: Invalid value: "Foo.com": a lowercase RFC 1123 subdomain'] },
    { name: 'no paths', spec: { rules: [{ host: 'a.io', http: { paths: [] } }] }, want: ['spec.rules[0].http.paths: Required value'] },
    { name: 'no backend', spec: { rules: [rule('a.io', [path('/', 'Prefix', {})])] }, want: ['spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required'] },
    { name: 'both backends', spec: { defaultBackend: { ...svc(), resource: { kind: 'Bucket', name: 'b' } } }, want: ['spec.defaultBackend: Invalid value: "": cannot set both resource and service backends'] },
    { name: 'no port', spec: { defaultBackend: { service: { name: 'web' } } }, want: ['spec.defaultBackend: Required value: port name or number is required'] },
    { name: 'port name and number', spec: { defaultBackend: svc('web', { name: 'http', number: 80 }) }, want: ['spec.defaultBackend: Invalid value: "": cannot set both port name & port number'] },
    { name: 'a port out of range', spec: { defaultBackend: svc('web', { number: 70000 }) }, want: ['spec.defaultBackend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive'] },
    { name: 'a bad service name', spec: { defaultBackend: svc('9web') }, want: ['spec.defaultBackend.service.name: Invalid value: "9web": a DNS-1035 label'] },
    { name: 'a resource without name', spec: { defaultBackend: { resource: { kind: 'Bucket' } } }, want: ['spec.defaultBackend.resource.name: Required value'] },
    { name: 'a bad TLS host', spec: { defaultBackend: svc(), tls: [{ hosts: ['ok.io', '*.*.io'], secretName: 'cert' }] }, want: ['spec.tls[0].hosts[1]: Invalid value: "*.*.io": a wildcard DNS-1123 subdomain'] },
    { name: 'a class that disagrees with the annotation', spec: { defaultBackend: svc(), ingressClassName: 'skiff' }, annotations: { 'kubernetes.io/ingress.class': 'nginx' },
      want: ['metadata.annotations.kubernetes.io/ingress.class: Invalid value: "nginx": must match `ingressClassName` when both are specified'] },
  ];
  for (const c of cases) {
    const got = errors(ingress(c.spec, c.annotations));
    assert.equal(got.length, c.want.length, `${c.name}: ${got.join('; ')}`);
    c.want.forEach((w, i) => assert.ok(got[i]!.startsWith(w), `${c.name}: ${got[i]} !~ ${w}`));
  }
});

test('IngressClass validation: a domain-prefixed controller, parameters by scope, controller immutable', () => {
  const cls = (spec: Record<string, unknown>): KubeObject => {
    const o: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'c' }, spec };
    applyDefaults('IngressClass', o);
    return o;
  };
  const cases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
    { name: 'valid', spec: { controller: 'skiff.io/ingress' }, want: [] },
    { name: 'cluster parameters', spec: { controller: 'acme.io/x', parameters: { apiGroup: 'acme.io', kind: 'Params', name: 'p' } }, want: [] },
    { name: 'no controller', spec: {}, want: ['spec.controller: Required value'] },
    { name: 'not domain-prefixed', spec: { controller: 'ingress' }, want: ['spec.controller: Invalid value: "ingress": must be a domain-prefixed path (such as "acme.io/foo")'] },
    { name: 'namespace with cluster scope', spec: { controller: 'a.io/b', parameters: { kind: 'K', name: 'n', namespace: 'x' } }, want: ["spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'"] },
    { name: 'no namespace with namespace scope', spec: { controller: 'a.io/b', parameters: { kind: 'K', name: 'n', scope: 'Namespace' } }, want: ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"] },
    { name: 'unknown scope', spec: { controller: 'a.io/b', parameters: { kind: 'K', name: 'n', scope: 'World' } }, want: ['spec.parameters.scope: Unsupported value: "World": supported values: "Cluster", "Namespace"'] },
  ];
  for (const c of cases) {
    const got = errors(cls(c.spec), 'IngressClass');
    assert.equal(got.length, c.want.length, `${c.name}: ${got.join('; ')}`);
    c.want.forEach((w, i) => assert.ok(got[i]!.startsWith(w), `${c.name}: ${got[i]} !~ ${w}`));
  }
  const moved = validateObjectUpdate('IngressClass', cls({ controller: 'b.io/y' }), cls({ controller: 'a.io/x' })).map((e) => `${e.field}: ${e.detail}`);
  assert.deepEqual(moved, ['spec.controller: Invalid value: "b.io/y": field is immutable']);
});
