/**
 * The Node authorizer and NodeRestriction, table-driven: identity × verb × resource → what the
 * API answers. Nodes authenticate by client certificates the cluster CA issued (CN
 * system:node:NAME, O system:nodes), as TLS bootstrapping gives them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { RestClient, loadKubeconfig } from '../../src/client/index.js';
import { ApiError } from '../../src/api/errors.js';
import { issueClientCertificate, loadCa } from '../../src/apiserver/certs.js';
import { newCsr } from '../../src/api/csr.js';
import { suffix } from '../controlplane/fixtures.js';

let s: TestServer;
let admin: RestClient;
const clients = new Map<string, RestClient>();
const id = suffix();
const ns = `nodeauth-${id}`;
const alpha = `alpha-${id}`;
const beta = `beta-${id}`;

function clientFor(user: string, groups: string[]): RestClient {
  const creds = issueClientCertificate(loadCa(path.join(s.dataDir, 'pki')), user, groups);
  const c = new RestClient({ server: s.url, ca: admin.config.ca, token: '', cert: creds.cert, key: creds.key });
  clients.set(user + groups.join(','), c);
  return c;
}

const pod = (name: string, node: string, extra: Record<string, unknown> = {}, annotations?: Record<string, string>) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) },
  spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }], ...extra },
});

before(async () => {
  s = await startTestServer();
  admin = new RestClient(loadKubeconfig(s.kubeconfig));
  const create = (p: string, body: unknown) => admin.request('POST', p, body);
  await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  for (const n of [alpha, beta]) {
    await create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: n } });
    await create('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: n } });
  }
  for (const name of ['s-vol', 's-env', 's-pull', 's-beta', 's-none']) {
    await create(`/api/v1/namespaces/${ns}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { k: name } });
  }
  for (const name of ['cm-proj', 'cm-none']) await create(`/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: name } });
  for (const name of ['pvc-alpha', 'pvc-none']) {
    await create(`/api/v1/namespaces/${ns}/persistentvolumeclaims`, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Mi' } } } });
  }
  for (const name of ['sa-alpha', 'sa-beta']) await create(`/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
  await create(`/api/v1/namespaces/${ns}/pods`, pod('pa', alpha, {
    serviceAccountName: 'sa-alpha',
    imagePullSecrets: [{ name: 's-pull' }],
    volumes: [{ name: 'v', secret: { secretName: 's-vol' } }, { name: 'p', projected: { sources: [{ configMap: { name: 'cm-proj' } }] } },
      { name: 'd', persistentVolumeClaim: { claimName: 'pvc-alpha' } }],
    containers: [{ name: 'c', image: 'busybox', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 's-env', key: 'k' } } }] }],
  }));
  await create(`/api/v1/namespaces/${ns}/pods`, pod('pb', beta, { serviceAccountName: 'sa-beta', volumes: [{ name: 'v', secret: { secretName: 's-beta' } }] }));
  await s.server.rbacSettled();
});

after(async () => {
  for (const c of clients.values()) c.close();
  admin?.close();
  await s?.stop();
});

type Who = 'alpha' | 'beta' | 'join' | 'not-a-node';
interface Case { readonly name: string; readonly who: Who; readonly method: string; readonly path: () => string; readonly body?: () => unknown; readonly patch?: boolean; readonly want: 'ok' | 403 }

const token = (account: string, podName?: string) => ({
  apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest',
  spec: { audiences: ['x'], ...(podName ? { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: podName } } : {}) },
});
const api = (rest: string) => `/api/v1/namespaces/${ns}/${rest}`;
const lease = (n: string) => `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${n}`;

const cases: readonly Case[] = [
  // Secrets, ConfigMaps and tokens: only what pods bound to the node reference.
  { name: 'reads a secret its pod mounts', who: 'alpha', method: 'GET', path: () => api('secrets/s-vol'), want: 'ok' },
  { name: 'reads a secret its pod takes env from', who: 'alpha', method: 'GET', path: () => api('secrets/s-env'), want: 'ok' },
  { name: 'reads its pod\'s image pull secret', who: 'alpha', method: 'GET', path: () => api('secrets/s-pull'), want: 'ok' },
  { name: 'cannot read another node\'s pod\'s secret', who: 'alpha', method: 'GET', path: () => api('secrets/s-beta'), want: 403 },
  { name: 'cannot read an unreferenced secret', who: 'alpha', method: 'GET', path: () => api('secrets/s-none'), want: 403 },
  { name: 'cannot list secrets', who: 'alpha', method: 'GET', path: () => api('secrets'), want: 403 },
  { name: 'cannot write a referenced secret', who: 'alpha', method: 'DELETE', path: () => api('secrets/s-vol'), want: 403 },
  { name: 'reads a config map its pod projects', who: 'alpha', method: 'GET', path: () => api('configmaps/cm-proj'), want: 'ok' },
  { name: 'cannot read an unreferenced config map', who: 'alpha', method: 'GET', path: () => api('configmaps/cm-none'), want: 403 },
  { name: 'reads a claim its pod mounts', who: 'alpha', method: 'GET', path: () => api('persistentvolumeclaims/pvc-alpha'), want: 'ok' },
  { name: 'cannot read another node\'s pod\'s claim', who: 'beta', method: 'GET', path: () => api('persistentvolumeclaims/pvc-alpha'), want: 403 },
  { name: 'cannot read an unmounted claim', who: 'alpha', method: 'GET', path: () => api('persistentvolumeclaims/pvc-none'), want: 403 },
  { name: 'cannot list claims', who: 'alpha', method: 'GET', path: () => api('persistentvolumeclaims'), want: 403 },
  { name: 'the other node reads its own pod\'s secret', who: 'beta', method: 'GET', path: () => api('secrets/s-beta'), want: 'ok' },
  { name: 'the other node cannot read alpha\'s secret', who: 'beta', method: 'GET', path: () => api('secrets/s-vol'), want: 403 },
  { name: 'token for its pod\'s account, bound to its pod', who: 'alpha', method: 'POST', path: () => api('serviceaccounts/sa-alpha/token'), body: () => token('sa-alpha', 'pa'), want: 'ok' },
  { name: 'no token not bound to a pod', who: 'alpha', method: 'POST', path: () => api('serviceaccounts/sa-alpha/token'), body: () => token('sa-alpha'), want: 403 },
  { name: 'no token for another node\'s pod\'s account', who: 'alpha', method: 'POST', path: () => api('serviceaccounts/sa-beta/token'), body: () => token('sa-beta', 'pb'), want: 403 },
  { name: 'no token bound to another node\'s pod', who: 'alpha', method: 'POST', path: () => api('serviceaccounts/sa-alpha/token'), body: () => token('sa-alpha', 'pb'), want: 403 },
  // Its own Node and Lease only.
  { name: 'reads any node', who: 'alpha', method: 'GET', path: () => `/api/v1/nodes/${beta}`, want: 'ok' },
  { name: 'lists nodes', who: 'alpha', method: 'GET', path: () => '/api/v1/nodes', want: 'ok' },
  { name: 'labels its own node', who: 'alpha', method: 'PATCH', patch: true, path: () => `/api/v1/nodes/${alpha}`, body: () => ({ metadata: { labels: { team: 'a', 'node.kubernetes.io/instance-type': 'big' } } }), want: 'ok' },
  { name: 'cannot set a node-restriction label', who: 'alpha', method: 'PATCH', patch: true, path: () => `/api/v1/nodes/${alpha}`, body: () => ({ metadata: { labels: { 'node-restriction.kubernetes.io/trusted': 'yes' } } }), want: 403 },
  { name: 'cannot make itself a control-plane node', who: 'alpha', method: 'PATCH', patch: true, path: () => `/api/v1/nodes/${alpha}`, body: () => ({ metadata: { labels: { 'node-role.kubernetes.io/control-plane': '' } } }), want: 403 },
  { name: 'cannot change its taints', who: 'alpha', method: 'PATCH', patch: true, path: () => `/api/v1/nodes/${alpha}`, body: () => ({ spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }), want: 403 },
  { name: 'writes its own node status', who: 'alpha', method: 'PATCH', patch: true, path: () => `/api/v1/nodes/${alpha}/status`, body: () => ({ status: { addresses: [{ type: 'InternalIP', address: '127.0.0.9' }] } }), want: 'ok' },
  { name: 'cannot write another node\'s status', who: 'alpha', method: 'PATCH', patch: true, path: () => `/api/v1/nodes/${beta}/status`, body: () => ({ status: { addresses: [{ type: 'InternalIP', address: '127.0.0.9' }] } }), want: 403 },
  { name: 'cannot label another node', who: 'alpha', method: 'PATCH', patch: true, path: () => `/api/v1/nodes/${beta}`, body: () => ({ metadata: { labels: { x: 'y' } } }), want: 403 },
  { name: 'cannot register another node', who: 'alpha', method: 'POST', path: () => '/api/v1/nodes', body: () => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: `gamma-${id}` } }), want: 403 },
  { name: 'cannot delete another node', who: 'alpha', method: 'DELETE', path: () => `/api/v1/nodes/${beta}`, want: 403 },
  { name: 'renews its own lease', who: 'alpha', method: 'PATCH', patch: true, path: () => lease(alpha), body: () => ({ spec: { holderIdentity: alpha } }), want: 'ok' },
  { name: 'cannot renew another node\'s lease', who: 'alpha', method: 'PATCH', patch: true, path: () => lease(beta), body: () => ({ spec: { holderIdentity: alpha } }), want: 403 },
  { name: 'cannot create a lease named for another node', who: 'alpha', method: 'POST', path: () => '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', body: () => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: `gamma-${id}` } }), want: 403 },
  { name: 'cannot touch leases elsewhere', who: 'alpha', method: 'GET', path: () => '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', want: 403 },
  // Pods: status of its own, mirror pods only, delete only its own.
  { name: 'lists pods', who: 'alpha', method: 'GET', path: () => api('pods'), want: 'ok' },
  { name: 'writes its pod\'s status', who: 'alpha', method: 'PATCH', patch: true, path: () => api('pods/pa/status'), body: () => ({ status: { message: 'seen' } }), want: 'ok' },
  { name: 'cannot write another node\'s pod\'s status', who: 'alpha', method: 'PATCH', patch: true, path: () => api('pods/pb/status'), body: () => ({ status: { message: 'mine' } }), want: 403 },
  { name: 'cannot update a pod\'s spec', who: 'alpha', method: 'PATCH', patch: true, path: () => api('pods/pa'), body: () => ({ metadata: { labels: { x: 'y' } } }), want: 403 },
  { name: 'cannot create an ordinary pod', who: 'alpha', method: 'POST', path: () => api('pods'), body: () => pod('plain', alpha), want: 403 },
  { name: 'creates a mirror pod bound to itself', who: 'alpha', method: 'POST', path: () => api('pods'), body: () => pod('mirror', alpha, {}, { 'kubernetes.io/config.mirror': 'x' }), want: 'ok' },
  { name: 'cannot create a mirror pod for another node', who: 'alpha', method: 'POST', path: () => api('pods'), body: () => pod('mirror-b', beta, {}, { 'kubernetes.io/config.mirror': 'x' }), want: 403 },
  { name: 'cannot create a mirror pod that reads secrets', who: 'alpha', method: 'POST', path: () => api('pods'), body: () => pod('mirror-s', alpha, { volumes: [{ name: 'v', secret: { secretName: 's-none' } }] }, { 'kubernetes.io/config.mirror': 'x' }), want: 403 },
  { name: 'cannot delete another node\'s pod', who: 'alpha', method: 'DELETE', path: () => api('pods/pb'), want: 403 },
  { name: 'records events', who: 'alpha', method: 'POST', path: () => api('events'), body: () => ({ apiVersion: 'v1', kind: 'Event', metadata: { name: `e-${id}` }, involvedObject: { kind: 'Pod', name: 'pa', namespace: ns }, reason: 'Seen', message: 'seen' }), want: 'ok' },
  { name: 'cannot read cluster roles', who: 'alpha', method: 'GET', path: () => '/apis/rbac.authorization.k8s.io/v1/clusterroles', want: 403 },
  // Not nodes: the name alone is not enough; the join token only asks for certificates.
  { name: 'a node name without system:nodes reads nothing', who: 'not-a-node', method: 'GET', path: () => api('secrets/s-vol'), want: 403 },
  { name: 'the join token cannot read a pod\'s secret', who: 'join', method: 'GET', path: () => api('secrets/s-vol'), want: 403 },
  { name: 'the join token cannot list pods', who: 'join', method: 'GET', path: () => api('pods'), want: 403 },
  { name: 'the join token cannot read nodes', who: 'join', method: 'GET', path: () => '/api/v1/nodes', want: 403 },
  {
    name: 'the join token asks for a node certificate', who: 'join', method: 'POST', path: () => '/apis/certificates.k8s.io/v1/certificatesigningrequests',
    body: () => ({ apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { generateName: 'node-csr-' }, spec: { request: Buffer.from(newCsr({ commonName: `system:node:${alpha}`, organizations: ['system:nodes'] }).csrPem).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['client auth'] } }),
    want: 'ok',
  },
  // Last: it deletes its own pod.
  { name: 'deletes its own pod', who: 'alpha', method: 'DELETE', path: () => api('pods/pa'), want: 'ok' },
];

function who(w: Who): RestClient {
  switch (w) {
    case 'alpha': return clients.get(`system:node:${alpha}system:nodes`) ?? clientFor(`system:node:${alpha}`, ['system:nodes']);
    case 'beta': return clients.get(`system:node:${beta}system:nodes`) ?? clientFor(`system:node:${beta}`, ['system:nodes']);
    case 'not-a-node': return clients.get(`system:node:${alpha}team`) ?? clientFor(`system:node:${alpha}`, ['team']);
    case 'join': {
      const c = clients.get('join') ?? new RestClient({ server: s.url, ca: admin.config.ca, token: s.server.joinToken });
      clients.set('join', c);
      return c;
    }
  }
}

for (const c of cases) {
  test(`${c.who}: ${c.name} (${c.method} → ${c.want})`, async () => {
    const body = c.body?.();
    const got = await who(c.who).request(c.method, c.path(), body ?? (c.method === 'DELETE' ? {} : undefined), c.patch ? 'application/merge-patch+json' : 'application/json')
      .then(() => 'ok' as const, (e: unknown) => (e instanceof ApiError ? e.code : String(e)));
    assert.equal(got, c.want);
  });
}

test('the 403 says why, in Kubernetes\' words', async () => {
  const err = await who('alpha').request('GET', api('secrets/s-beta')).catch((e: unknown) => e);
  assert.ok(err instanceof ApiError);
  assert.equal(err.message, `secrets "s-beta" is forbidden: User "system:node:${alpha}" cannot get resource "secrets" in API group "" in the namespace "${ns}": no relationship found between node '${alpha}' and this object`);
  const label = await who('alpha').request('PATCH', `/api/v1/nodes/${alpha}`, { metadata: { labels: { 'node-restriction.kubernetes.io/x': 'y' } } }, 'application/merge-patch+json').catch((e: unknown) => e);
  assert.ok(label instanceof ApiError);
  assert.equal(label.message, `nodes "${alpha}" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/x`);
  const plain = await who('alpha').request('POST', api('pods'), pod('plain2', alpha)).catch((e: unknown) => e);
  assert.ok(plain instanceof ApiError);
  assert.equal(plain.message, `pods "plain2" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "${alpha}" can only create mirror pods`);
  const other = await who('alpha').request('DELETE', api('pods/pb'), {}).catch((e: unknown) => e);
  assert.ok(other instanceof ApiError);
  assert.equal(other.message, `pods "pb" is forbidden: node "${alpha}" can only delete pods with spec.nodeName set to itself`);
});
