/**
 * The service-account API surface with the real kubectl and over HTTP: the ServiceAccount
 * admission plugin (defaulting, a missing account refused in Kubernetes' words, the projected
 * volume and its mounts, opting out on the pod or the account, a mount already at the path kept,
 * mirror pods, pull secrets), `--disable-admission-plugins`, discovery of `serviceaccounts/token`
 * and `tokenreviews`, TokenReview's create-only shape, `system:auth-delegator`, `kubectl create
 * token`, `kubectl auth whoami --token`, and the `kubernetes` Service.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { kubeconfigYaml } from '../../src/apiserver/index.js';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { Kubectl } from '../helpers/kubectl.js';
import { containerBuilder, podBuilder } from '../helpers/builders.js';
import { KubernetesServiceReconciler } from '../../src/apiserver/kubernetes-service.js';
import { endpoints, services } from '../../src/api/resources.js';
import { logger } from '../../src/util/log.js';

const rand = () => randomBytes(3).toString('hex');
const MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

interface PodView {
  spec: {
    serviceAccountName?: string;
    serviceAccount?: string;
    volumes?: { name: string; projected?: { defaultMode: number; sources: Record<string, unknown>[] } }[];
    containers: { name: string; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }[];
    initContainers?: { name: string; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }[];
    imagePullSecrets?: { name: string }[];
  };
}

describe('service-account API', () => {
  let s: TestServer;
  let kubectl: Kubectl;
  const ns = `sa-api-${rand()}`;
  const post = (p: string, body: unknown) => s.request('POST', p, { body });
  const createSA = async (name: string, extra: Record<string, unknown> = {}) => {
    const r = await post(`/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name }, ...extra });
    assert.equal(r.status, 201, r.text);
  };
  const createPod = (b: ReturnType<typeof podBuilder>) => post(`/api/v1/namespaces/${ns}/pods`, b.set('metadata.namespace', ns).build());

  before(async () => {
    s = await startTestServer({ disableAdmissionPlugins: [], kubernetesService: true });
    kubectl = new Kubectl(s.kubeconfig);
    await kubectl.ok(['create', 'namespace', ns]);
    await createSA('default');
  });
  after(async () => s?.stop());

  test('a pod without an account runs as default, with the token volume mounted everywhere', async () => {
    const name = `p-${rand()}`;
    const r = await createPod(podBuilder(name).containers(containerBuilder('a'), containerBuilder('b')).initContainer(containerBuilder('init')));
    assert.equal(r.status, 201, r.text);
    const pod = r.json as PodView;
    assert.equal(pod.spec.serviceAccountName, 'default');
    assert.equal(pod.spec.serviceAccount, 'default');
    const vols = pod.spec.volumes?.filter((v) => v.name.startsWith('kube-api-access-')) ?? [];
    assert.equal(vols.length, 1);
    const vol = vols[0]!;
    assert.match(vol.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(vol.projected, {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
      assert.deepEqual(c.volumeMounts?.filter((m) => m.mountPath === MOUNT), [{ name: vol.name, readOnly: true, mountPath: MOUNT }], c.name);
    }
  });

  const optOut = [
    { name: 'the pod says automountServiceAccountToken: false', account: {}, pod: false as boolean | undefined, mounted: false },
    { name: 'the account says false', account: { automountServiceAccountToken: false }, pod: undefined, mounted: false },
    { name: 'the pod\'s true wins over the account\'s false', account: { automountServiceAccountToken: false }, pod: true, mounted: true },
  ];
  for (const c of optOut) {
    test(`automount: ${c.name}`, async () => {
      const sa = `acct-${rand()}`;
      await createSA(sa, c.account);
      const b = podBuilder(`p-${rand()}`).podField('serviceAccountName', sa);
      if (c.pod !== undefined) b.podField('automountServiceAccountToken', c.pod);
      const r = await createPod(b);
      assert.equal(r.status, 201, r.text);
      const pod = r.json as PodView;
      assert.equal(pod.spec.volumes?.some((v) => v.name.startsWith('kube-api-access-')) ?? false, c.mounted);
    });
  }

  test('a container with something at the mount path keeps it; the others get the token', async () => {
    const own = { name: 'mine', mountPath: MOUNT };
    const r = await createPod(podBuilder(`p-${rand()}`)
      .containers(containerBuilder('keeps').set('volumeMounts', [own]), containerBuilder('gets'))
      .volume('mine'));
    assert.equal(r.status, 201, r.text);
    const pod = r.json as PodView;
    assert.deepEqual(pod.spec.containers[0]!.volumeMounts, [own]);
    assert.match(pod.spec.containers[1]!.volumeMounts?.[0]?.name ?? '', /^kube-api-access-/);
  });

  test('a pod naming a missing account is refused as Kubernetes does', async () => {
    const name = `p-${rand()}`, sa = `ghost-${rand()}`;
    const r = await createPod(podBuilder(name).podField('serviceAccountName', sa));
    assert.equal(r.status, 403, r.text);
    assert.equal(r.json.reason, 'Forbidden');
    assert.equal(r.json.message, `pods "${name}" is forbidden: error looking up service account ${ns}/${sa}: serviceaccount "${sa}" not found`);
  });

  test('a mirror pod may not name an account, and gets no token', async () => {
    const mirror = { 'kubernetes.io/config.mirror': 'hash' };
    const refused = await createPod(podBuilder(`m-${rand()}`).set('metadata.annotations', mirror).podField('serviceAccountName', 'default'));
    assert.equal(refused.status, 403, refused.text);
    assert.match(refused.json.message, /a mirror pod may not reference service accounts$/);
    const ok = await createPod(podBuilder(`m-${rand()}`).set('metadata.annotations', mirror));
    assert.equal(ok.status, 201, ok.text);
    assert.equal((ok.json as PodView).spec.serviceAccountName, undefined);
    assert.equal((ok.json as PodView).spec.volumes, undefined);
  });

  test('the account\'s image pull secrets go to a pod that has none', async () => {
    const sa = `puller-${rand()}`, secret = `regcred-${rand()}`;
    await createSA(sa, { imagePullSecrets: [{ name: secret }] });
    const r = await createPod(podBuilder(`p-${rand()}`).podField('serviceAccountName', sa));
    assert.deepEqual((r.json as PodView).spec.imagePullSecrets, [{ name: secret }]);
  });

  test('discovery lists serviceaccounts/token and tokenreviews (create only)', async () => {
    const resources = await kubectl.ok(['api-resources', '--api-group=authentication.k8s.io', '-o', 'wide']);
    assert.match(resources, /tokenreviews\s+authentication.k8s.io\/v1\s+false\s+TokenReview\s+create\s/);
    const core = await s.request('GET', '/api/v1');
    const token = (core.json.resources as { name: string; kind: string; verbs: string[]; group?: string }[]).find((r) => r.name === 'serviceaccounts/token');
    assert.deepEqual(token && { kind: token.kind, verbs: token.verbs, group: token.group }, { kind: 'TokenRequest', verbs: ['create'], group: 'authentication.k8s.io' });
    assert.equal((await s.request('GET', '/apis/authentication.k8s.io/v1/tokenreviews')).status, 405);
    assert.equal((await s.request('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default/token`)).status, 405);
  });

  test('kubectl create token and auth whoami --token; system:auth-delegator lets an account review tokens', async () => {
    const sa = `delegate-${rand()}`;
    await kubectl.ok(['create', 'serviceaccount', sa, '-n', ns]);
    const token = (await kubectl.ok(['create', 'token', sa, '-n', ns, '--audience', 'https://kubernetes.default.svc.cluster.local', '--duration', '30m'])).trim();
    // A kubeconfig without the admin's client certificate, which would authenticate first.
    const bare = path.join(s.dataDir, 'bare.kubeconfig');
    writeFileSync(bare, kubeconfigYaml(s.url, s.server.caCert, ''));
    const who = await new Kubectl(bare).ok(['auth', 'whoami', '--token', token, '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.extra.authentication\\.kubernetes\\.io/credential-id[0]}']);
    assert.match(who, new RegExp(`^system:serviceaccount:${ns}:${sa} JTI=[0-9a-f-]{36}$`));
    const reviewAs = (t: string) => s.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { token: t, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } });
    const denied = await reviewAs(token);
    assert.equal(denied.status, 403);
    assert.equal(denied.json.message, `tokenreviews.authentication.k8s.io is forbidden: User "system:serviceaccount:${ns}:${sa}" cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope`);
    await kubectl.ok(['create', 'clusterrolebinding', `${sa}-delegator`, '--clusterrole=system:auth-delegator', `--serviceaccount=${ns}:${sa}`]);
    await s.server.rbacSettled();
    let allowed = await reviewAs(token);
    for (let i = 0; i < 50 && allowed.status !== 201; i++) {
      await new Promise((r) => setTimeout(r, 20));
      allowed = await reviewAs(token);
    }
    assert.equal(allowed.status, 201, allowed.text);
    assert.equal(allowed.json.status.authenticated, true);
    const empty = await s.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: {} } });
    assert.equal(empty.status, 400);
    assert.equal(empty.json.message, 'token is required for TokenReview in authentication');
  });

  test('the kubernetes Service: first address of the range, port 443 to the server', async () => {
    const svc = JSON.parse(await kubectl.ok(['get', 'service', 'kubernetes', '-n', 'default', '-o', 'json'])) as { metadata: { labels: Record<string, string> }; spec: { clusterIP: string; ports: unknown[]; selector?: unknown } };
    const port = Number(new URL(s.url).port);
    assert.equal(svc.spec.clusterIP, '127.10.0.1');
    assert.deepEqual(svc.spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }]);
    assert.deepEqual(svc.metadata.labels, { component: 'apiserver', provider: 'kubernetes' });
    assert.equal(svc.spec.selector, undefined);
    const ep = await kubectl.ok(['get', 'endpoints', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.subsets[0].addresses[*].ip} {.subsets[0].ports[0].port}']);
    assert.equal(ep, `127.0.0.1 ${port}`);
  });

  test('a second server adds its own endpoint and takes it out when it stops', async () => {
    const port = Number(new URL(s.url).port);
    const other = 20_000 + Math.floor(Math.random() * 10_000);
    const ip = `127.0.${1 + Math.floor(Math.random() * 200)}.9`;
    const second = new KubernetesServiceReconciler({
      services: s.server.registry(services), endpoints: s.server.registry(endpoints),
      clusterIP: '127.10.0.1', advertiseAddress: ip, port: other, log: logger('test'), intervalMs: 60_000,
    });
    const read = () => kubectl.ok(['get', 'endpoints', 'kubernetes', '-n', 'default', '-o', 'jsonpath={range .subsets[*]}{.addresses[*].ip}:{.ports[0].port} {end}']);
    await second.start();
    const both = [`127.0.0.1:${port}`, `${ip}:${other}`].sort((a, b) => Number(a.split(':')[1]) - Number(b.split(':')[1]));
    assert.equal((await read()).trim(), both.join(' '));
    await second.stop();
    assert.equal((await read()).trim(), `127.0.0.1:${port}`);
  });
});

describe('--disable-admission-plugins ServiceAccount', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ disableAdmissionPlugins: ['ServiceAccount'] });
  });
  after(async () => s?.stop());

  test('pods are stored as written: no account, no token volume, no lookup', async () => {
    const ns = 'default';
    const r = await s.request('POST', `/api/v1/namespaces/${ns}/pods`, { body: podBuilder(`p-${rand()}`).set('metadata.namespace', ns).build() });
    assert.equal(r.status, 201, r.text);
    assert.equal((r.json as PodView).spec.serviceAccountName, undefined);
    assert.equal((r.json as PodView).spec.volumes, undefined);
  });
});
