/**
 * Service-account tokens over the API: TokenRequest's claims and limits, TokenReview's answers,
 * binding to pods, secrets and accounts (a token dies with its object or a recreated one), expiry
 * (the authenticator at a later clock), and RBAC on the account's identity.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { containerBuilder, podBuilder } from '../helpers/builders.js';
import { DEFAULT_ISSUER, keyIdOf } from '../../src/apiserver/auth/serviceaccount/index.js';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const suffix = randomBytes(3).toString('hex');
const ns = `sa-${suffix}`;

describe('service-account tokens', () => {
  let s: TestServer;
  const tokenFor = async (sa: string, spec: Record<string, unknown> = {}, namespace = ns) => {
    const r = await s.request('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${sa}/token`, { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec } });
    return r;
  };
  const review = async (token: string, audiences?: string[]) => {
    const r = await s.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, ...(audiences ? { audiences } : {}) } },
    });
    assert.equal(r.status, 201, r.text);
    return r.json.status as { authenticated: boolean; user?: { username: string; uid?: string; groups: string[]; extra?: Record<string, string[]> }; error?: string; audiences?: string[] };
  };
  const createSA = async (name: string) => {
    const r = await s.request('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } } });
    assert.equal(r.status, 201, r.text);
    return r.json as { metadata: { uid: string } };
  };
  const createPod = async (name: string, sa: string) => {
    const pod = podBuilder(name).podField('serviceAccountName', sa).containers(containerBuilder('app')).set('metadata.namespace', ns).build();
    const r = await s.request('POST', `/api/v1/namespaces/${ns}/pods`, { body: pod });
    assert.equal(r.status, 201, r.text);
    return r.json as { metadata: { uid: string } };
  };

  before(async () => {
    s = await startTestServer();
    const r = await s.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
    assert.equal(r.status, 201, r.text);
  });
  after(async () => s?.stop());

  test('a TokenRequest returns a signed JWT with Kubernetes claims', async () => {
    const name = `robot-${randomBytes(2).toString('hex')}`;
    const sa = await createSA(name);
    const r = await tokenFor(name, { expirationSeconds: 1200 });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.kind, 'TokenRequest');
    assert.equal(r.json.apiVersion, 'authentication.k8s.io/v1');
    assert.deepEqual(r.json.spec.audiences, [DEFAULT_ISSUER]);
    const token = r.json.status.token as string;
    const header = decodeProtectedHeader(token);
    assert.equal(header.alg, 'RS256');
    const pub = createPublicKey(readFileSync(path.join(s.dataDir, 'pki', 'sa.pub'), 'utf8'));
    assert.equal(header.kid, keyIdOf(pub));
    const c = decodeJwt(token) as Record<string, unknown>;
    assert.equal(c['iss'], DEFAULT_ISSUER);
    assert.equal(c['sub'], `system:serviceaccount:${ns}:${name}`);
    assert.deepEqual(c['aud'], [DEFAULT_ISSUER]);
    assert.equal((c['exp'] as number) - (c['iat'] as number), 1200);
    assert.equal(c['nbf'], c['iat']);
    assert.match(c['jti'] as string, /^[0-9a-f-]{36}$/);
    assert.deepEqual(c['kubernetes.io'], { namespace: ns, serviceaccount: { name, uid: sa.metadata.uid } });
    const expiry = Date.parse(r.json.status.expirationTimestamp as string);
    assert.ok(Math.abs(expiry - (c['exp'] as number) * 1000) <= 1000, 'status expiry matches exp');
  });

  const invalidCases = [
    { name: 'too short', seconds: 599, message: 'may not specify a duration less than 10 minutes' },
    { name: 'too long', seconds: 2 ** 32 + 1, message: 'may not specify a duration larger than 2^32 seconds' },
  ];
  for (const c of invalidCases) {
    test(`a TokenRequest ${c.name} is invalid`, async () => {
      const name = `short-${randomBytes(2).toString('hex')}`;
      await createSA(name);
      const r = await tokenFor(name, { expirationSeconds: c.seconds });
      assert.equal(r.status, 422, r.text);
      assert.equal(r.json.message, `TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: ${c.seconds}: ${c.message}`);
    });
  }

  test('a TokenRequest for a missing account is 404', async () => {
    const r = await tokenFor(`ghost-${suffix}`);
    assert.equal(r.status, 404, r.text);
    assert.equal(r.json.message, `serviceaccounts "ghost-${suffix}" not found`);
  });

  test('TokenReview authenticates the account, with its groups and uid', async () => {
    const name = `rev-${randomBytes(2).toString('hex')}`;
    const sa = await createSA(name);
    const token = (await tokenFor(name)).json.status.token as string;
    const st = await review(token);
    assert.equal(st.authenticated, true, st.error);
    assert.equal(st.user?.username, `system:serviceaccount:${ns}:${name}`);
    assert.equal(st.user?.uid, sa.metadata.uid);
    assert.deepEqual(st.user?.groups, ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated']);
    assert.deepEqual(st.audiences, [DEFAULT_ISSUER]);
    assert.match(st.user?.extra?.['authentication.kubernetes.io/credential-id']?.[0] ?? '', /^JTI=/);
  });

  test('TokenReview refuses a token for another audience, and garbage', async () => {
    const name = `aud-${randomBytes(2).toString('hex')}`;
    await createSA(name);
    const token = (await tokenFor(name, { audiences: ['vault'] })).json.status.token as string;
    assert.equal((await review(token)).authenticated, false);
    const asVault = await review(token, ['vault']);
    assert.equal(asVault.authenticated, true, asVault.error);
    assert.deepEqual(asVault.audiences, ['vault']);
    assert.equal((await review('not-a-token')).authenticated, false);
    // A JWT signed by someone else's key is not ours.
    const forged = token.split('.').slice(0, 2).join('.') + '.' + randomBytes(256).toString('base64url');
    assert.equal((await review(forged)).authenticated, false);
  });

  test('a pod-bound token names the pod and dies with it', async () => {
    const name = `bound-${randomBytes(2).toString('hex')}`;
    await createSA(name);
    const podName = `p-${randomBytes(2).toString('hex')}`;
    const pod = await createPod(podName, name);
    const r = await tokenFor(name, { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: podName, uid: pod.metadata.uid } });
    assert.equal(r.status, 201, r.text);
    const token = r.json.status.token as string;
    const c = decodeJwt(token) as Record<string, any>;
    assert.deepEqual(c['kubernetes.io'].pod, { name: podName, uid: pod.metadata.uid });
    const st = await review(token);
    assert.equal(st.authenticated, true, st.error);
    assert.deepEqual(st.user?.extra?.['authentication.kubernetes.io/pod-name'], [podName]);
    assert.deepEqual(st.user?.extra?.['authentication.kubernetes.io/pod-uid'], [pod.metadata.uid]);
    const del = await s.request('DELETE', `/api/v1/namespaces/${ns}/pods/${podName}?gracePeriodSeconds=0`);
    assert.equal(del.status, 200, del.text);
    const after = await review(token);
    assert.equal(after.authenticated, false);
    assert.equal(after.error, `pod ${ns}/${podName} has been deleted`);
    // The same name again is another pod: the old token stays dead.
    await createPod(podName, name);
    const again = await review(token);
    assert.equal(again.authenticated, false);
    assert.match(again.error ?? '', /^pod UID \(.+\) does not match service account pod ref claim/);
  });

  test('a terminating pod\'s token works through its grace period and a minute more', async () => {
    const name = `grace-${randomBytes(2).toString('hex')}`;
    await createSA(name);
    const podName = `pg-${randomBytes(2).toString('hex')}`;
    const pod = podBuilder(podName).podField('serviceAccountName', name).podField('nodeName', `node-${suffix}`).set('metadata.namespace', ns).build();
    assert.equal((await s.request('POST', `/api/v1/namespaces/${ns}/pods`, { body: pod })).status, 201);
    const token = (await tokenFor(name, { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: podName } })).json.status.token as string;
    const del = await s.request('DELETE', `/api/v1/namespaces/${ns}/pods/${podName}?gracePeriodSeconds=30`);
    assert.equal(del.status, 200, del.text);
    const deletionAt = Date.parse(del.json.metadata.deletionTimestamp as string);
    assert.ok(deletionAt > Date.now(), 'the pod is terminating, not gone');
    const authn = s.server.serviceAccountAuth.authenticator;
    const cases = [
      { name: 'now', at: Date.now(), ok: true },
      { name: 'deletion time + 59 s', at: deletionAt + 59_000, ok: true },
      { name: 'deletion time + 61 s', at: deletionAt + 61_000, ok: false },
    ];
    for (const c of cases) {
      const r = await authn.authenticate(token, undefined, c.at);
      assert.equal(r?.user !== undefined, c.ok, `${c.name}: ${r?.error ?? ''}`);
      if (!c.ok) assert.equal(r?.error, `pod ${ns}/${podName} has been deleted`);
    }
  });

  const bindingErrors = [
    { name: 'a stale pod uid is a conflict', ref: (pod: string) => ({ apiVersion: 'v1', kind: 'Pod', name: pod, uid: 'stale' }), code: 409, message: (pod: string) => `Operation cannot be fulfilled on Pod "${pod}": the UID in the bound object reference (stale) does not match the UID in record. The object might have been deleted and then recreated` },
    { name: 'a missing pod is not found', ref: () => ({ apiVersion: 'v1', kind: 'Pod', name: `none-${suffix}` }), code: 404, message: () => `pods "none-${suffix}" not found` },
    { name: 'another kind cannot be bound', ref: (pod: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', name: pod }), code: 400, message: () => 'cannot bind token to object of type apps/v1, Kind=Deployment' },
  ];
  for (const c of bindingErrors) {
    test(`binding: ${c.name}`, async () => {
      const name = `b-${randomBytes(2).toString('hex')}`;
      await createSA(name);
      const podName = `bp-${randomBytes(2).toString('hex')}`;
      await createPod(podName, name);
      const r = await tokenFor(name, { boundObjectRef: c.ref(podName) });
      assert.equal(r.status, c.code, r.text);
      assert.equal(r.json.message, c.message(podName));
    });
  }

  test('a pod of another account cannot carry this account\'s token', async () => {
    const [a, b] = [`a-${randomBytes(2).toString('hex')}`, `b-${randomBytes(2).toString('hex')}`];
    await createSA(a);
    await createSA(b);
    const podName = `pa-${randomBytes(2).toString('hex')}`;
    await createPod(podName, a);
    const r = await tokenFor(b, { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: podName } });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.message, `cannot bind token for serviceaccount "${b}" to pod running with different serviceaccount name.`);
  });

  test('a token dies with its account, and a recreated account does not revive it', async () => {
    const name = `gone-${randomBytes(2).toString('hex')}`;
    await createSA(name);
    const token = (await tokenFor(name)).json.status.token as string;
    assert.equal((await review(token)).authenticated, true);
    assert.equal((await s.request('DELETE', `/api/v1/namespaces/${ns}/serviceaccounts/${name}`)).status, 200);
    const st = await review(token);
    assert.equal(st.authenticated, false);
    assert.equal(st.error, `service account ${ns}/${name} has been deleted`);
    await createSA(name);
    const again = await review(token);
    assert.equal(again.authenticated, false);
    assert.match(again.error ?? '', /^service account UID \(.+\) does not match claim/);
  });

  test('the projected volume\'s 3607 s pod token lives a year and warns after 3607 s', async () => {
    const name = `ext-${randomBytes(2).toString('hex')}`;
    await createSA(name);
    const podName = `pe-${randomBytes(2).toString('hex')}`;
    await createPod(podName, name);
    const r = await tokenFor(name, { expirationSeconds: 3607, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: podName } });
    assert.equal(r.status, 201, r.text);
    const c = decodeJwt(r.json.status.token as string) as Record<string, any>;
    assert.equal(c['exp'] - c['iat'], 365 * 24 * 3600);
    assert.equal(c['kubernetes.io'].warnafter - c['iat'], 3607);
    // The status tells the requested lifetime: the agent refreshes on it.
    const expiry = Date.parse(r.json.status.expirationTimestamp as string);
    assert.ok(Math.abs(expiry - (c['iat'] + 3607) * 1000) <= 1000);
  });

  test('an expired token is refused, within a minute of leeway', async () => {
    const name = `exp-${randomBytes(2).toString('hex')}`;
    await createSA(name);
    const token = (await tokenFor(name, { expirationSeconds: 600 })).json.status.token as string;
    const exp = (decodeJwt(token).exp as number) * 1000;
    const authn = s.server.serviceAccountAuth.authenticator;
    const cases = [
      { at: exp - 1000, ok: true },
      { at: exp + 59_000, ok: true },
      { at: exp + 61_000, ok: false },
    ];
    for (const c of cases) {
      const r = await authn.authenticate(token, undefined, c.at);
      assert.equal(r?.user !== undefined, c.ok, `at exp${(c.at - exp) / 1000 >= 0 ? '+' : ''}${(c.at - exp) / 1000}s: ${r?.error ?? ''}`);
      if (!c.ok) assert.equal(r?.error, 'service account token has expired');
    }
  });

  test('RBAC: the account is forbidden until a RoleBinding grants it', async () => {
    const name = `rbac-${randomBytes(2).toString('hex')}`;
    await createSA(name);
    const token = (await tokenFor(name)).json.status.token as string;
    const denied = await s.request('GET', `/api/v1/namespaces/${ns}/pods`, { token });
    assert.equal(denied.status, 403, denied.text);
    assert.equal(denied.json.message, `pods is forbidden: User "system:serviceaccount:${ns}:${name}" cannot list resource "pods" in API group "" in the namespace "${ns}"`);
    const rb = await s.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `${name}-view` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
      },
    });
    assert.equal(rb.status, 201, rb.text);
    await s.server.rbacSettled();
    let allowed = await s.request('GET', `/api/v1/namespaces/${ns}/pods`, { token });
    for (let i = 0; i < 50 && allowed.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
      allowed = await s.request('GET', `/api/v1/namespaces/${ns}/pods`, { token });
    }
    assert.equal(allowed.status, 200, allowed.text);
    const other = await s.request('GET', '/api/v1/namespaces/default/pods', { token });
    assert.equal(other.status, 403);
    const garbage = await s.request('GET', `/api/v1/namespaces/${ns}/pods`, { token: `${token}x` });
    assert.equal(garbage.status, 401);
  });
});
