/** The audit.k8s.io/v1 Event, as kube-apiserver writes it to its log backend. */
import type { Level, Stage } from './policy.js';

export interface AuditUser {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

export interface ObjectReference {
  resource?: string;
  namespace?: string;
  name?: string;
  apiGroup?: string;
  apiVersion?: string;
  subresource?: string;
}

export interface ResponseStatus {
  metadata: Record<string, never>;
  status?: string;
  message?: string;
  reason?: string;
  code: number;
}

export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: Level;
  auditID: string;
  stage: Stage;
  requestURI: string;
  verb: string;
  user: AuditUser;
  impersonatedUser?: AuditUser;
  sourceIPs: string[];
  userAgent?: string;
  objectRef?: ObjectReference;
  responseStatus?: ResponseStatus;
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

// Microsecond timestamps (Kubernetes' MicroTime): the wall clock at start plus the monotonic
// clock since, so events of one request are ordered even within a millisecond.
const wallAtStartUs = BigInt(Date.now()) * 1000n;
const hrAtStart = process.hrtime.bigint();

export function nowMicros(): bigint {
  return wallAtStartUs + (process.hrtime.bigint() - hrAtStart) / 1000n;
}

/** RFC 3339 with six fractional digits, UTC: `2026-12-05T08:40:00.123456Z`. */
export function microTime(us: bigint): string {
  const ms = Number(us / 1000n);
  const iso = new Date(ms).toISOString(); // …SS.mmmZ
  const micros = String(us % 1_000_000n).padStart(6, '0');
  return `${iso.slice(0, 19)}.${micros}Z`;
}

export function auditUser(u: { name: string; groups: readonly string[]; uid?: string; extra?: Readonly<Record<string, readonly string[]>> }): AuditUser {
  return {
    username: u.name,
    ...(u.uid ? { uid: u.uid } : {}),
    groups: [...u.groups],
    ...(u.extra && Object.keys(u.extra).length > 0 ? { extra: u.extra } : {}),
  };
}

/** The client addresses, as Kubernetes' SourceIPs: X-Forwarded-For, X-Real-Ip, then the peer. */
export function sourceIPs(headers: Readonly<Record<string, string | string[] | undefined>>, remote: string | undefined): string[] {
  const out: string[] = [];
  const add = (ip: string): void => {
    const v = ip.trim();
    if (v !== '' && !out.includes(v)) out.push(v);
  };
  const fwd = headers['x-forwarded-for'];
  for (const part of (Array.isArray(fwd) ? fwd.join(',') : (fwd ?? '')).split(',')) add(part);
  const real = headers['x-real-ip'];
  if (typeof real === 'string') add(real);
  if (remote) add(remote.startsWith('::ffff:') ? remote.slice(7) : remote);
  return out;
}

/** A copy without `metadata.managedFields` (and the same for a list's items). */
export function withoutManagedFields(obj: unknown): unknown {
  if (typeof obj !== 'object' || obj === null) return obj;
  const o = obj as Record<string, unknown>;
  let out = o;
  const meta = o['metadata'];
  if (typeof meta === 'object' && meta !== null && 'managedFields' in meta) {
    const { managedFields: _dropped, ...rest } = meta as Record<string, unknown>;
    out = { ...o, metadata: rest };
  }
  if (Array.isArray(o['items'])) out = { ...out, items: (o['items'] as unknown[]).map(withoutManagedFields) };
  return out;
}
