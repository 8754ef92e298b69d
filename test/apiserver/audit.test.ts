/**
 * The audit log on a real server with a policy, driven by the real kubectl: creates, reads,
 * deletes, refusals (403 for a view-only token, 401 for an unknown one), impersonation, a watch;
 * every line parses as an audit.k8s.io/v1 Event with the fields kube-apiserver writes, the level
 * decides what objects appear (Secrets at Metadata never show their data), and the `Audit-ID`
 * response header names the request's events. Then `skiff up` with the flags, end to end.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openStream, startTestServer, type TestServer } from '../helpers/apiserver.js';
import { Kubectl } from '../helpers/kubectl.js';
import { skiffMain } from '../helpers/paths.js';
import { waitFor } from '../helpers/cluster.js';
import { killLeftoverContainers } from '../helpers/upcluster.js';
import { randomInt } from '../controlplane/fixtures.js';
import { ApiServer, kubeconfigYaml } from '../../src/apiserver/index.js';
import type { AuditEvent } from '../../src/apiserver/audit/index.js';

const sfx = randomBytes(3).toString('hex');
const ns = `audit-${sfx}`;
const token = (): string => randomBytes(24).toString('base64url');
const microTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

const policy = `
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: []
rules:
  - level: None
    nonResourceURLs: ["/healthz*", "/readyz*", "/livez*"]
  - level: Metadata
    resources: [{ group: "", resources: ["secrets"] }]
  - level: RequestResponse
    resources: [{ group: "", resources: ["configmaps"] }]
  - level: Request
    resources: [{ group: "", resources: ["services"] }]
    omitStages: [RequestReceived]
  - level: Metadata
`;

function readEvents(file: string): AuditEvent[] {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as AuditEvent);
}

/** A builder for a Service body. */
function service(name: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { ports: [{ port: 80 }], selector: { app: name } } };
}

