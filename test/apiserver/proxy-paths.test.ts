/** The proxy subresource's addressing: ids (`NAME`, `NAME:PORT`, `SCHEME:NAME:PORT`), the request
 * info kube-apiserver derives (authorization sees `pods/proxy` with the HTTP method's verb), and
 * the backend path kept raw below `proxy`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendPath, splitSchemeNamePort } from '../../src/apiserver/proxy/index.js';
import { rewriteLocation } from '../../src/apiserver/proxy/location.js';
import { parseRequestInfo } from '../../src/apiserver/http/requestinfo.js';
import { parseTarget } from '../../src/apiserver/http/paths.js';

test('ids split as SplitSchemeNamePort splits them', () => {
  const cases: [string, ReturnType<typeof splitSchemeNamePort>][] = [
    ['web', { scheme: '', name: 'web', port: '' }],
    ['web:80', { scheme: '', name: 'web', port: '80' }],
    ['web:http', { scheme: '', name: 'web', port: 'http' }],
    ['https:web:443', { scheme: 'https', name: 'web', port: '443' }],
    ['http:web:', { scheme: 'http', name: 'web', port: '' }],
    ['ftp:web:21', undefined],
    [':80', undefined],
    ['a:b:c:d', undefined],
  ];
  for (const [id, want] of cases) assert.deepEqual(splitSchemeNamePort(id), want, id);
});

test('proxy paths are the proxy subresource, whatever lies below, with the method\'s verb', () => {
  const cases: [string, string, Record<string, unknown>][] = [
    ['GET', '/api/v1/namespaces/ns/services/web:80/proxy/a/b//c?watch=true', { namespace: 'ns', resource: 'services', name: 'web:80', subresource: 'proxy', verb: 'get' }],
    ['POST', '/api/v1/namespaces/ns/pods/p/proxy/', { resource: 'pods', name: 'p', subresource: 'proxy', verb: 'create' }],
    ['DELETE', '/api/v1/namespaces/ns/pods/p/proxy/x', { verb: 'delete' }],
    ['OPTIONS', '/api/v1/namespaces/ns/pods/p/proxy/x', { verb: 'options' }],
    ['PUT', '/api/v1/nodes/n1/proxy/healthz', { resource: 'nodes', name: 'n1', subresource: 'proxy', verb: 'update' }],
  ];
  for (const [method, url, want] of cases) {
    const t = parseTarget(url);
    const info = parseRequestInfo(method, t.segments, t.pathname, t.searchParams);
    assert.equal(info.kind, 'resource', url);
    for (const [k, v] of Object.entries(want)) assert.equal((info as unknown as Record<string, unknown>)[k], v, `${method} ${url} ${k}`);
  }
  // Other subresources still end at three parts.
  const t = parseTarget('/api/v1/namespaces/ns/pods/p/log/extra');
  assert.equal(parseRequestInfo('GET', t.segments, t.pathname, t.searchParams).kind, 'other');
});

test('the backend path: raw below proxy, trailing slash kept, no way above the root', () => {
  const pod = '/api/v1/namespaces/ns/pods/p/proxy';
  const cases: [string, number, string | undefined, string, string][] = [
    [pod, 7, undefined, '', pod],
    [`${pod}?x=1`, 7, undefined, '?x=1', pod],
    [`${pod}/`, 7, '/', '', pod],
    [`${pod}/a%2Fb/c/?q=%20`, 7, '/a%2Fb/c/', '?q=%20', pod],
    [`${pod}/../../etc`, 7, '/etc', '', pod],
    ['/api/v1/nodes/n/proxy/healthz', 5, '/healthz', '', '/api/v1/nodes/n/proxy'],
  ];
  for (const [url, before, wantPath, wantQuery, base] of cases) assert.deepEqual(backendPath(url, before), { path: wantPath, query: wantQuery, base }, url);
});

test('redirects to the backend come back through the proxy; others are left alone', () => {
  const base = '/api/v1/namespaces/ns/services/web:80/proxy', origin = 'https://10.0.0.1:6443';
  const cases: [string, string][] = [
    ['http://127.0.0.9:80/dir/?a=b', `${origin}${base}/dir/?a=b`],
    ['/login', `${origin}${base}/login`],
    [`${base}/already`, `${origin}${base}/already`],
    ['https://example.com/x', 'https://example.com/x'],
    ['relative/path', 'relative/path'],
  ];
  for (const [from, want] of cases) assert.equal(rewriteLocation(from, '127.0.0.9:80', base, origin), want, from);
});
