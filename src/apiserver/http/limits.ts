/**
 * The serving limits, compiled once from the server options: request body size, requests in
 * flight (read-only and mutating pools, as kube-apiserver's `--max-requests-inflight` and
 * `--max-mutating-requests-inflight`), watches per client, and how long a connection may sit idle.
 */
import type { IncomingMessage } from 'node:http';

export interface ServingLimitOptions {
  /** Largest request body accepted (413 above). Default 3 MiB, Kubernetes' limit. */
  readonly maxRequestBodyBytes?: number;
  /** Read-only requests (get, list, discovery…) in flight at once; 0 = unlimited. Default 400. */
  readonly maxRequestsInflight?: number;
  /** Mutating requests in flight at once; 0 = unlimited. Default 200. */
  readonly maxMutatingRequestsInflight?: number;
  /** Open watches of one client (user at one address); 0 = unlimited. Default 1000. */
  readonly maxWatchesPerClient?: number;
  /** A connection with no request in progress (none yet, or between requests) is closed after
   * this long. Watches and log streams are requests in progress: they are never cut. Default 90 s. */
  readonly idleConnectionTimeoutMs?: number;
  /** A request that is not long-running (watch, log…) and not answered within this gets 504
   * (kube-apiserver's `--request-timeout`). Default 60 s. */
  readonly requestTimeoutMs?: number;
}

export type ServingLimits = Required<ServingLimitOptions>;

export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/** The largest request head (request line and headers) read: kube-apiserver serves with Go's
 * `MaxHeaderBytes: 1 << 20`, so headers Node's default of 16 KiB would refuse with 431 (long
 * impersonation lists, big bearer tokens, many cookies) are served as Kubernetes serves them. */
export const MAX_HEADER_BYTES = 1 << 20;

/** The HTTP/2 SETTINGS_MAX_HEADER_LIST_SIZE announced: Go's http2 server announces MaxHeaderBytes
 * plus room for ten fields' 32-byte overhead (RFC 7541's entry size). */
export const MAX_HEADER_LIST_SIZE = MAX_HEADER_BYTES + 10 * 32;

/** Header fields per HTTP/2 request: as many as fit in {@link MAX_HEADER_LIST_SIZE} (each field
 * counts at least 32 bytes there, RFC 7541). */
export const MAX_HEADER_LIST_PAIRS = Math.floor(MAX_HEADER_LIST_SIZE / 32);

export function compileLimits(o: ServingLimitOptions): ServingLimits {
  const limits: ServingLimits = {
    maxRequestBodyBytes: o.maxRequestBodyBytes ?? MAX_REQUEST_BODY_BYTES,
    maxRequestsInflight: o.maxRequestsInflight ?? 400,
    maxMutatingRequestsInflight: o.maxMutatingRequestsInflight ?? 200,
    maxWatchesPerClient: o.maxWatchesPerClient ?? 1000,
    idleConnectionTimeoutMs: o.idleConnectionTimeoutMs ?? 90_000,
    requestTimeoutMs: o.requestTimeoutMs ?? 60_000,
  };
  for (const [k, v] of Object.entries(limits)) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`${k} must be a whole number ≥ 0, got ${v}`);
  }
  if (limits.maxRequestBodyBytes === 0) throw new Error('maxRequestBodyBytes must be positive');
  if (limits.idleConnectionTimeoutMs === 0) throw new Error('idleConnectionTimeoutMs must be positive');
  if (limits.requestTimeoutMs === 0) throw new Error('requestTimeoutMs must be positive');
  return limits;
}

const bodyLimits = new WeakMap<IncomingMessage, number>();

/** Records the body limit of a request for whoever reads its body (body.ts). */
export function setBodyLimit(req: IncomingMessage, bytes: number): void {
  bodyLimits.set(req, bytes);
}

/** The body limit of `req`: the server's, or Kubernetes' default outside a server. */
export function bodyLimitOf(req: IncomingMessage): number {
  return bodyLimits.get(req) ?? MAX_REQUEST_BODY_BYTES;
}
