/**
 * One request's events without a server: the stages each outcome writes (a bug is a Panic event
 * in place of ResponseComplete, as kube-apiserver's panic), omitted stages, level None.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Auditor, notePanic, parsePolicy, type AuditEvent, type AuditSink } from '../../src/apiserver/audit/index.js';
import type { ResourceRequest } from '../../src/apiserver/http/requestinfo.js';

const sfx = randomBytes(3).toString('hex');

class MemorySink implements AuditSink {
  readonly events: AuditEvent[] = [];
  write(line: string): void {
    this.events.push(JSON.parse(line) as AuditEvent);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

/** A request/response pair with just what the recorder reads. */
function exchange(url: string) {
  const req = Object.assign(new EventEmitter(), { url, headers: { 'user-agent': `ua-${sfx}` }, socket: { remoteAddress: '::ffff:127.0.0.9' } });
  const headers: Record<string, string> = {};
  const res = Object.assign(new EventEmitter(), { statusCode: 200, headersSent: false, setHeader: (k: string, v: string) => (headers[k] = v) });
  return { req: req as unknown as IncomingMessage, res: res as unknown as ServerResponse & EventEmitter, headers };
}

const info: ResourceRequest = { kind: 'resource', group: 'apps', version: 'v1', namespace: `ns-${sfx}`, resource: 'deployments', name: `d-${sfx}`, verb: 'update' };
const user = { name: `u-${sfx}`, groups: ['system:authenticated'] };

const cases: { name: string; policy: string; run: (res: ServerResponse & EventEmitter) => void; stages: string[]; code?: number }[] = [
  {
    name: 'a bug: Panic in place of ResponseComplete, 500',
    policy: 'rules: [{level: Metadata}]',
    run: (res) => {
      notePanic(res, new Error(`boom-${sfx}`));
      res.statusCode = 500;
    },
    stages: ['RequestReceived', 'Panic'],
    code: 500,
  },
  { name: 'an answer: RequestReceived then ResponseComplete', policy: 'rules: [{level: Request}]', run: () => undefined, stages: ['RequestReceived', 'ResponseComplete'], code: 200 },
  { name: 'policy-wide omitStages', policy: 'omitStages: [RequestReceived]\nrules: [{level: Metadata}]', run: () => undefined, stages: ['ResponseComplete'], code: 200 },
  { name: 'level None writes nothing', policy: `rules: [{level: None, users: ["${user.name}"]}, {level: Metadata}]`, run: () => undefined, stages: [] },
];

for (const c of cases) {
  test(c.name, () => {
    const sink = new MemorySink();
    const auditor = new Auditor(parsePolicy(`apiVersion: audit.k8s.io/v1\nkind: Policy\n${c.policy}`), sink);
    const { req, res, headers } = exchange(`/apis/apps/v1/namespaces/ns-${sfx}/deployments/d-${sfx}`);
    const record = auditor.begin(req, res, info, 'PUT');
    record.trace.user = user;
    record.trace.decision = { allowed: true, reason: `because-${sfx}` };
    record.admitted();
    c.run(res);
    res.emit('close');
    res.emit('close');
    assert.deepEqual(sink.events.map((e) => e.stage), c.stages);
    for (const e of sink.events) {
      assert.equal(e.auditID, headers['Audit-ID']);
      assert.deepEqual(e.sourceIPs, ['127.0.0.9']);
      assert.equal(e.userAgent, `ua-${sfx}`);
      assert.deepEqual(e.objectRef, { resource: 'deployments', namespace: `ns-${sfx}`, name: `d-${sfx}`, apiGroup: 'apps', apiVersion: 'v1' });
      assert.deepEqual(e.annotations, { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': `because-${sfx}` });
    }
    const last = sink.events[sink.events.length - 1];
    if (c.code !== undefined) assert.equal(last?.responseStatus?.code, c.code);
    if (last?.stage === 'Panic') {
      assert.deepEqual(last.responseStatus, { metadata: {}, status: 'Failure', message: `APIServer panic'd: boom-${sfx}`, reason: 'InternalError', code: 500 });
    }
  });
}
