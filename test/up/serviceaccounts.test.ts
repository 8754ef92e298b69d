/**
 * Service accounts on `skiff up` with the real kubectl and real processes: every namespace gets a
 * `default` account and the `kube-root-ca.crt` ConfigMap; the `kubernetes` Service points at the
 * API server; a pod finds its bound token, the CA and its namespace under
 * /var/run/secrets/kubernetes.io/serviceaccount and KUBERNETES_SERVICE_HOST/PORT in its
 * environment, and an in-cluster `kubectl` in the pod is refused (403) until a RoleBinding lets
 * its account list pods; `kubectl create token`, `kubectl auth whoami --token`, legacy token
 * Secrets, `automountServiceAccountToken: false` and a missing account as Kubernetes answers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../../src/api/kinds.js';
import { pods } from '../../src/api/resources.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { Kubectl } from '../helpers/kubectl.js';
import { kubeconfigYaml } from '../../src/apiserver/index.js';
import { suffix } from '../controlplane/fixtures.js';

const MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

describe('service accounts on skiff up', () => {
  let c: UpCluster;
  let ns: string;
  let home: string;
  /** kubectl with a kubeconfig of no credentials, for `--token`: the admin kubeconfig's client
   * certificate would authenticate first, as in kube-apiserver. */
  let bearer: Kubectl;
  before(async () => {
    c = await startUpCluster({ nodes: 1, restartBackoffMs: 300 });
    const file = path.join(c.dataDir, 'bearer.kubeconfig');
    writeFileSync(file, kubeconfigYaml(c.cp.server.url, c.cp.server.caCert, ''), { mode: 0o600 });
    bearer = new Kubectl(file);
    ns = `apps-${suffix()}`;
    home = mkdtempSync(path.join(os.tmpdir(), 'skiff-sa-home-'));
    await c.kubectl.ok(['create', 'namespace', ns]);
  });
  after(async () => {
    await c?.stop();
  });
  const getPod = (name: string) => c.cp.client.get<Pod>(pods, ns, name);
  const runPod = async (name: string, script: string, extra: Record<string, unknown> = {}) => {
    await c.kubectl.ok(['create', '-n', ns, '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1', kind: 'Pod', metadata: { name },
        spec: {
          restartPolicy: 'Never',
          // HOME without a kubeconfig: kubectl in the pod falls back to its in-cluster config.
          containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', script], env: [{ name: 'HOME', value: home }] }],
          ...extra,
        },
      }),
    });
    await waitFor(`pod ${name} finished`, async () => {
      const phase = (await getPod(name)).status?.phase;
      return phase === 'Succeeded' || phase === 'Failed' ? phase : undefined;
    }, 30_000);
    return c.kubectl.ok(['logs', '-n', ns, name]);
  };

  test('a new namespace gets the default account and the root CA ConfigMap', async () => {
    const sa = await waitFor('default account', async () => (await c.kubectl.run(['get', 'serviceaccount', 'default', '-n', ns, '-o', 'name'])).stdout.trim() || undefined, 10_000);
    assert.equal(sa, 'serviceaccount/default');
    const ca = await waitFor('root CA', async () => {
      const r = await c.kubectl.run(['get', 'configmap', 'kube-root-ca.crt', '-n', ns, '-o', 'jsonpath={.data.ca\\.crt}']);
      return r.code === 0 && r.stdout ? r.stdout : undefined;
    }, 10_000);
    assert.equal(ca.trim(), readFileSync(path.join(c.dataDir, 'pki', 'ca.crt'), 'utf8').trim());
  });

  test('the kubernetes Service has the first service IP and the API server as its endpoint', async () => {
    const ip = await c.kubectl.ok(['get', 'service', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].port}']);
    const first = c.block.serviceRange.replace(/\.0\/\d+$/, '.1');
    assert.equal(ip, `${first} 443`);
    const port = new URL(c.cp.server.url).port;
    const ep = await c.kubectl.ok(['get', 'endpoints', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.subsets[0].addresses[0].ip}:{.subsets[0].ports[0].port}']);
    assert.equal(ep, `127.0.0.1:${port}`);
  });

  test('a pod reads its token, CA and namespace, and has the service variables', async () => {
    const name = `reader-${suffix()}`;
    const log = await runPod(name, `cat ${MOUNT}/namespace; echo; cat ${MOUNT}/token; echo; head -1 ${MOUNT}/ca.crt | tr -d '\\r'; env | grep ^KUBERNETES_ | sort`);
    const lines = log.split('\n');
    assert.equal(lines[0], ns, log);
    const token = lines[1] ?? '';
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(lines[2], '-----BEGIN CERTIFICATE-----', log);
    const host = c.block.serviceRange.replace(/\.0\/\d+$/, '.1');
    for (const want of [`KUBERNETES_SERVICE_HOST=${host}`, 'KUBERNETES_SERVICE_PORT=443', 'KUBERNETES_SERVICE_PORT_HTTPS=443', `KUBERNETES_PORT=tcp://${host}:443`, `KUBERNETES_PORT_443_TCP_ADDR=${host}`]) {
      assert.ok(lines.includes(want), `${want} in\n${log}`);
    }
    // The token is the pod's: the API says whose.
    const pod = await getPod(name);
    // (Asked over HTTP: kubectl's client-side validation cannot place the review kinds yet.)
    const review = await c.cp.client.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token },
    }) as { status: { authenticated: boolean; user: { username: string; extra: Record<string, string[]> } } };
    assert.equal(review.status.authenticated, true);
    assert.equal(review.status.user.username, `system:serviceaccount:${ns}:default`);
    assert.deepEqual(review.status.user.extra['authentication.kubernetes.io/pod-uid'], [pod.metadata.uid]);
    const vol = pod.spec.volumes?.find((v) => v.name.startsWith('kube-api-access-'));
    assert.ok(vol, 'the admission plugin added the projected volume');
    assert.deepEqual(pod.spec.containers[0]?.volumeMounts?.find((m) => m.name === vol.name), { name: vol.name, readOnly: true, mountPath: MOUNT });
  });

  test('kubectl in a pod is forbidden until a RoleBinding lets its account list pods', async () => {
    const denied = await runPod(`denied-${suffix()}`, 'kubectl get pods -o name 2>&1; true');
    assert.match(denied, new RegExp(`pods is forbidden: User "system:serviceaccount:${ns}:default" cannot list resource "pods" in API group "" in the namespace "${ns}"`));
    await c.kubectl.ok(['create', 'rolebinding', 'default-view', '--clusterrole=view', `--serviceaccount=${ns}:default`, '-n', ns]);
    const name = `allowed-${suffix()}`;
    const allowed = await waitFor('kubectl allowed', async () => {
      const log = await runPod(`${name}-${suffix()}`, 'kubectl get pods -o name 2>&1');
      return log.includes(`pod/${name}`) ? log : undefined;
    }, 30_000, 200);
    assert.match(allowed, /pod\/reader-/);
  });

  test('kubectl create token and auth whoami --token', async () => {
    const sa = `robot-${suffix()}`;
    await c.kubectl.ok(['create', 'serviceaccount', sa, '-n', ns]);
    const token = (await c.kubectl.ok(['create', 'token', sa, '-n', ns, '--duration', '15m'])).trim();
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number; iat: number; sub: string };
    assert.equal(claims.exp - claims.iat, 900);
    const who = await bearer.ok(['auth', 'whoami', '--token', token]);
    assert.match(who, new RegExp(`Username\\s+system:serviceaccount:${ns}:${sa}`));
    assert.match(who, new RegExp(`Groups\\s+\\[system:serviceaccounts system:serviceaccounts:${ns} system:authenticated\\]`));
    const r = await bearer.run(['get', 'pods', '-n', ns, '--token', token]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`pods is forbidden: User "system:serviceaccount:${ns}:${sa}" cannot list resource "pods"`));
    const short = await c.kubectl.run(['create', 'token', sa, '-n', ns, '--duration', '5m']);
    assert.notEqual(short.code, 0);
    assert.match(short.stderr, /may not specify a duration less than 10 minutes/);
  });

  test('a legacy token Secret is filled and authenticates', async () => {
    const sa = `legacy-${suffix()}`, secret = `${sa}-token`;
    await c.kubectl.ok(['create', 'serviceaccount', sa, '-n', ns]);
    await c.kubectl.ok(['create', '-n', ns, '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', metadata: { name: secret, annotations: { 'kubernetes.io/service-account.name': sa } } }),
    });
    const b64 = await waitFor('token filled', async () => (await c.kubectl.ok(['get', 'secret', secret, '-n', ns, '-o', 'jsonpath={.data.token}'])) || undefined, 10_000);
    const token = Buffer.from(b64, 'base64').toString('utf8');
    assert.match(await bearer.ok(['auth', 'whoami', '--token', token]), new RegExp(`system:serviceaccount:${ns}:${sa}`));
    assert.equal(Buffer.from(await c.kubectl.ok(['get', 'secret', secret, '-n', ns, '-o', 'jsonpath={.data.namespace}']), 'base64').toString(), ns);
    // The Secret goes: so does the token.
    await c.kubectl.ok(['delete', 'secret', secret, '-n', ns]);
    await waitFor('token refused', async () => (await bearer.run(['auth', 'whoami', '--token', token])).code !== 0, 10_000);
  });

  test('automountServiceAccountToken: false mounts nothing', async () => {
    const name = `nomount-${suffix()}`;
    // (The process runtime leaves the host's mount point directory; no token is in it.)
    const log = await runPod(name, `cat ${MOUNT}/token 2>&1; true`, { automountServiceAccountToken: false });
    assert.match(log, /No such file or directory/);
    const pod = await getPod(name);
    assert.equal(pod.spec.serviceAccountName, 'default');
    assert.equal(pod.spec.volumes?.some((v) => v.name.startsWith('kube-api-access-')) ?? false, false);
  });

  test('a pod naming a missing account is refused', async () => {
    const name = `ghost-${suffix()}`, sa = `nobody-${suffix()}`;
    const r = await c.kubectl.run(['run', name, '-n', ns, '--image=busybox', '--restart=Never', `--overrides={"spec":{"serviceAccountName":"${sa}"}}`, '--', 'true']);
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim(), `Error from server (Forbidden): pods "${name}" is forbidden: error looking up service account ${ns}/${sa}: serviceaccount "${sa}" not found`);
  });
});