describe('audit log (in-process server, real kubectl)', () => {
  let s: TestServer;
  let admin: Kubectl;
  let viewer: Kubectl;
  let logFile: string;
  const tokens = { admin: token(), viewer: token() };
  const viewerName = `viewer-${sfx}`;

  before(async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-audit-'));
    writeFileSync(path.join(dataDir, 'tokens.json'), JSON.stringify([
      { token: tokens.admin, user: 'admin', role: 'admin' },
      { token: token(), user: 'system:node-joiner', role: 'node' },
      { token: tokens.viewer, user: viewerName, role: 'view' },
    ]));
    const policyFile = path.join(dataDir, 'policy.yaml');
    writeFileSync(policyFile, policy);
    logFile = path.join(dataDir, 'log', 'audit.log');
    s = await startTestServer({ dataDir, auditPolicyFile: policyFile, auditLogPath: logFile });
    admin = new Kubectl(s.kubeconfig);
    const vk = path.join(dataDir, 'viewer.kubeconfig');
    writeFileSync(vk, kubeconfigYaml(s.url, s.server.caCert, tokens.viewer));
    viewer = new Kubectl(vk);
    await admin.ok(['create', 'namespace', ns]);
  });
  after(async () => {
    await s?.stop();
    if (s) rmSync(s.dataDir, { recursive: true, force: true });
  });

  async function events(): Promise<AuditEvent[]> {
    await s.server.flushAudit();
    return readEvents(logFile);
  }

  test('the log file is owner-only and every line is an audit.k8s.io/v1 Event', async () => {
    await admin.ok(['get', 'pods', '-n', ns]);
    const all = await events();
    assert.equal(statSync(logFile).mode & 0o777, 0o600);
    assert.ok(all.length > 0);
    for (const e of all) {
      assert.equal(e.kind, 'Event');
      assert.equal(e.apiVersion, 'audit.k8s.io/v1');
      assert.match(e.auditID, /^[0-9a-f-]{36}$/);
      assert.match(e.requestReceivedTimestamp, microTime);
      assert.match(e.stageTimestamp, microTime);
      assert.ok(e.stageTimestamp >= e.requestReceivedTimestamp, `${e.stageTimestamp} ≥ ${e.requestReceivedTimestamp}`);
      assert.ok(Array.isArray(e.sourceIPs) && e.sourceIPs.includes('127.0.0.1'), JSON.stringify(e.sourceIPs));
    }
    assert.ok(!all.some((e) => e.requestURI.startsWith('/healthz')), 'a None rule keeps /healthz out');
    const list = all.find((e) => e.verb === 'list' && e.objectRef?.resource === 'pods' && e.objectRef.namespace === ns && e.stage === 'ResponseComplete');
    assert.ok(list, 'the list of pods is logged');
    assert.equal(list.level, 'Metadata');
    assert.equal(list.user.username, 'admin');
    assert.ok(list.user.groups?.includes('system:masters'));
    assert.match(list.userAgent ?? '', /^kubectl/);
    assert.deepEqual(list.objectRef, { resource: 'pods', namespace: ns, apiVersion: 'v1' });
    assert.deepEqual(list.responseStatus, { metadata: {}, code: 200 });
    assert.equal(list.annotations?.['authorization.k8s.io/decision'], 'allow');
    assert.equal(list.requestObject, undefined);
    assert.equal(list.responseObject, undefined);
    const received = all.find((e) => e.auditID === list.auditID && e.stage === 'RequestReceived');
    assert.ok(received, 'RequestReceived precedes ResponseComplete');
    assert.equal(received.responseStatus, undefined);
  });

  test('RequestResponse has both objects; a delete is logged with its verb', async () => {
    const name = `cm-${sfx}-${randomInt(0, 999)}`;
    const value = `v-${randomBytes(4).toString('hex')}`;
    await admin.ok(['create', 'configmap', name, `--from-literal=k=${value}`, '-n', ns]);
    await admin.ok(['delete', 'configmap', name, '-n', ns]);
    const all = await events();
    const create = all.find((e) => e.verb === 'create' && e.objectRef?.resource === 'configmaps' && e.stage === 'ResponseComplete' && e.objectRef.namespace === ns);
    assert.ok(create);
    assert.equal(create.level, 'RequestResponse');
    assert.equal(create.responseStatus?.code, 201);
    assert.deepEqual((create.requestObject as { data: unknown }).data, { k: value });
    assert.equal((create.responseObject as { metadata: { name: string } }).metadata.name, name);
    const del = all.find((e) => e.verb === 'delete' && e.objectRef?.name === name && e.stage === 'ResponseComplete');
    assert.ok(del);
    assert.equal(del.responseStatus?.code, 200);
  });

  test('Request level has the request object only; a rule\'s omitStages drops RequestReceived', async () => {
    const name = `svc-${sfx}`;
    await admin.ok(['apply', '-f', '-'], { input: JSON.stringify(service(name)) });
    const all = (await events()).filter((e) => e.objectRef?.resource === 'services' && e.objectRef.namespace === ns);
    const create = all.find((e) => e.verb === 'create' && e.stage === 'ResponseComplete');
    assert.ok(create, JSON.stringify(all.map((e) => [e.verb, e.stage])));
    assert.equal(create.level, 'Request');
    assert.equal((create.requestObject as { metadata: { name: string } }).metadata.name, name);
    assert.equal(create.responseObject, undefined);
    assert.ok(!all.some((e) => e.stage === 'RequestReceived'));
  });

  test('a Secret at Metadata level never shows its data', async () => {
    const name = `sec-${sfx}`;
    const secret = `hunter-${randomBytes(6).toString('hex')}`;
    await admin.ok(['create', 'secret', 'generic', name, `--from-literal=password=${secret}`, '-n', ns]);
    await admin.ok(['get', 'secret', name, '-n', ns, '-o', 'json']);
    await s.server.flushAudit();
    const text = readFileSync(logFile, 'utf8');
    assert.ok(!text.includes(secret) && !text.includes(Buffer.from(secret).toString('base64')), 'the value is nowhere in the log');
    const ev = readEvents(logFile).filter((e) => e.objectRef?.resource === 'secrets' && e.objectRef.namespace === ns);
    assert.deepEqual(new Set(ev.map((e) => e.verb)), new Set(['create', 'get']));
    for (const e of ev) {
      assert.equal(e.level, 'Metadata');
      assert.equal(e.requestObject, undefined);
      assert.equal(e.responseObject, undefined);
    }
  });

  test('a view-only token refused: 403 with the authorizer\'s decision', async () => {
    const name = `denied-${sfx}`;
    const r = await viewer.run(['create', 'configmap', name, '--from-literal=a=b', '-n', ns]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /forbidden/);
    const e = (await events()).find((x) => x.verb === 'create' && x.user.username === viewerName && x.stage === 'ResponseComplete');
    assert.ok(e);
    assert.equal(e.responseStatus?.code, 403);
    assert.equal(e.responseStatus?.status, 'Failure');
    assert.equal(e.responseStatus?.reason, 'Forbidden');
    assert.match(e.responseStatus?.message ?? '', new RegExp(`User "${viewerName}" cannot create resource "configmaps"`));
    assert.equal(e.annotations?.['authorization.k8s.io/decision'], 'forbid');
    assert.ok(e.user.groups?.includes('system:authenticated'));
  });

  test('an unknown token: one ResponseStarted event with no user, 401', async () => {
    const r = await s.request('GET', `/api/v1/namespaces/${ns}/pods`, { token: token() });
    assert.equal(r.status, 401);
    const id = r.headers['audit-id'];
    assert.equal(typeof id, 'string');
    const mine = (await events()).filter((e) => e.auditID === id);
    assert.deepEqual(mine.map((e) => e.stage), ['ResponseStarted']);
    assert.deepEqual(mine[0]!.user, {});
    assert.deepEqual(mine[0]!.responseStatus, { metadata: {}, message: 'Authentication failed, attempted: bearer', code: 401 });
    const none = await s.request('GET', `/api/v1/namespaces/${ns}/pods`, { token: '' });
    assert.equal(none.status, 401);
    const bare = (await events()).filter((e) => e.auditID === none.headers['audit-id']);
    assert.deepEqual(bare.map((e) => e.responseStatus?.message), ['Authentication failed, no credentials provided']);
  });

  test('a public path without credentials is logged as system:anonymous', async () => {
    const r = await s.request('GET', '/version', { token: '' });
    assert.equal(r.status, 200);
    const mine = (await events()).filter((e) => e.auditID === r.headers['audit-id']);
    assert.deepEqual(mine.map((e) => [e.stage, e.verb, e.user.username, e.responseStatus?.code]), [
      ['RequestReceived', 'get', 'system:anonymous', undefined],
      ['ResponseComplete', 'get', 'system:anonymous', 200],
    ]);
    assert.equal(mine[0]!.objectRef, undefined);
  });

  test('the Audit-ID header names the request\'s events; a client\'s own ID is kept', async () => {
    const r = await s.request('GET', `/api/v1/namespaces/${ns}/configmaps`);
    const id = r.headers['audit-id'] as string;
    assert.match(id, /^[0-9a-f-]{36}$/);
    const given = `client-${sfx}`;
    const r2 = await s.request('GET', `/api/v1/namespaces/${ns}/configmaps`, { headers: { 'Audit-ID': given } });
    assert.equal(r2.headers['audit-id'], given);
    const all = await events();
    assert.deepEqual(all.filter((e) => e.auditID === id).map((e) => e.stage), ['RequestReceived', 'ResponseComplete']);
    const complete = all.find((e) => e.auditID === given && e.stage === 'ResponseComplete');
    assert.ok(complete);
    assert.equal((complete.responseObject as { kind: string }).kind, 'ConfigMapList');
  });

  test('impersonation: the user is who authenticated, impersonatedUser who it acted as', async () => {
    await admin.ok(['get', 'pods', '-n', ns, `--as=${viewerName}`, '--as-group=skiff:viewers']);
    const e = (await events()).find((x) => x.impersonatedUser?.username === viewerName && x.verb === 'list' && x.stage === 'ResponseComplete');
    assert.ok(e);
    assert.equal(e.user.username, 'admin');
    assert.ok(e.impersonatedUser?.groups?.includes('skiff:viewers'));
  });

  test('a watch gets ResponseStarted when it starts and ResponseComplete when it ends', async () => {
    const w = openStream(s.server, `/api/v1/namespaces/${ns}/configmaps?watch=1&timeoutSeconds=30`, { 'Audit-ID': `watch-${sfx}` });
    await admin.ok(['create', 'configmap', `w-${sfx}`, '-n', ns]);
    await w.waitFor(1);
    let mine = (await events()).filter((e) => e.auditID === `watch-${sfx}`);
    assert.deepEqual(mine.map((e) => e.stage), ['RequestReceived', 'ResponseStarted']);
    w.close();
    mine = await waitFor('the watch\'s last event', async () => {
      const got = (await events()).filter((e) => e.auditID === `watch-${sfx}`);
      return got.length === 3 ? got : undefined;
    }, 5000);
    assert.equal(mine[2]!.stage, 'ResponseComplete');
    assert.equal(mine[2]!.verb, 'watch');
    assert.equal(mine[2]!.responseStatus?.code, 200);
  });
});

