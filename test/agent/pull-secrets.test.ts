/** A pod's pull secrets as the kubelet gathers them, against a real API server: the pod's own,
 * else its ServiceAccount's; missing ones warned about (FailedToRetrieveImagePullSecret) and
 * skipped; the credentials an image then gets. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/kinds.js';
import { namespaces, secrets, serviceAccounts } from '../../src/api/resources.js';
import { pullCredentialsFor, pullSecretNames } from '../../src/agent/pull-secrets.js';
import { DockerConfigError } from '../../src/agent/dockercfg.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { podBuilder } from '../helpers/builders.js';

const suffix = (): string => Math.random().toString(36).slice(2, 8);

describe('pod pull secrets', () => {
  let cluster: TestCluster;
  const ns = `pulls-${suffix()}`;
  const registry = `reg-${suffix()}.example.com:5000`;
  const image = `${registry}/team/app:1`;

  const dockerSecret = async (name: string, user: string, host = registry): Promise<void> => {
    const json = JSON.stringify({ auths: { [host]: { username: user, password: `${user}-pw`, auth: Buffer.from(`${user}:${user}-pw`).toString('base64') } } });
    await cluster.client.create(secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(json).toString('base64') } });
  };
  const account = async (name: string, pullSecrets: string[]): Promise<void> => {
    await cluster.client.create(serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns }, imagePullSecrets: pullSecrets.map((n) => ({ name: n })) } as never);
  };
  const pod = (fields: Record<string, unknown>): Pod => {
    const b = podBuilder(`p-${suffix()}`).namespace(ns);
    for (const [k, v] of Object.entries(fields)) b.podField(k, v);
    return b.build() as Pod;
  };
  /** The users whose credentials the image gets, and the warnings given on the way. */
  const resolve = async (p: Pod, img = image): Promise<{ users: string[]; warnings: string[] }> => {
    const warnings: string[] = [];
    const creds = await pullCredentialsFor(cluster, p, (reason, message) => warnings.push(`${reason}: ${message}`))(img);
    return { users: creds.map((c) => c.username), warnings };
  };

  before(async () => {
    cluster = await startTestCluster();
    await cluster.client.create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });
  after(() => cluster?.stop());

  test("the pod's own secrets, in order, and not its ServiceAccount's", async () => {
    const [a, b, c] = [`a-${suffix()}`, `b-${suffix()}`, `c-${suffix()}`];
    await dockerSecret(a, `user-${a}`);
    await dockerSecret(b, `user-${b}`);
    await dockerSecret(c, `user-${c}`);
    const sa = `sa-${suffix()}`;
    await account(sa, [c]);
    const got = await resolve(pod({ serviceAccountName: sa, imagePullSecrets: [{ name: b }, { name: a }] }));
    assert.deepEqual(got, { users: [`user-${b}`, `user-${a}`], warnings: [] });
  });

  test("without any of its own, the pod uses its ServiceAccount's", async () => {
    const s = `s-${suffix()}`;
    await dockerSecret(s, `user-${s}`);
    const sa = `sa-${suffix()}`;
    await account(sa, [s]);
    assert.deepEqual(await resolve(pod({ serviceAccountName: sa })), { users: [`user-${s}`], warnings: [] });
  });

  test('no serviceAccountName: the default ServiceAccount', async () => {
    const s = `s-${suffix()}`;
    await dockerSecret(s, `user-${s}`);
    await account('default', [s]);
    assert.deepEqual(await pullSecretNames(cluster.client, pod({})), [s]);
    assert.deepEqual(await resolve(pod({})), { users: [`user-${s}`], warnings: [] });
    await cluster.client.delete(serviceAccounts, ns, 'default');
  });

  test('a missing secret: one Warning naming every missing one, the rest still used', async () => {
    const present = `here-${suffix()}`;
    await dockerSecret(present, `user-${present}`);
    const missing = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => `gone-${suffix()}`);
    const got = await resolve(pod({ imagePullSecrets: [...missing.map((name) => ({ name })), { name: present }] }));
    assert.deepEqual(got.users, [`user-${present}`]);
    assert.deepEqual(got.warnings, [`FailedToRetrieveImagePullSecret: Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`]);
  });

  test('entries without a name are skipped without a warning', async () => {
    assert.deepEqual(await resolve(pod({ imagePullSecrets: [{}, { name: '' }] })), { users: [], warnings: [] });
  });

  test('no ServiceAccount object: no secrets, no warning', async () => {
    assert.deepEqual(await resolve(pod({ serviceAccountName: `nobody-${suffix()}` })), { users: [], warnings: [] });
  });

  test('secrets for another registry give this image nothing', async () => {
    const s = `other-${suffix()}`;
    await dockerSecret(s, `user-${s}`, `elsewhere-${suffix()}.example.com`);
    assert.deepEqual(await resolve(pod({ imagePullSecrets: [{ name: s }] })), { users: [], warnings: [] });
  });

  test('a pull secret that cannot be read fails the resolution (and so the pull)', async () => {
    const name = `broken-${suffix()}`;
    const json = JSON.stringify({ auths: { [registry]: { auth: Buffer.from('no-colon').toString('base64') } } });
    await cluster.client.create(secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(json).toString('base64') } });
    await assert.rejects(resolve(pod({ imagePullSecrets: [{ name }] })), (err: unknown) => err instanceof DockerConfigError && err.message.includes(`secret ${ns}/${name}`));
  });
});
