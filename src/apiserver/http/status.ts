/** The one place where errors become Kubernetes `Status` responses. */
import type { ServerResponse } from 'node:http';
import { ApiError, InternalError, ServiceUnavailableError } from '../../api/errors.js';
import type { Status } from '../../api/types.js';
import { StoreUnavailableError } from '../../storage/errors.js';
import { noteResponseBody } from '../audit/index.js';

/** Any thrown value as an API error: catalog errors as they are, a store that cannot be reached
 * as 503, anything else (a bug) as 500. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof StoreUnavailableError) return new ServiceUnavailableError(err.message);
  return new InternalError(err instanceof Error ? err.message : String(err));
}

export function statusOf(err: ApiError): Status {
  const s: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: err.message,
    reason: err.reason,
    code: err.code,
  };
  // Where Kubernetes sends `details` it sends it even when empty (`"details": {}` on the generic
  // 404 and 405): clients dereference it.
  if (err.details) s.details = Object.fromEntries(Object.entries(err.details).filter(([, v]) => v !== undefined));
  return s;
}

export function successStatus(details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}), code: 200 };
}

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  noteResponseBody(res, body, contentType);
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Asks for the HTTP/1.1 connection to close after this response (a request body that is not
 * going to be read). HTTP/2 closes just the stream, by itself. */
export function closeAfterResponse(res: ServerResponse): void {
  if (res.headersSent || (res as unknown as { stream?: unknown }).stream) return;
  res.setHeader('Connection', 'close');
}

/** Sends `err` as a Status. Mid-stream, the only honest signal left is to cut the stream. */
export function sendError(res: ServerResponse, err: unknown): void {
  const e = toApiError(err);
  if (res.headersSent) {
    const stream = (res as unknown as { stream?: { destroy(): void } }).stream;
    if (stream) stream.destroy();
    else res.destroy();
    return;
  }
  const retry = e.details?.retryAfterSeconds;
  if (retry !== undefined) res.setHeader('Retry-After', String(retry));
  sendJson(res, e.code, statusOf(e));
}