describe('audit policy at start', () => {
  const cases: { name: string; text: string; error: RegExp }[] = [
    { name: 'an unknown level', text: 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Loud}]', error: /invalid audit policy file .*rules\[0\]\.level: Unsupported value: "Loud"/ },
    { name: 'a missing file', text: '', error: /failed to read audit policy file/ },
  ];
  for (const c of cases) {
    test(`${c.name} stops the server`, async () => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-audit-bad-'));
      try {
        const policyFile = path.join(dataDir, `policy-${sfx}.yaml`);
        if (c.text) writeFileSync(policyFile, c.text);
        const server = new ApiServer({ dataDir, listen: '127.0.0.1:0', datastore: 'memory://', auditPolicyFile: policyFile, auditLogPath: path.join(dataDir, 'a.log') });
        await assert.rejects(server.start(), c.error);
        await server.stop();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }
});

describe('skiff up --audit-policy-file --audit-log-path', () => {
  let dataDir: string;
  let up: ChildProcess | undefined;
  let stderr = '';
  const block = randomInt(30, 249);

  before(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-audit-up-'));
  });
  after(async () => {
    if (up && up.exitCode === null && up.signalCode === null) {
      const gone = new Promise((r) => up!.once('exit', r));
      up.kill('SIGTERM');
      await gone;
    }
    killLeftoverContainers(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('logs kubectl\'s requests as Events', async () => {
    const policyFile = path.join(dataDir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata', resources: [{ group: '', resources: ['namespaces'] }] }] }));
    const logFile = path.join(dataDir, 'audit', 'audit.log');
    up = spawn(process.execPath, [skiffMain, 'up', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--address-block', String(block), '--node-name', `audit${block}`,
      '--audit-policy-file', policyFile, '--audit-log-path', logFile, '--audit-log-maxsize', '10', '--audit-log-maxbackup', '2'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, SKIFF_LOG_LEVEL: 'warn' },
    });
    up.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await waitFor('skiff up ready', () => (stderr.includes('cluster ready') ? true : up!.exitCode !== null ? Promise.reject(new Error(`skiff up exited: ${stderr}`)) : undefined), 30_000);
    const kubectl = new Kubectl(path.join(dataDir, 'kubeconfig'));
    const name = `up-${sfx}`;
    await kubectl.ok(['create', 'namespace', name]);
    const e = await waitFor('the create in the audit log', () =>
      readEvents(logFile).find((x) => x.verb === 'create' && x.objectRef?.resource === 'namespaces' && x.stage === 'ResponseComplete'), 5000);
    assert.equal(e.responseStatus?.code, 201);
    assert.equal(e.level, 'Metadata');
    assert.ok(e.user.username, 'the admin is named');
    assert.equal(statSync(logFile).mode & 0o777, 0o600);
    assert.ok(!readEvents(logFile).some((x) => x.objectRef?.resource !== 'namespaces'), 'no match, no event');
  });
});
