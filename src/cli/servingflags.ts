/** The API server's serving limits, audit log and web view as flags, the same on `skiff up` and `skiff server`
 * (kube-apiserver's names where it has the flag). */
import { Command, InvalidArgumentError } from 'commander';
import type { ServingLimitOptions } from '../apiserver/http/limits.js';
import type { AuditOptions } from '../apiserver/audit/index.js';
import { duration } from './durations.js';
import type { ApiServerOptions } from '../apiserver/server.js';
import { DEFAULT_UI_IDLE_MS } from '../apiserver/ui/index.js';

export interface ServingFlags {
  maxRequestsInflight: number;
  maxMutatingRequestsInflight: number;
  maxRequestBodyBytes: number;
  maxWatchesPerClient: number;
  idleConnectionTimeout: number;
  requestTimeout: number;
  auditPolicyFile?: string;
  auditLogPath?: string;
  auditLogMaxsize: number;
  auditLogMaxbackup: number;
  auditLogMaxage: number;
  ui: boolean;
  uiSessionIdleTimeout: number;
}

function count(min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`must be a whole number ≥ ${min}`);
    return n;
  };
}

export function withServingFlags(cmd: Command): Command {
  return cmd
    .option('--max-requests-inflight <n>', 'read-only requests served at once; more get 429 (0: no limit)', count(0), 400)
    .option('--max-mutating-requests-inflight <n>', 'mutating requests served at once; more get 429 (0: no limit)', count(0), 200)
    .option('--max-request-body-bytes <n>', 'largest request body accepted (413 above)', count(1), 3 * 1024 * 1024)
    .option('--max-watches-per-client <n>', 'open watches one client (user at one address) may hold (0: no limit)', count(0), 1000)
    .option('--request-timeout <d>', 'requests other than watches and log streams not answered within this get 504', duration, 60_000)
    .option('--idle-connection-timeout <d>', 'close connections with no request in progress after this (watches and log streams count as in progress)', duration, 90_000)
    .option('--audit-policy-file <file>', 'audit.k8s.io/v1 Policy (YAML or JSON) choosing which requests are logged at which level; without it, no audit log')
    .option('--audit-log-path <file>', 'where audit events go as JSON lines (file created 0600; - for stdout)')
    .option('--audit-log-maxsize <mb>', 'rotate the audit log past this many megabytes (0: never)', count(0), 0)
    .option('--audit-log-maxbackup <n>', 'rotated audit logs to keep (0: all)', count(0), 0)
    .option('--audit-log-maxage <days>', 'remove rotated audit logs older than this many days (0: never)', count(0), 0)
    .option('--no-ui', 'do not serve the web view at /ui/')
    .option('--ui-session-idle-timeout <d>', 'a web view session unused this long ends (sign in again)', duration, DEFAULT_UI_IDLE_MS);
}

export function servingOptions(flags: ServingFlags): ServingLimitOptions & AuditOptions & Pick<ApiServerOptions, 'ui' | 'uiSessionIdleMs'> {
  return {
    ui: flags.ui,
    uiSessionIdleMs: flags.uiSessionIdleTimeout,
    ...(flags.auditPolicyFile !== undefined ? { auditPolicyFile: flags.auditPolicyFile } : {}),
    ...(flags.auditLogPath !== undefined ? { auditLogPath: flags.auditLogPath } : {}),
    auditLogMaxSizeMB: flags.auditLogMaxsize,
    auditLogMaxBackups: flags.auditLogMaxbackup,
    auditLogMaxAgeDays: flags.auditLogMaxage,
    maxRequestsInflight: flags.maxRequestsInflight,
    maxMutatingRequestsInflight: flags.maxMutatingRequestsInflight,
    maxRequestBodyBytes: flags.maxRequestBodyBytes,
    maxWatchesPerClient: flags.maxWatchesPerClient,
    idleConnectionTimeoutMs: flags.idleConnectionTimeout,
    requestTimeoutMs: flags.requestTimeout,
  };
}
