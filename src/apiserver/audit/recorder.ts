/**
 * One request's audit trail, kept beside the request from the router's hook to its end: the
 * policy decides the level once the user is known, then RequestReceived is written at once,
 * ResponseStarted when a watch or stream sends its headers, ResponseComplete when the response
 * ends (or the client leaves). A request that failed authentication is one ResponseStarted
 * event with an empty user, as kube-apiserver's failed-authentication audit writes it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserInfo } from '../auth/user.js';
import type { RequestInfo } from '../http/requestinfo.js';
import {
  auditUser, microTime, nowMicros, sourceIPs, withoutManagedFields,
  type AuditEvent, type ObjectReference, type ResponseStatus,
} from './event.js';
import { evaluatePolicy, type Policy, type RequestAuditConfig, type Stage } from './policy.js';
import type { AuditSink } from './writer.js';

/** What authentication and authorization learnt, filled in by the auth chain as it goes. */
export interface AdmitTrace {
  /** Who the credentials belong to. */
  user?: UserInfo;
  /** Who the request acts as, when it impersonates. */
  impersonated?: UserInfo;
  /** The authorizer's answer, when it was asked. */
  decision?: { readonly allowed: boolean; readonly reason: string };
}

const decisionAnnotation = 'authorization.k8s.io/decision';
const reasonAnnotation = 'authorization.k8s.io/reason';

/** Records by request and by response, for the handlers' notes (decoded body, reply). */
const records = new WeakMap<object, AuditRecord>();
/** Whether any server in this process audits: the notes cost one check when none does. */
let auditing = false;

export function enableAuditNotes(): void {
  auditing = true;
}

/** The decoded request body, as the handler understood it (Request level and above). */
export function noteRequestObject(req: IncomingMessage, obj: unknown): void {
  if (!auditing) return;
  records.get(req)?.requestObject(obj);
}

/** A response body about to be sent (RequestResponse level); Status bodies give responseStatus. */
export function noteResponseBody(res: ServerResponse, body: unknown, contentType: string): void {
  if (!auditing) return;
  records.get(res)?.responseBody(body, contentType);
}

/** A bug met while serving (kube-apiserver's panic): the request ends in a Panic event. */
export function notePanic(res: ServerResponse, err: unknown): void {
  if (!auditing) return;
  records.get(res)?.panicked(err);
}

export class AuditRecord {
  readonly trace: AdmitTrace = {};
  private readonly receivedUs = nowMicros();
  private config: RequestAuditConfig | undefined;
  private reqObject: unknown;
  private resObject: unknown;
  private status: Omit<ResponseStatus, 'code'> | undefined;
  private startedSent = false;
  private panic: string | undefined;
  private done = false;
  /** Read at once: by a stream's end its socket may be gone. */
  private readonly sourceIPs: string[];

  constructor(
    private readonly sink: AuditSink,
    private readonly policy: Policy,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly info: RequestInfo,
    private readonly method: string,
    private readonly longRunning: boolean,
    readonly auditID: string,
  ) {
    this.sourceIPs = sourceIPs(req.headers, req.socket?.remoteAddress);
    records.set(req, this);
    records.set(res, this);
    res.on('close', () => this.complete());
  }

  private get level(): string {
    return this.config?.level ?? 'None';
  }

  /** Called once authentication (and authorization) ran, whether it let the request in or not. */
  admitted(): void {
    const info = this.info;
    const r = info.kind === 'resource' ? info : undefined;
    this.config = evaluatePolicy(this.policy, {
      ...(this.trace.user ? { user: this.trace.user } : {}),
      verb: this.verb(),
      resourceRequest: r !== undefined,
      group: r?.group ?? '',
      resource: r?.resource ?? '',
      subresource: r?.subresource ?? '',
      namespace: r?.namespace ?? '',
      name: r?.name ?? '',
      path: info.kind === 'other' ? info.path : '',
    });
    if (this.config.level === 'None') {
      records.delete(this.req);
      records.delete(this.res);
      return;
    }
    if (!this.trace.user) return;
    this.emit('RequestReceived');
    if (this.longRunning) this.watchHeaders();
  }

  requestObject(obj: unknown): void {
    if (this.level === 'Request' || this.level === 'RequestResponse') this.reqObject = obj;
  }

  responseBody(body: unknown, contentType: string): void {
    let value = body;
    if (typeof body === 'string') {
      if (!contentType.startsWith('application/json')) return;
      if (this.level !== 'RequestResponse' && !body.includes('"kind":"Status"')) return;
      try {
        value = JSON.parse(body);
      } catch {
        return;
      }
    }
    const v = value as Record<string, unknown> | null;
    if (v && v['kind'] === 'Status' && v['status'] === 'Failure') {
      this.status = {
        metadata: {},
        status: 'Failure',
        ...(typeof v['message'] === 'string' ? { message: v['message'] } : {}),
        ...(typeof v['reason'] === 'string' && v['reason'] !== '' ? { reason: v['reason'] } : {}),
      };
    }
    if (this.level === 'RequestResponse') this.resObject = value;
  }

