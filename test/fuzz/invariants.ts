/** What every answer must be, whatever was sent: no 500 (a 500 is a bug), and every error answer
 * with a body — always on the API's paths — a `Status` whose `code` is the HTTP status, as
 * kube-apiserver answers. */
import type { Answer } from './wire.js';
import { onApiPath, type FuzzRequest } from './requests.js';

export interface Violation {
  readonly rule: string;
  readonly detail: string;
}

function statusOfBody(body: Buffer): { kind?: unknown; code?: unknown } | undefined {
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    return v && typeof v === 'object' ? (v as { kind?: unknown; code?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/** The rules `answer` to `req` breaks (none, usually). */
export function check(req: FuzzRequest, answer: Answer): Violation[] {
  if (answer.kind !== 'answered') return [];
  const out: Violation[] = [];
  const { status, headers, body } = answer;
  const text = () => body.subarray(0, 300).toString('utf8');
  if (status === 500) out.push({ rule: 'no 500', detail: text() });
  if (status === 0) out.push({ rule: 'a well-formed status line', detail: text() });
  // A Status is checked where the whole body arrived (a HEAD answer and 204/304 have none).
  const hasBody = answer.complete && body.length > 0 && req.method !== 'HEAD';
  const json = /json/.test(headers['content-type'] ?? '');
  if (status >= 400 && hasBody && (json || onApiPath(req))) {
    const s = statusOfBody(body);
    if (s?.kind !== 'Status') out.push({ rule: 'an error is a Status', detail: `${status} ${headers['content-type'] ?? ''}: ${text()}` });
    else if (s.code !== status) out.push({ rule: 'Status.code is the HTTP status', detail: `HTTP ${status}, Status.code ${String(s.code)}` });
  }
  if (status < 400 && hasBody && json) {
    const s = statusOfBody(body);
    if (s?.kind === 'Status' && s.code !== status) out.push({ rule: 'Status.code is the HTTP status', detail: `HTTP ${status}, Status.code ${String(s.code)}` });
  }
  return out;
}
