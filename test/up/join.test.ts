/** A node in another process joining by token (`skiff agent`): it registers, runs the pods the
 * scheduler gives it, serves their logs through the API server, and leaves cleanly. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { issueClientCertificate, issueNodeServingCertificate, loadCa, type ClusterCa } from '../../src/apiserver/certs.js';
import { ensurePki } from '../../src/apiserver/pki.js';
import { kubeletClientCredentials } from '../../src/apiserver/admin-credentials.js';
import os from 'node:os';
import path from 'node:path';
import type { Node, Pod } from '../../src/api/kinds.js';
import { certificateSigningRequests, nodes, pods, secrets } from '../../src/api/resources.js';
import { ApiError } from '../../src/api/errors.js';
import type { CertificateSigningRequest } from '../../src/api/kinds.js';
import type { KubeObject } from '../../src/api/types.js';
import { newCsr } from '../../src/api/csr.js';
import { RestClient } from '../../src/client/index.js';
import { skiffMain } from '../helpers/paths.js';
import { startUpCluster, type UpCluster } from '../helpers/upcluster.js';
import { waitFor } from '../helpers/cluster.js';
import { suffix } from '../controlplane/fixtures.js';

let c: UpCluster;
let agent: ChildProcess | undefined;
let agentDir: string;
let agentErr = '';
before(async () => {
  c = await startUpCluster({ nodes: 1 });
  agentDir = mkdtempSync(path.join(os.tmpdir(), 'skiff-agent-'));
});
after(async () => {
  if (agent && agent.exitCode === null) {
    const gone = new Promise((r) => agent!.once('exit', r));
    agent.kill('SIGTERM');
    await gone;
  }
  await c.stop();
  rmSync(agentDir, { recursive: true, force: true });
});

test('skiff agent joins by token, runs pods, serves their logs, and stops cleanly', async () => {
  const name = `joiner-${suffix()}`;
  const address = c.block.nodeAddress(9);
  const podRange = `${c.block.podPrefix(9)}0/24`;
  agent = spawn(process.execPath, [
    skiffMain, 'agent',
    '--server', c.cp.server.url, '--token', c.cp.server.joinToken, '--ca-cert', path.join(c.dataDir, 'pki', 'ca.crt'),
    '--data-dir', agentDir, '--node-name', name, '--address', address, '--pod-range', podRange, '--node-labels', `joined=${name}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SKIFF_LOG_LEVEL: 'warn' } });
  agent.stderr!.on('data', (d: Buffer) => (agentErr += d.toString()));

  const node = await waitFor('node registered and Ready', async () => {
    const n = await c.cp.client.get<Node>(nodes, undefined, name).catch(() => undefined);
    return n?.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True' ? n : undefined;
  }, 20_000).catch((e: Error) => {
    throw new Error(`${e.message}; agent said: ${agentErr}`);
  });
  assert.equal(node.metadata.labels?.['joined'], name);
  assert.equal(node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address, address);

  // A wrong token is refused.
  const bad = await fetch(`${c.cp.server.url}/api/v1/nodes`, { headers: { Authorization: 'Bearer nope' } }).catch(() => undefined);
  assert.ok(bad === undefined || bad.status === 401);

  const pod = `hello-${suffix()}`;
  const lines = 2 + Math.floor(Math.random() * 4);
  await c.kubectl.ok(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: pod },
      spec: { nodeSelector: { joined: name }, restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', `for i in $(seq ${lines}); do echo "hello $i from $(NODE)"; done`], env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }] }] },
    }),
  });
  const done = await waitFor('pod succeeded on the joined node', async () => {
    const p = await c.cp.client.get<Pod>(pods, 'default', pod);
    return p.status?.phase === 'Succeeded' ? p : undefined;
  }, 20_000);
  assert.equal(done.spec.nodeName, name);
  assert.ok(done.status?.podIP?.startsWith(c.block.podPrefix(9)));
  const log = await c.kubectl.ok(['logs', pod]);
  assert.equal(log, Array.from({ length: lines }, (_, i) => `hello ${i + 1} from ${name}\n`).join(''));

  // TLS bootstrapping: the join token asked for the node's client certificate, which the
  // approver approved and the signer issued; the agent kept it and works as the node.
  const csrs = await c.kubectl.ok(['get', 'csr', '--no-headers']);
  const line = csrs.split('\n').find((l) => l.includes('kubernetes.io/kube-apiserver-client-kubelet'));
  assert.ok(line, csrs);
  assert.match(line, /^node-csr-\S+\s+\S+\s+kubernetes\.io\/kube-apiserver-client-kubelet\s+system:node-joiner\s+<none>\s+Approved,Issued$/);
  const kept = new X509Certificate(readFileSync(path.join(agentDir, 'pki', 'kubelet-client.crt')));
  assert.match(kept.subject, new RegExp(`^O=system:nodes\nCN=system:node:${name}$`));
  assert.ok(kept.verify(new X509Certificate(readFileSync(path.join(c.dataDir, 'pki', 'ca.crt'))).publicKey));

  const exited = new Promise<number | null>((r) => agent!.once('exit', r));
  agent.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(agentErr, /joined/);
});

test('an agent with the name of a live node is refused and changes nothing', async () => {
  const taken = c.nodeNames[0]!;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-agent-twin-'));
  try {
    const twin = spawn(process.execPath, [
      skiffMain, 'agent',
      '--server', c.cp.server.url, '--token', c.cp.server.joinToken, '--ca-cert', path.join(c.dataDir, 'pki', 'ca.crt'),
      '--data-dir', dir, '--node-name', taken, '--address', c.block.nodeAddress(8), '--pod-range', `${c.block.podPrefix(8)}0/24`, '--kubelet-port', '0',
    ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SKIFF_LOG_LEVEL: 'warn' } });
    let err = '';
    twin.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => twin.once('exit', r));
    assert.equal(code, 1, err);
    assert.match(err, new RegExp(`^skiff agent: node "${taken}" is run by another live agent at ${c.nodeAddresses[0]!.replace(/\./g, '\\.')} \\(its lease was renewed \\d+s ago\\): give this agent another name with --node-name, or stop the other one first$`, 'm'));
    const node = await c.cp.client.get<Node>(nodes, undefined, taken);
    assert.equal(node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address, c.nodeAddresses[0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
test('a stolen join token may only ask for certificates: secrets, pods and nodes are forbidden', async () => {
  const stolen = new RestClient({ server: c.cp.server.url, ca: readFileSync(path.join(c.dataDir, 'pki', 'ca.crt'), 'utf8'), token: c.cp.server.joinToken });
  try {
    for (const [what, read] of [
      ['secrets', () => stolen.list(secrets, 'kube-system')],
      ['pods', () => stolen.list(pods)],
      ['nodes', () => stolen.list(nodes)],
      ['a node', () => stolen.get(nodes, undefined, c.nodeNames[0]!)],
    ] as const) {
      const err = await read().then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ApiError && err.code === 403, `${what}: ${String(err)}`);
    }
    // It may create a CSR for anyone, but only node client requests are approved by themselves.
    const user = `mallory-${suffix()}`;
    const { csrPem } = newCsr({ commonName: user, organizations: ['system:masters'] });
    const csr = await stolen.create(certificateSigningRequests, {
      apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: user },
      spec: { request: Buffer.from(csrPem).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] },
    } as KubeObject) as CertificateSigningRequest;
    assert.equal(csr.spec.username, 'system:node-joiner');
    assert.ok(csr.spec.groups?.includes('system:bootstrappers'));
    await new Promise((r) => setTimeout(r, 500));
    assert.match(await c.kubectl.ok(['get', 'csr', user, '--no-headers']), /Pending$/m);
    assert.match(await c.kubectl.ok(['certificate', 'deny', user]), new RegExp(`certificatesigningrequest.certificates.k8s.io/${user} denied`));
    assert.match(await c.kubectl.ok(['get', 'csr', user, '--no-headers']), /\sDenied$/m);
    // Approving a denied request is refused by validation.
    const again = await c.kubectl.run(['certificate', 'approve', user]);
    assert.notEqual(again.code, 0);
  } finally {
    stolen.close();
  }
});

test('kubectl certificate approve: the signer issues a client certificate that authenticates', async () => {
  const user = `carol-${suffix()}`;
  const { csrPem, keyPem } = newCsr({ commonName: user, organizations: ['team-a'] });
  await c.kubectl.ok(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: user },
      spec: { request: Buffer.from(csrPem).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', expirationSeconds: 3600, usages: ['digital signature', 'client auth'] },
    }),
  });
  assert.match(await c.kubectl.ok(['certificate', 'approve', user]), /approved/);
  const cert = await waitFor('certificate issued', async () => {
    const got = await c.cp.client.get<CertificateSigningRequest>(certificateSigningRequests, undefined, user);
    return got.status?.certificate ? Buffer.from(got.status.certificate, 'base64').toString('utf8') : undefined;
  }, 10_000);
  assert.match(await c.kubectl.ok(['get', 'csr', user, '--no-headers']), /kube-apiserver-client\s+admin\s+60m\s+Approved,Issued$/m);
  const x = new X509Certificate(cert);
  assert.match(x.subject, new RegExp(`CN=${user}`));
  const as = new RestClient({ server: c.cp.server.url, ca: readFileSync(path.join(c.dataDir, 'pki', 'ca.crt'), 'utf8'), token: '', cert, key: keyPem });
  try {
    const err = await as.list(secrets, 'default').then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ApiError && err.code === 403);
    assert.match(err.message, new RegExp(`User "${user}" cannot list resource "secrets"`));
  } finally {
    as.close();
  }
  // Approving takes `approve` on the signer besides update on the approval subresource.
  const second = `dave-${suffix()}`;
  await c.cp.client.create(certificateSigningRequests, {
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: second },
    spec: { request: Buffer.from(newCsr({ commonName: second }).csrPem).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] },
  } as KubeObject);
  const approver = `approver-${suffix()}`;
  await c.kubectl.ok(['create', 'clusterrole', approver, '--verb=get,update,patch', '--resource=certificatesigningrequests/approval']);
  await c.kubectl.ok(['create', 'clusterrolebinding', approver, `--clusterrole=${approver}`, `--user=${approver}`]);
  const byApprover = new RestClient({ server: c.cp.server.url, ca: readFileSync(path.join(c.dataDir, 'pki', 'ca.crt'), 'utf8'), token: '', ...issueClientCertificate(loadCa(path.join(c.dataDir, 'pki')), approver, []) });
  const approval = { status: { conditions: [{ type: 'Approved', status: 'True', reason: 'ByPatch', message: 'patched' }] } };
  try {
    await c.cp.server.rbacSettled();
    const refused = await byApprover.patch(certificateSigningRequests, undefined, second, approval, 'merge', 'approval').catch((e: unknown) => e);
    assert.ok(refused instanceof ApiError && refused.code === 403, String(refused));
    assert.match(refused.message, /user not permitted to approve requests with signerName "kubernetes.io\/kube-apiserver-client"/);
    await c.kubectl.ok(['create', 'clusterrolebinding', `${approver}-signer`, '--clusterrole=system:certificates.k8s.io:kube-apiserver-client-approver', `--user=${approver}`]);
    await c.cp.server.rbacSettled();
    const patched = await byApprover.patch<CertificateSigningRequest>(certificateSigningRequests, undefined, second, approval, 'merge', 'approval');
    assert.equal(patched.status?.conditions?.[0]?.reason, 'ByPatch');
    assert.ok(patched.status?.conditions?.[0]?.lastUpdateTime);
  } finally {
    byApprover.close();
  }
  // A node client request from someone who is not allowed to ask for one stays pending.
  const { csrPem: nodePem } = newCsr({ commonName: 'system:node:intruder', organizations: ['system:nodes'] });
  const viaAdmin = `admin-node-${suffix()}`;
  await c.cp.client.create(certificateSigningRequests, {
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: viaAdmin },
    spec: { request: Buffer.from(nodePem).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['client auth'] },
  } as KubeObject);
  await c.kubectl.ok(['delete', 'csr', viaAdmin]);
  // Invalid requests are refused with Kubernetes' field errors.
  const bad = await c.kubectl.run(['create', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: `bad-${suffix()}` }, spec: { request: Buffer.from('nope').toString('base64'), signerName: 'nodomain', usages: ['client auth', 'flying'] } }),
  });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /spec.request: Invalid value/);
  assert.match(bad.stderr, /spec.signerName: Invalid value: "nodomain"/);
  assert.match(bad.stderr, /spec.usages\[1\]: Unsupported value: "flying"/);
});

test('node endpoints: TLS, client certificates, SubjectAccessReview; a node pointing its status elsewhere gets no token', async () => {
  const nodeName = c.nodeNames[0]!;
  const ca = readFileSync(path.join(c.dataDir, 'pki', 'ca.crt'), 'utf8');
  const cluster = loadCa(path.join(c.dataDir, 'pki'));
  const node = await c.cp.client.get<Node>(nodes, undefined, nodeName);
  const address = node.status!.addresses!.find((a) => a.type === 'InternalIP')!.address;
  const port = node.status!.daemonEndpoints!.kubeletEndpoint!.Port;
  const call = (creds?: { cert: string; key: string }) => new Promise<{ status: number; body: string; peer: string }>((resolve, reject) => {
    const req = https.request({ host: address, port, path: '/containerLogs/default/nothing-here', ca, ...(creds ?? {}), agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, peer: String((res.socket as TLSSocket).getPeerCertificate().subject?.CN) }));
    });
    req.on('error', reject);
    req.end();
  });
  // The endpoint is TLS with the node's own serving certificate, which the cluster CA signed.
  const anonymous = await call();
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.peer, `system:node:${nodeName}`);
  const who = `eve-${suffix()}`;
  const denied = await call(issueClientCertificate(cluster, who, ['team']));
  assert.equal(denied.status, 403);
  assert.match(denied.body, new RegExp(`Forbidden \\(user=${who}, verb=get, resource=nodes, subresource=proxy\\)`));
  // The API server's own certificate is authorized (system:kubelet-api-admin): the pod is missing.
  const apiserver = await call(kubeletClientCredentials(path.join(c.dataDir, 'pki')));
  assert.equal(apiserver.status, 404);

  // A pod on the node, then the node (as itself) points its status at a server of its own.
  const pod = `victim-${suffix()}`;
  await c.kubectl.ok(['run', pod, '--image=busybox', '--restart=Never', `--overrides=${JSON.stringify({ spec: { nodeName } })}`, '--', 'sh', '-c', 'echo secret-log']);
  await waitFor('pod ran', async () => ((await c.cp.client.get<Pod>(pods, 'default', pod)).status?.phase === 'Succeeded' ? true : undefined), 20_000);
  assert.equal(await c.kubectl.ok(['logs', pod]), 'secret-log\n');
  const asNode = new RestClient({ server: c.cp.server.url, ca, token: '', ...issueClientCertificate(cluster, `system:node:${nodeName}`, ['system:nodes']) });
  const seen: { authorization?: string; path?: string }[] = [];
  const forged = issueNodeServingCertificate(throwawayCa(), nodeName, ['127.0.0.1']);
  const own = issueNodeServingCertificate(cluster, nodeName, ['127.0.0.1']);
  try {
    for (const [what, creds, wantLogs] of [['a certificate of another CA', forged, false], ['the node\'s own serving certificate', own, true]] as const) {
      const trap = https.createServer({ cert: creds.cert, key: creds.key }, (req, res) => {
        seen.push({ ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), ...(req.url ? { path: req.url } : {}) });
        res.end('stolen\n');
      });
      await new Promise<void>((r) => trap.listen(0, '127.0.0.1', () => r()));
      try {
        const trapPort = (trap.address() as AddressInfo).port;
        await asNode.patch(nodes, undefined, nodeName, { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: trapPort } } } }, 'merge', 'status');
        const logs = await c.kubectl.run(['logs', pod]);
        if (wantLogs) assert.equal(logs.stdout, 'stolen\n', what);
        else assert.notEqual(logs.code, 0, `${what}: ${logs.stdout}`);
      } finally {
        trap.closeAllConnections();
        await new Promise((r) => trap.close(r));
      }
    }
    // The forged endpoint never got a request; the node's own got one without any credential.
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.authorization, undefined);
    assert.match(seen[0]!.path ?? '', new RegExp(`^/containerLogs/default/${pod}`));
  } finally {
    await asNode.patch(nodes, undefined, nodeName, { status: { addresses: node.status!.addresses, daemonEndpoints: node.status!.daemonEndpoints } }, 'merge', 'status');
    asNode.close();
    await c.kubectl.ok(['delete', 'pod', pod, '--wait=false']);
  }
});

/** A CA that is not the cluster's, for a certificate the API server must refuse. */
function throwawayCa(): ClusterCa {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-forged-ca-'));
  try {
    ensurePki(dir, []);
    return loadCa(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
