/**
 * The review resources over HTTP (SubjectAccessReview for another user, the create-only shape),
 * and `--authorization-mode AlwaysAllow` (the measurement baseline) against RBAC.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';

const suffix = randomBytes(3).toString('hex');
const user = `sam-${suffix}`;
const samToken = randomBytes(24).toString('base64url');

function dataDirWithUser(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-rbac-reviews-'));
  writeFileSync(path.join(dir, 'tokens.json'), JSON.stringify([
    { token: randomBytes(24).toString('base64url'), user: 'admin', role: 'admin' },
    { token: randomBytes(24).toString('base64url'), user: 'system:node-joiner', role: 'node' },
    { token: samToken, user, groups: [`team-${suffix}`] },
  ]));
  return dir;
}

const sar = (spec: Record<string, unknown>) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec });

describe('SubjectAccessReview and the reviews\' shape', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ dataDir: dataDirWithUser() });
    const rb = await s.request('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `team-${suffix}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: `team-${suffix}` }],
      },
    });
    assert.equal(rb.status, 201, rb.text);
  });
  after(async () => {
    await s?.stop();
    if (s) rmSync(s.dataDir, { recursive: true, force: true });
  });

  const cases: { name: string; spec: Record<string, unknown>; allowed: boolean }[] = [
    { name: 'a group member may list pods where the group is bound', spec: { user: 'x', groups: [`team-${suffix}`], resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'default' } }, allowed: true },
    { name: 'not in another namespace', spec: { user: 'x', groups: [`team-${suffix}`], resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'kube-system' } }, allowed: false },
    { name: 'not without the group', spec: { user: 'x', groups: [], resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'default' } }, allowed: false },
    { name: 'system:masters may do anything', spec: { user: 'y', groups: ['system:masters'], resourceAttributes: { verb: 'delete', resource: 'nodes' } }, allowed: true },
    { name: 'a non-resource path', spec: { user: 'z', groups: ['system:authenticated'], nonResourceAttributes: { verb: 'get', path: '/version' } }, allowed: true },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const r = await s.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: sar(c.spec) });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.kind, 'SubjectAccessReview');
      assert.equal(r.json.status.allowed, c.allowed);
      assert.deepEqual(r.json.spec, c.spec);
    });
  }

  test('a user without the right may not ask about others', async () => {
    const r = await s.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { body: sar(cases[0]!.spec), token: samToken });
    assert.equal(r.status, 403);
    assert.equal(r.json.message, `subjectaccessreviews.authorization.k8s.io is forbidden: User "${user}" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope`);
  });

  test('a review names exactly one kind of attributes (422), is only created (405), and is not stored', async () => {
    const both = await s.request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: {} }, token: samToken,
    });
    assert.equal(both.status, 422, both.text);
    assert.equal(both.json.reason, 'Invalid');
    const list = await s.request('GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
    assert.equal(list.status, 405);
    const who = await s.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }, token: samToken,
    });
    assert.equal(who.status, 201);
    assert.deepEqual(who.json.status.userInfo, { username: user, groups: [`team-${suffix}`, 'system:authenticated'] });
  });
});

describe('--authorization-mode', () => {
  const modes: { mode: 'RBAC' | 'AlwaysAllow'; want: number }[] = [
    { mode: 'RBAC', want: 403 },
    { mode: 'AlwaysAllow', want: 200 },
  ];
  for (const m of modes) {
    test(`${m.mode}: an unbound user listing secrets gets ${m.want}`, async () => {
      const s = await startTestServer({ dataDir: dataDirWithUser(), authorizationMode: m.mode });
      try {
        const r = await s.request('GET', '/api/v1/namespaces/kube-system/secrets', { token: samToken });
        assert.equal(r.status, m.want, r.text);
        const none = await s.request('GET', '/api/v1/namespaces/kube-system/secrets', { token: '' });
        assert.equal(none.status, 401, 'no token is never allowed');
      } finally {
        await s.stop();
        rmSync(s.dataDir, { recursive: true, force: true });
      }
    });
  }
});