  panicked(err: unknown): void {
    this.panic = err instanceof Error ? err.message : String(err);
  }

  /** ResponseStarted for a watch or stream: when its headers go out. */
  private watchHeaders(): void {
    // Patched on this one response only: watch and log handlers write headers their own ways.
    const res = this.res as unknown as { writeHead: (...a: unknown[]) => unknown; write: (...a: unknown[]) => boolean };
    const writeHead = res.writeHead;
    const write = res.write;
    const started = (): void => {
      if (this.startedSent || this.done) return;
      this.startedSent = true;
      this.emit('ResponseStarted');
    };
    res.writeHead = function (this: unknown, ...a: unknown[]) {
      const out = writeHead.apply(this, a);
      started();
      return out;
    };
    res.write = function (this: unknown, ...a: unknown[]) {
      started();
      return write.apply(this, a);
    };
  }

  private complete(): void {
    if (this.done || this.level === 'None') return;
    if (!this.trace.user) {
      // Failed authentication: the one event kube-apiserver writes for it, its status only the
      // credentials tried and the code.
      this.status = { metadata: {}, message: authMethods(this.req) };
      this.emit('ResponseStarted');
    } else {
      if (this.longRunning && !this.startedSent && this.res.headersSent && this.panic === undefined) this.emit('ResponseStarted');
      if (this.panic !== undefined) {
        this.status = { metadata: {}, status: 'Failure', message: `APIServer panic'd: ${this.panic}`, reason: 'InternalError' };
        this.emit('Panic');
      } else {
        this.emit('ResponseComplete');
      }
    }
    this.done = true;
  }

  private verb(): string {
    return this.info.kind === 'resource' ? this.info.verb : this.method.toLowerCase();
  }

  private emit(stage: Stage): void {
    const c = this.config!;
    if (c.omitStages.has(stage)) return;
    const t = this.trace;
    const withObjects = stage === 'ResponseComplete' || stage === 'ResponseStarted' || stage === 'Panic';
    const trim = (o: unknown): unknown => (c.omitManagedFields ? withoutManagedFields(o) : o);
    const ev: AuditEvent = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: c.level,
      auditID: this.auditID,
      stage,
      requestURI: this.req.url ?? '/',
      verb: this.verb(),
      user: t.user ? auditUser(t.user) : {},
      ...(t.impersonated ? { impersonatedUser: auditUser(t.impersonated) } : {}),
      sourceIPs: this.sourceIPs,
      ...(this.req.headers['user-agent'] ? { userAgent: this.req.headers['user-agent'] } : {}),
      ...(this.info.kind === 'resource' ? { objectRef: objectRef(this.info) } : {}),
      ...(withObjects ? { responseStatus: { metadata: {}, ...this.status, code: stage === 'Panic' ? 500 : this.res.statusCode } } : {}),
      ...(this.reqObject !== undefined && (c.level === 'Request' || c.level === 'RequestResponse') ? { requestObject: trim(this.reqObject) } : {}),
      ...(this.resObject !== undefined && stage === 'ResponseComplete' ? { responseObject: trim(this.resObject) } : {}),
      requestReceivedTimestamp: microTime(this.receivedUs),
      stageTimestamp: microTime(stage === 'RequestReceived' ? this.receivedUs : nowMicros()),
      ...(t.decision ? { annotations: { [decisionAnnotation]: t.decision.allowed ? 'allow' : 'forbid', [reasonAnnotation]: t.decision.reason } } : {}),
    };
    this.sink.write(JSON.stringify(ev));
  }
}

function objectRef(r: RequestInfo & { kind: 'resource' }): ObjectReference {
  return {
    resource: r.resource,
    ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
    ...(r.name !== undefined ? { name: r.name } : {}),
    ...(r.group !== '' ? { apiGroup: r.group } : {}),
    apiVersion: r.version,
    ...(r.subresource !== undefined ? { subresource: r.subresource } : {}),
  };
}

/** What a refused request tried, in kube-apiserver's words. */
function authMethods(req: IncomingMessage): string {
  const tried: string[] = [];
  const [scheme, rest] = (req.headers.authorization ?? '').trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'basic' && rest) tried.push('basic');
  if (scheme?.toLowerCase() === 'bearer' && rest) tried.push('bearer');
  if (/[?&]access_token=[^&]/.test(req.url ?? '')) tried.push('access_token');
  return tried.length > 0 ? `Authentication failed, attempted: ${tried.join(', ')}` : 'Authentication failed, no credentials provided';
}

/** A client's own `Audit-ID` is kept (kube-apiserver does, up to 64 characters); else a UUID. */
export function auditIdFor(req: IncomingMessage): string {
  const given = req.headers['audit-id'];
  if (typeof given === 'string' && given.trim() !== '' && given.length <= 64) return given.trim();
  return randomUUID();
}
