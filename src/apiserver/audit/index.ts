/**
 * The audit log (kube-apiserver's `--audit-policy-file` and `--audit-log-*`): every request the
 * policy selects becomes audit.k8s.io/v1 Events, one JSON line each. Without a policy, nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestInfo } from '../http/requestinfo.js';
import { isLongRunning } from '../http/inflight.js';
import { loadPolicyFile, type Policy } from './policy.js';
import { AuditRecord, auditIdFor, enableAuditNotes } from './recorder.js';
import { openAuditLog, type AuditLogOptions, type AuditSink } from './writer.js';

export { parsePolicy, loadPolicyFile, evaluatePolicy, AuditPolicyError, type Policy, type Level, type Stage, type AuditAttributes } from './policy.js';
export { noteRequestObject, noteResponseBody, notePanic, AuditRecord, type AdmitTrace } from './recorder.js';
export type { AuditEvent } from './event.js';
export { openAuditLog, type AuditLogOptions, type AuditSink } from './writer.js';

export interface AuditOptions {
  /** `--audit-policy-file`: without it there is no audit. */
  readonly auditPolicyFile?: string;
  /** `--audit-log-path` (`-`: stdout); without it events have nowhere to go (no audit). */
  readonly auditLogPath?: string;
  readonly auditLogMaxSizeMB?: number;
  readonly auditLogMaxBackups?: number;
  readonly auditLogMaxAgeDays?: number;
}

export class Auditor {
  constructor(private readonly policy: Policy, private readonly sink: AuditSink) {
    enableAuditNotes();
  }

  /** Loads the policy (throwing on a bad one) and opens the log; undefined when audit is off. */
  static fromOptions(o: AuditOptions): Auditor | undefined {
    if (!o.auditPolicyFile || !o.auditLogPath) return undefined;
    const policy = loadPolicyFile(o.auditPolicyFile);
    const log: AuditLogOptions = {
      path: o.auditLogPath,
      ...(o.auditLogMaxSizeMB !== undefined ? { maxSizeMB: o.auditLogMaxSizeMB } : {}),
      ...(o.auditLogMaxBackups !== undefined ? { maxBackups: o.auditLogMaxBackups } : {}),
      ...(o.auditLogMaxAgeDays !== undefined ? { maxAgeDays: o.auditLogMaxAgeDays } : {}),
    };
    return new Auditor(policy, openAuditLog(log));
  }

  /** Starts a request's record and sends its `Audit-ID` header. */
  begin(req: IncomingMessage, res: ServerResponse, info: RequestInfo, method: string): AuditRecord {
    const id = auditIdFor(req);
    res.setHeader('Audit-ID', id);
    return new AuditRecord(this.sink, this.policy, req, res, info, method, isLongRunning(info), id);
  }

  flush(): Promise<void> {
    return this.sink.flush();
  }

  close(): Promise<void> {
    return this.sink.close();
  }
}
