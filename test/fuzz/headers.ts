/** Headers: credentials on and off, Content-Types honest and not, bogus Accept, oversized and
 * duplicated fields, and Content-Length / Transfer-Encoding games. */
import type { Prng } from './prng.js';

export type HeaderList = [string, string][];

export interface Credentials {
  readonly admin?: string;
}

/** Authorization: the admin's token, a wrong one, a malformed one, or none. */
export function authOf(r: Prng, creds: Credentials): HeaderList {
  return r.weighted<() => HeaderList>([
    [6, () => (creds.admin ? [['Authorization', `Bearer ${creds.admin}`]] : [])],
    [3, () => []],
    [1, () => [['Authorization', r.pick(['Bearer ', 'Bearer x', 'Basic YTpi', 'bearer  ' + (creds.admin ?? ''), 'Bearer ' + 'x'.repeat(20_000), 'Negotiate', 'Bearer a.b.c'])]]],
    [1, () => [['Authorization', `Bearer ${creds.admin ?? ''}`], ['Authorization', 'Bearer other']]],
    [1, () => [['Authorization', `Bearer ${creds.admin ?? ''}`], ['Impersonate-User', r.pick(['system:anonymous', 'nobody', ''])], ['Impersonate-Group', r.pick(['system:masters', 'x'])]]],
  ])();
}

export function acceptOf(r: Prng): HeaderList {
  if (r.chance(0.5)) return [];
  return [['Accept', r.pick([
    'application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', '*/*', 'text/html', 'application/xml', '',
    'application/json;as=Table;v=v1;g=meta.k8s.io', 'application/json;as=Table;v=v9;g=meta.k8s.io', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io',
    'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', 'application/json;q=0', ';;;', 'application/json, text/plain;q=0.1',
    'application/vnd.kubernetes.protobuf;stream=watch', 'application/json;stream=watch', 'a/b;c=' + 'd'.repeat(3000),
  ])]];
}

/** A Content-Type: usually the body's own, sometimes a lie. */
export function contentTypeOf(r: Prng, honest: string): HeaderList {
  return r.weighted<() => HeaderList>([
    [8, () => [['Content-Type', honest]]],
    [1, () => []],
    [1, () => [['Content-Type', r.pick(['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml', 'text/plain', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', '', 'application/json;;;', 'application/cbor'])]]],
    [1, () => [['Content-Type', honest], ['Content-Type', 'application/yaml']]],
  ])();
}

/** Extra fields that have nothing to do with the request. */
export function noiseOf(r: Prng): HeaderList {
  const out: HeaderList = [];
  if (r.chance(0.05)) out.push([`X-Big-${r.word()}`, 'x'.repeat(r.pick([8 * 1024, 20 * 1024, 64 * 1024, 700 * 1024, 1100 * 1024]))]);
  if (r.chance(0.05)) for (let i = r.int(10, 300); i > 0; i--) out.push([`X-Many-${i}`, r.word()]);
  if (r.chance(0.05)) out.push(['Expect', r.pick(['100-continue', 'nonsense'])]);
  if (r.chance(0.05)) out.push(['Content-Encoding', r.pick(['gzip', 'br', 'zstd', 'nope'])]);
  if (r.chance(0.03)) out.push(['Upgrade', r.pick(['websocket', 'h2c', 'SPDY/3.1'])], ['Connection', 'Upgrade']);
  if (r.chance(0.05)) out.push(['User-Agent', r.pick(['kubectl/v1.32.0', '', 'x'.repeat(5000), 'é'])]);
  return out;
}

/** How the body's length is framed on HTTP/1.1: honestly, or in ways that must not confuse the
 * server (bodies are sent as framed; the server must answer, not hang or crash). */
export function framingOf(r: Prng, length: number): HeaderList {
  return r.weighted<() => HeaderList>([
    [12, () => [['Content-Length', String(length)]]],
    [2, () => [['Transfer-Encoding', 'chunked']]],
    [1, () => [['Content-Length', r.pick(['-1', 'abc', '1e3', '0x10', ' ' + length, `${length}, ${length}`, '99999999999999999999'])]]],
    [1, () => [['Content-Length', String(length)], ['Content-Length', String(length + 1)]]],
    [1, () => [['Content-Length', String(length)], ['Transfer-Encoding', 'chunked']]],
    [1, () => [['Transfer-Encoding', r.pick(['gzip, chunked', 'chunked, gzip', 'identity', 'xchunked', 'chunked\t'])]]],
    [1, () => [['Content-Length', String(Math.max(0, length - r.int(1, 10)))]]],
    [1, () => [['Content-Length', String(length + r.int(1, 10))]]],
  ])();
}
