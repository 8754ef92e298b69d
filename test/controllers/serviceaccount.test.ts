/**
 * The service-account controllers on a real in-process API server (with the ServiceAccount
 * admission plugin on): `default` accounts appear in every namespace and come back when deleted,
 * `kube-root-ca.crt` holds the cluster CA and is restored after an edit or a deletion, and legacy
 * token Secrets are filled with a token that authenticates, then deleted with their account.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { ConfigMap, Secret } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/types.js';
import { ApiError } from '../../src/api/errors.js';
import { configMaps, namespaces, pods, secrets, serviceAccounts } from '../../src/api/resources.js';
import { RootCaPublisher, ServiceAccountsController, TokensController, ROOT_CA_DESCRIPTION } from '../../src/controllers/serviceaccount/index.js';
import { legacyClaims } from '../../src/apiserver/auth/serviceaccount/index.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { runController, type Running } from './fixtures.js';
import { podBuilder } from '../helpers/builders.js';

const rand = () => randomBytes(3).toString('hex');

async function absent(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return false;
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return true;
    throw err;
  }
}

describe('service-account controllers', () => {
  let c: TestCluster;
  const running: Running[] = [];
  const createNs = async () => {
    const name = `ns-${rand()}`;
    await c.client.create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    return name;
  };

  before(async () => {
    c = await startTestCluster({ disableAdmissionPlugins: [] });
    const signer = c.server.server.serviceAccountAuth.signer;
    const ca = c.server.server.caCert;
    running.push(await runController(c, (ctx) => new ServiceAccountsController(ctx)));
    running.push(await runController(c, (ctx) => new RootCaPublisher(ctx, ca)));
    running.push(await runController(c, (ctx) => new TokensController(ctx, (ns, sa, secret) => signer.sign(legacyClaims(ns, sa, secret)), ca)));
  });
  after(async () => {
    for (const r of running) await r.stop();
    await c?.stop();
  });

  test('every namespace gets a default account, which comes back when deleted', async () => {
    const namespacesMade = await Promise.all([createNs(), createNs(), createNs()]);
    for (const ns of namespacesMade) {
      await waitFor(`default in ${ns}`, () => c.client.get(serviceAccounts, ns, 'default').then(() => true));
    }
    const ns = namespacesMade[0]!;
    const before = await c.client.get(serviceAccounts, ns, 'default');
    await c.client.delete(serviceAccounts, ns, 'default');
    const again = await waitFor('default again', async () => {
      const sa = await c.client.get(serviceAccounts, ns, 'default').catch(() => undefined);
      return sa && sa.metadata.uid !== before.metadata.uid ? sa : undefined;
    });
    assert.equal(again.metadata.name, 'default');
  });

  test('a pod created right after its namespace runs as default (admission waits for it)', async () => {
    const ns = await createNs();
    const pod = podBuilder(`p-${rand()}`).set('metadata.namespace', ns).build();
    const made = await c.client.create(pods, pod) as KubeObject & { spec: { serviceAccountName?: string; volumes?: { name: string }[] } };
    assert.equal(made.spec.serviceAccountName, 'default');
    assert.ok(made.spec.volumes?.some((v) => v.name.startsWith('kube-api-access-')));
  });

  test('kube-root-ca.crt holds the CA and is restored after an edit and a deletion', async () => {
    const ns = await createNs();
    const ca = c.server.server.caCert;
    const get = () => c.client.get<ConfigMap>(configMaps, ns, 'kube-root-ca.crt');
    const cm = await waitFor('published', () => get());
    assert.deepEqual(cm.data, { 'ca.crt': ca });
    assert.equal(cm.metadata.annotations?.['kubernetes.io/description'], ROOT_CA_DESCRIPTION);
    await c.client.update(configMaps, { ...cm, data: { 'ca.crt': 'tampered', extra: 'x' } });
    await waitFor('restored', async () => {
      const now = await get();
      return now.data?.['ca.crt'] === ca && Object.keys(now.data).length === 1;
    });
    await c.client.delete(configMaps, ns, 'kube-root-ca.crt');
    await waitFor('recreated', async () => (await get().catch(() => undefined))?.data?.['ca.crt'] === ca);
  });

  test('a legacy token Secret is filled, authenticates, and goes with its account', async () => {
    const ns = await createNs();
    const sa = `robot-${rand()}`;
    const account: KubeObject = await c.client.create<KubeObject>(serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: ns } });
    const names = [`${sa}-token-a`, `${sa}-token-b`];
    for (const name of names) {
      await c.client.create(secrets, {
        apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token',
        metadata: { name, namespace: ns, annotations: { 'kubernetes.io/service-account.name': sa } },
      } as Secret);
    }
    for (const name of names) {
      const filled = await waitFor(`${name} filled`, async () => {
        const s = await c.client.get<Secret>(secrets, ns, name);
        return s.data?.['token'] ? s : undefined;
      });
      assert.equal(filled.metadata.annotations?.['kubernetes.io/service-account.uid'], account.metadata.uid);
      assert.equal(Buffer.from(filled.data!['namespace']!, 'base64').toString(), ns);
      assert.equal(Buffer.from(filled.data!['ca.crt']!, 'base64').toString(), c.server.server.caCert);
      const token = Buffer.from(filled.data!['token']!, 'base64').toString();
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
      assert.equal(claims['iss'], 'kubernetes/serviceaccount');
      assert.equal(claims['kubernetes.io/serviceaccount/secret.name'], name);
      assert.equal(claims['exp'], undefined, 'legacy tokens do not expire');
      const whoami = await c.server.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { token, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
      assert.equal(whoami.status, 201, whoami.text);
      assert.equal(whoami.json.status.userInfo.username, `system:serviceaccount:${ns}:${sa}`);
    }
    await c.client.delete(serviceAccounts, ns, sa);
    for (const name of names) await waitFor(`${name} deleted`, () => absent(() => c.client.get(secrets, ns, name)));
  });

  test('a token Secret naming no account is deleted', async () => {
    const ns = await createNs();
    const name = `orphan-${rand()}`;
    await c.client.create(secrets, {
      apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token',
      metadata: { name, namespace: ns, annotations: { 'kubernetes.io/service-account.name': `nobody-${rand()}` } },
    } as Secret);
    await waitFor('orphan deleted', () => absent(() => c.client.get(secrets, ns, name)));
  });
});
