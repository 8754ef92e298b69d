/** Request targets parsed as Go's net/http does for kube-apiserver: decoded once, split on `/`,
 * never normalised; and RequestInfo read from the segments. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTarget, pathSegmentNameProblems } from '../../src/apiserver/http/paths.js';
import { parseRequestInfo } from '../../src/apiserver/http/requestinfo.js';

test('targets: decoded path, segments, query — no dot-segment resolution', () => {
  const cases: { name: string; raw: string; pathname: string; segments: string[]; query?: string }[] = [
    { name: 'plain', raw: '/api/v1/pods', pathname: '/api/v1/pods', segments: ['api', 'v1', 'pods'] },
    { name: 'query apart', raw: '/api/v1/pods?watch=1&labelSelector=a%3Db', pathname: '/api/v1/pods', segments: ['api', 'v1', 'pods'], query: 'a=b' },
    { name: 'dot segments stay', raw: '/api/v1/namespaces/x/configmaps/../../../secrets', pathname: '/api/v1/namespaces/x/configmaps/../../../secrets', segments: ['api', 'v1', 'namespaces', 'x', 'configmaps', '..', '..', '..', 'secrets'] },
    { name: 'escaped dots decode to dots', raw: '/a/%2E%2e', pathname: '/a/..', segments: ['a', '..'] },
    { name: 'escaped slash splits (as Go decodes before splitting)', raw: '/a/b%2Fc', pathname: '/a/b/c', segments: ['a', 'b', 'c'] },
    { name: 'leading and trailing slashes trimmed, inner empties kept', raw: '//a//b/', pathname: '//a//b/', segments: ['a', '', 'b'] },
    { name: 'root', raw: '/', pathname: '/', segments: [] },
    { name: 'NUL byte', raw: '//%00/', pathname: '//\u0000/', segments: ['\u0000'] },
    { name: 'UTF-8 escapes', raw: '/n/%C3%A9', pathname: '/n/é', segments: ['n', 'é'] },
    { name: 'plus is not a space in a path', raw: '/n/a+b', pathname: '/n/a+b', segments: ['n', 'a+b'] },
    { name: 'absolute form', raw: 'https://example.com:6443/version?x=1', pathname: '/version', segments: ['version'] },
    { name: 'fragment dropped', raw: '/version#frag', pathname: '/version', segments: ['version'] },
  ];
  for (const c of cases) {
    const t = parseTarget(c.raw);
    assert.equal(t.pathname, c.pathname, c.name);
    assert.deepEqual(t.segments, c.segments, c.name);
    if (c.query) assert.equal(t.searchParams.get('labelSelector'), c.query, c.name);
  }
});

test('malformed targets are 400 with Go\'s escape error', () => {
  const cases: { raw: string; message: string }[] = [
    { raw: '/api/v1/namespaces/%E0%A4%A/pods', message: 'invalid URL escape "%A/"' },
    { raw: '/%', message: 'invalid URL escape "%"' },
    { raw: '/a%zz', message: 'invalid URL escape "%zz"' },
    { raw: '*', message: 'invalid request URI "*"' },
    { raw: 'no-slash', message: 'invalid request URI "no-slash"' },
  ];
  for (const c of cases) {
    assert.throws(() => parseTarget(c.raw), (err: { code?: number; reason?: string; message?: string }) => {
      assert.equal(err.code, 400, c.raw);
      assert.equal(err.reason, 'BadRequest');
      assert.equal(err.message, c.message);
      return true;
    });
  }
});

test('names a path may not carry, in Kubernetes\' words', () => {
  assert.deepEqual(pathSegmentNameProblems('.'), [`may not be '.'`]);
  assert.deepEqual(pathSegmentNameProblems('..'), [`may not be '..'`]);
  assert.deepEqual(pathSegmentNameProblems('a/b%c'), [`may not contain '/'`, `may not contain '%'`]);
  assert.deepEqual(pathSegmentNameProblems('...'), []);
  assert.deepEqual(pathSegmentNameProblems('web-1'), []);
});

test('request info from segments', () => {
  const q = new URLSearchParams();
  const info = (method: string, raw: string) => {
    const t = parseTarget(raw);
    return parseRequestInfo(method, t.segments, t.pathname, t.searchParams.size ? t.searchParams : q);
  };
  assert.deepEqual(info('DELETE', '/api/v1/namespaces/v/configmaps/..'), { kind: 'resource', group: '', version: 'v1', namespace: 'v', resource: 'configmaps', name: '..', verb: 'delete' });
  assert.deepEqual(info('DELETE', '/api/v1/namespaces'), { kind: 'resource', group: '', version: 'v1', resource: 'namespaces', verb: 'deletecollection' });
  assert.deepEqual(info('GET', '/apis/apps/v1/watch/namespaces/a/deployments/d'), { kind: 'resource', group: 'apps', version: 'v1', namespace: 'a', resource: 'deployments', name: 'd', verb: 'watch' });
  assert.deepEqual(info('PUT', '/api/v1/namespaces/a/finalize'), { kind: 'resource', group: '', version: 'v1', resource: 'namespaces', name: 'a', subresource: 'finalize', verb: 'update' });
  assert.equal(info('DELETE', '/api/v1/namespaces//pods').kind, 'other');
  assert.equal(info('DELETE', '/apis//v1/pods').kind, 'other');
  assert.equal(info('GET', '/api/v1/namespaces/a/pods/p/log/extra').kind, 'other');
});
