/** One fuzz request, drawn from its own PRNG stream: a method, target, headers and body sent over
 * HTTP/1.1 (on a raw TLS socket, so nothing is tidied on the way) or HTTP/2, or raw bytes, sent
 * whole, slowly, or cut off. */
import { Prng } from './prng.js';
import { isApiPath, targetOf } from './targets.js';
import { bodyOf } from './bodies.js';
import { acceptOf, authOf, contentTypeOf, framingOf, noiseOf, type Credentials, type HeaderList } from './headers.js';

export type Transport = 'h1' | 'h2' | 'raw';
/** How the bytes go out: all at once, in small pieces with pauses, or cut off (reset, or the
 * client's side closed) before the end. */
export type Delivery = 'whole' | 'slow' | 'abort' | 'half-close';

export interface FuzzRequest {
  readonly seed: number;
  readonly index: number;
  readonly transport: Transport;
  readonly delivery: Delivery;
  readonly method: string;
  readonly target: string;
  readonly headers: HeaderList;
  readonly body: Buffer | undefined;
  /** For `raw`: the exact bytes. */
  readonly raw?: Buffer;
}

const methods = ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND', 'get', 'FOO'];

/** Bytes that are not a well-formed HTTP/1.1 request. */
function rawOf(r: Prng, creds: Credentials): Buffer {
  const token = creds.admin ?? 'x';
  return r.weighted<() => Buffer>([
    [2, () => r.bytes(r.int(1, 3000))],
    [1, () => Buffer.from(r.pick(['HELLO THERE\r\n\r\n', 'GET\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', 'GET / HTTP/1.1\r\n\r\n', 'GET /version HTTP/1.0\r\n\r\n', 'GET /version\r\n\r\n', ' GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'GET / HTTP/1.1\nHost: x\n\n', 'GET /%00 HTTP/1.1\r\nHost: x\r\n\r\n', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', '\r\n\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nX\u0000Y: z\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nX: \u0001\r\n\r\n'])) ],
    [1, () => Buffer.from(`GET /api/v1/namespaces/${'%E0%A4%A'} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`)],
    [1, () => Buffer.from(`POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${r.pick(['zz\r\n', '5\r\n{"a"\r\n', 'ffffffffffffffffff\r\n', '3;ext=1\r\n{}}\r\n0\r\n\r\n', '0\r\nX-Trailer: y\r\n\r\n'])}`)],
    [1, () => Buffer.from(`GET /version HTTP/1.1\r\nHost: x\r\n\r\n`.repeat(r.int(2, 20)))],
  ])();
}

/** Request `index` of the run with `seed`. */
export function requestOf(seed: number, index: number, creds: Credentials): FuzzRequest {
  const r = new Prng(seed, index);
  const transport = r.weighted<Transport>([[6, 'h1'], [3, 'h2'], [1, 'raw']]);
  const delivery = transport === 'h2' ? r.weighted<Delivery>([[18, 'whole'], [1, 'abort']]) : r.weighted<Delivery>([[16, 'whole'], [2, 'slow'], [1, 'abort'], [1, 'half-close']]);
  const base = { seed, index, transport, delivery };
  if (transport === 'raw') return { ...base, method: '', target: '', headers: [], body: undefined, raw: rawOf(r, creds) };
  const method = r.pick(methods);
  const target = targetOf(r);
  const withBody = ['POST', 'PUT', 'PATCH'].includes(method) ? r.chance(0.95) : r.chance(0.1);
  const body = withBody ? bodyOf(r) : undefined;
  const headers: HeaderList = [...authOf(r, creds), ...acceptOf(r), ...noiseOf(r)];
  if (body) {
    headers.push(...contentTypeOf(r, method === 'PATCH' ? r.pick(['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml', body.contentType]) : body.contentType));
    if (transport === 'h1') headers.push(...framingOf(r, body.bytes.length));
  }
  return { ...base, method, target, headers, body: body?.bytes };
}

/** Whether the request addresses the API (where every failure must be a Status). */
export function onApiPath(req: FuzzRequest): boolean {
  return req.transport !== 'raw' && isApiPath(req.target);
}

/** A short account of the request, to reproduce it by hand. */
export function describeRequest(req: FuzzRequest): string {
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
  if (req.raw) return `#${req.index} raw ${req.delivery} ${JSON.stringify(cut(req.raw.toString('latin1'), 300))}`;
  const headers = req.headers.map(([k, v]) => `${k}: ${cut(k.toLowerCase() === 'authorization' ? v.replace(/Bearer \S{8,}/, 'Bearer <token>') : v, 80)}`).join(' | ');
  const body = req.body ? ` body(${req.body.length} B): ${JSON.stringify(cut(req.body.toString('latin1'), 200))}` : '';
  return `#${req.index} ${req.transport} ${req.delivery} ${req.method} ${JSON.stringify(cut(req.target, 300))} [${headers}]${body}`;
}
