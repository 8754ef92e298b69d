/** Request targets: every path shape the API serves (and some it does not), with names and query
 * strings a hostile client would send — bad and good percent-escapes, `//`, dot segments, NUL,
 * overlong names, unicode, repeated and malformed query parameters. */
import type { Prng } from './prng.js';

/** Resources by their path: [group/version prefix, plural, namespaced]. */
const resources: readonly (readonly [string, string, boolean])[] = [
  ['/api/v1', 'configmaps', true],
  ['/api/v1', 'secrets', true],
  ['/api/v1', 'pods', true],
  ['/api/v1', 'services', true],
  ['/api/v1', 'replicationcontrollers', true],
  ['/api/v1', 'events', true],
  ['/api/v1', 'serviceaccounts', true],
  ['/api/v1', 'namespaces', false],
  ['/api/v1', 'nodes', false],
  ['/apis/apps/v1', 'deployments', true],
  ['/apis/apps/v1', 'daemonsets', true],
  ['/apis/batch/v1', 'jobs', true],
  ['/apis/rbac.authorization.k8s.io/v1', 'clusterroles', false],
  ['/apis/rbac.authorization.k8s.io/v1', 'rolebindings', true],
  ['/apis/coordination.k8s.io/v1', 'leases', true],
  ['/apis/authorization.k8s.io/v1', 'selfsubjectaccessreviews', false],
  ['/apis/nope.example.com/v1', 'widgets', true],
  ['/api/v2', 'pods', true],
];

const subresources = ['status', 'scale', 'log', 'binding', 'finalize', 'exec', 'proxy', 'eviction', 'ephemeralcontainers', 'nosuch'];
const others = ['/', '/api', '/apis', '/version', '/healthz', '/livez', '/readyz', '/readyz/etcd', '/healthz/ping', '/metrics', '/openapi/v2', '/openapi/v3', '/openapi/v3/api/v1', '/apis/apps', '/apis/apps/v1', '/api/v1', '/favicon.ico', '/logs', '/debug/pprof'];

/** Namespaces the hostile side may touch (the immortal ones among them: they must survive). */
export const hostileNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'fuzz-a', 'fuzz-b'];

/** A name: mostly plausible, often hostile. */
export function nameOf(r: Prng): string {
  return r.weighted<() => string>([
    [6, () => `fz-${r.word(1, 10)}`],
    [1, () => r.pick(['.', '..', '...', '.a', 'a.', '-a', 'A', 'a_b', ' ', '', 'a/b', 'a%2Fb', '%2e%2e', '%2E', '%00', 'con', 'null', 'undefined', '__proto__', 'constructor', 'prototype', 'hasOwnProperty'])],
    [1, () => 'a'.repeat(r.pick([63, 64, 253, 254, 1000, 10_000]))],
    [1, () => r.pick(['名前', 'ｆｕｌｌ', 'a\u200bb', 'a\u2028', 'é', '\ud83d\ude00', 'ǅ', '\u0130'])],
  ])();
}

/** Percent-escapes, valid and not. */
function escapes(r: Prng): string {
  return r.pick(['%', '%2', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF', '%00', '%2F', '%5C', '%25', '%u0041', '%%', '%2e%2e%2f', '%e2%80%a8']);
}

function querystring(r: Prng): string {
  const params: string[] = [];
  for (let i = r.int(0, 4); i > 0; i--) {
    const key = r.pick(['watch', 'labelSelector', 'fieldSelector', 'resourceVersion', 'resourceVersionMatch', 'limit', 'continue', 'timeoutSeconds',
      'allowWatchBookmarks', 'dryRun', 'fieldManager', 'fieldValidation', 'pretty', 'propagationPolicy', 'gracePeriodSeconds', 'follow', 'tailLines',
      'sinceSeconds', 'timestamps', 'container', 'force', 'sendInitialEvents', 'orphanDependents', 'includeObject', r.word()]);
    const value = r.weighted<() => string>([
      [3, () => r.pick(['true', 'false', '1', '0', 'T', 'f', 'TRUE', 'yes', '', '-1', '1e100', '9007199254740993', '18446744073709551616', 'NaN', '0x10', '  1'])],
      [2, () => r.pick(['a=b', 'a!=b,c in (d)', 'a in (', '!!', 'metadata.name=x', 'spec.nodeName==', 'x'.repeat(5000), 'NotOlderThan', 'Exact', 'All', 'Strict', 'Warn', 'Ignore', 'Foreground', 'Orphan'])],
      [1, () => escapes(r)],
      [1, () => String(r.int(0, 1_000_000))],
    ])();
    params.push(r.chance(0.1) ? key : `${key}=${value}`);
  }
  if (r.chance(0.05)) params.push('watch=1', 'watch=0');
  if (params.length === 0) return '';
  return `${r.chance(0.05) ? '??' : '?'}${params.join(r.chance(0.05) ? ';' : '&')}${r.chance(0.03) ? '#frag' : ''}`;
}

/** A resource path: collection, object or subresource, namespaced or not (rightly or wrongly). */
function resourcePath(r: Prng): string {
  const [prefix, plural, namespaced] = r.pick(resources);
  const withNs = r.chance(0.1) ? !namespaced : namespaced;
  let p = prefix + (withNs ? `/namespaces/${r.chance(0.85) ? r.pick(hostileNamespaces) : nameOf(r)}` : '') + `/${plural}`;
  const shape = r.int(0, 9);
  if (shape >= 3) p += `/${nameOf(r)}`;
  if (shape >= 8) p += `/${r.pick(subresources)}`;
  if (shape === 9 && r.chance(0.3)) p += `/${nameOf(r)}`;
  return p;
}

/** Spoils a path the way hostile targets do. */
function spoil(r: Prng, p: string): string {
  return r.weighted<() => string>([
    [10, () => p],
    [1, () => `/${p}`],
    [1, () => p.replace(/\/([^/]*)$/, `/${escapes(r)}$1`)],
    [1, () => `${p}/${r.pick(['.', '..', '../..', '../../../secrets', './', '%2e', '%2e%2e'])}`],
    [1, () => p.replace('/', '//')],
    [1, () => `${p}/`],
    [1, () => `${p}\u0000x`],
    [1, () => `${p}/${'x'.repeat(r.int(2000, 70_000))}`],
    [1, () => p.toUpperCase()],
    [1, () => `${p};${r.word()}`],
    [1, () => p.replace(/\//g, '\\')],
  ])();
}

/** A request target (what follows the method on the request line). */
export function targetOf(r: Prng): string {
  const base = r.weighted<() => string>([
    [8, () => resourcePath(r)],
    [2, () => r.pick(others)],
    [1, () => r.pick(['*', 'http://example.com/api/v1/pods', 'https://x/api', '//%00/', '?', '', '/%', `/${r.word()}/${r.word()}`, '/api/v1/namespaces/%E0%A4%A/pods'])],
  ])();
  return spoil(r, base) + querystring(r);
}

/** Whether a target addresses the Kubernetes API (where every error must be a Status). */
export function isApiPath(target: string): boolean {
  return /^\/(?:api|apis)(?:[/?]|$)/.test(target);
}
