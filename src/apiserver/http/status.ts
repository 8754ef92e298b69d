/** The one place where errors become Kubernetes `Status` responses. */
import type { ServerResponse } from 'node:http';
import { ApiError, InternalError } from '../../api/errors.js';
import type { Status } from '../../api/types.js';

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
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
  if (err.details) {
    const d = Object.fromEntries(Object.entries(err.details).filter(([, v]) => v !== undefined));
    if (Object.keys(d).length > 0) s.details = d;
  }
  return s;
}

export function successStatus(details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}), code: 200 };
}

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const e = toApiError(err);
  if (res.headersSent) {
    // Mid-stream: the only honest signal left is to cut the connection (stream, on HTTP/2).
    const stream = (res as unknown as { stream?: { destroy(): void } }).stream;
    if (stream) stream.destroy();
    else res.destroy();
    return;
  }
  sendJson(res, e.code, statusOf(e));
}
