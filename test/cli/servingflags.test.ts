/** The serving-limit flags of `skiff up` / `skiff server` become the API server's limits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { servingOptions, withServingFlags, type ServingFlags } from '../../src/cli/servingflags.js';
import { compileLimits } from '../../src/apiserver/http/limits.js';

function parse(args: string[]): ServingFlags {
  const cmd = withServingFlags(new Command('x')).exitOverride().configureOutput({ writeErr: () => undefined });
  cmd.parse(args, { from: 'user' });
  return cmd.opts<ServingFlags>();
}

test('defaults are kube-apiserver\'s', () => {
  assert.deepEqual(compileLimits(servingOptions(parse([]))), {
    maxRequestsInflight: 400,
    maxMutatingRequestsInflight: 200,
    maxRequestBodyBytes: 3 * 1024 * 1024,
    maxWatchesPerClient: 1000,
    idleConnectionTimeoutMs: 90_000,
    requestTimeoutMs: 60_000,
  });
});

test('flags set every limit', () => {
  const o = servingOptions(parse(['--max-requests-inflight', '7', '--max-mutating-requests-inflight', '0', '--max-request-body-bytes', '1024', '--max-watches-per-client', '3', '--idle-connection-timeout', '1m30s', '--request-timeout', '5s']));
  // No audit flags: no policy, no log, no rotation (kube-apiserver's defaults).
  assert.deepEqual(o, { maxRequestsInflight: 7, maxMutatingRequestsInflight: 0, maxRequestBodyBytes: 1024, maxWatchesPerClient: 3, idleConnectionTimeoutMs: 90_000, requestTimeoutMs: 5000, auditLogMaxSizeMB: 0, auditLogMaxBackups: 0, auditLogMaxAgeDays: 0, ui: true, uiSessionIdleMs: 8 * 3600_000 });
});

test('the web view: on by default with 8 h idle sessions; --no-ui and --ui-session-idle-timeout reach the server', () => {
  assert.deepEqual(pick(servingOptions(parse(['--ui-session-idle-timeout', '15m']))), { ui: true, uiSessionIdleMs: 900_000 });
  assert.deepEqual(pick(servingOptions(parse(['--no-ui']))), { ui: false, uiSessionIdleMs: 8 * 3600_000 });
  assert.throws(() => parse(['--ui-session-idle-timeout', '15']), /invalid duration/);
});

function pick(o: { ui?: boolean; uiSessionIdleMs?: number }) {
  return { ui: o.ui, uiSessionIdleMs: o.uiSessionIdleMs };
}

test('audit flags reach the server options', () => {
  const size = 1 + Math.floor(Math.random() * 500), backups = Math.floor(Math.random() * 10), age = Math.floor(Math.random() * 30);
  const o = servingOptions(parse(['--audit-policy-file', '/etc/p.yaml', '--audit-log-path', '-', '--audit-log-maxsize', String(size), '--audit-log-maxbackup', String(backups), '--audit-log-maxage', String(age)]));
  assert.equal(o.auditPolicyFile, '/etc/p.yaml');
  assert.equal(o.auditLogPath, '-');
  assert.deepEqual([o.auditLogMaxSizeMB, o.auditLogMaxBackups, o.auditLogMaxAgeDays], [size, backups, age]);
});

test('nonsense is refused', () => {
  const cases: { name: string; args: string[] }[] = [
    { name: 'negative in-flight', args: ['--max-requests-inflight', '-1'] },
    { name: 'fractional body limit', args: ['--max-request-body-bytes', '1.5'] },
    { name: 'zero body limit', args: ['--max-request-body-bytes', '0'] },
    { name: 'duration without unit', args: ['--idle-connection-timeout', '90'] },
  ];
  for (const c of cases) assert.throws(() => parse(c.args), /error|invalid|must/i, c.name);
});
