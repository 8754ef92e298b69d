/**
 * X.509 client certificates with the real kubectl: the admin kubeconfig the server writes
 * authenticates by certificate (system:masters); `skiff kubeconfig --user --group` mints one for
 * another user whose CN and O are what `kubectl auth whoami` shows and what RBAC binds; a
 * certificate from another CA, or one made for serving, names no one.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { parse as parseYaml } from 'yaml';
import { startTestServer, type TestServer } from '../helpers/apiserver.js';
import { Kubectl } from '../helpers/kubectl.js';
import { skiff } from '../cli/run.js';
import { issueCertificate, loadCa, newKey, type ClusterCa } from '../../src/apiserver/certs.js';
import { kubeconfigYaml } from '../../src/apiserver/index.js';

const suffix = randomBytes(3).toString('hex');

interface Who { username: string; groups: string[] }
async function whoami(k: Kubectl): Promise<Who> {
  const out = JSON.parse(await k.ok(['auth', 'whoami', '-o', 'json'])) as { status: { userInfo: Who } };
  return out.status.userInfo;
}

/** A CA of its own, not the cluster's. (Named like the cluster's, Go sends the certificate and
 * Node's TLS layer, failing its signature, later closes the connection: refused all the same.) */
function foreignCa(): ClusterCa {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 3600_000);
  cert.setSubject([{ name: 'commonName', value: 'other-ca' }]);
  cert.setIssuer([{ name: 'commonName', value: 'other-ca' }]);
  cert.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, critical: true }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), cert, key: keys.privateKey };
}

describe('client certificates', () => {
  let s: TestServer;
  let admin: Kubectl;
  const ns = `certs-${suffix}`;

  before(async () => {
    s = await startTestServer();
    admin = new Kubectl(s.kubeconfig);
    await admin.ok(['create', 'namespace', ns]);
  });
  after(async () => {
    await s?.stop();
  });

  test('the admin kubeconfig holds a certificate in system:masters, no token', async () => {
    const kc = parseYaml(readFileSync(s.kubeconfig, 'utf8')) as { users: { user: Record<string, string> }[] };
    const user = kc.users[0]!.user;
    assert.equal(user['token'], undefined);
    assert.ok(user['client-certificate-data'] && user['client-key-data']);
    assert.equal(statSync(s.kubeconfig).mode & 0o777, 0o600);
    const who = await whoami(admin);
    assert.equal(who.username, 'admin');
    assert.deepEqual(who.groups.sort(), ['system:authenticated', 'system:masters']);
  });

  test('skiff kubeconfig --user --group: whoami shows them, RBAC binds the group', async () => {
    const user = `jane-${suffix}`;
    const groups = [`team-${suffix}`, `ops-${suffix}`];
    const file = path.join(s.dataDir, `${user}.kubeconfig`);
    const r = await skiff(undefined, ['kubeconfig', '--data-dir', s.dataDir, '--user', user, ...groups.flatMap((g) => ['--group', g]), '-o', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const jane = new Kubectl(file);
    const who = await whoami(jane);
    assert.equal(who.username, user);
    assert.deepEqual(who.groups.sort(), [...groups, 'system:authenticated'].sort());
    const denied = await jane.run(['get', 'configmaps', '-n', ns]);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, new RegExp(`User "${user}" cannot list resource "configmaps" in API group "" in the namespace "${ns}"`));
    await admin.ok(['create', 'rolebinding', 'team-view', '--clusterrole=view', `--group=${groups[1]}`, '-n', ns]);
    const allowed = await jane.run(['get', 'configmaps', '-n', ns]);
    assert.equal(allowed.code, 0, allowed.stderr);
  });

  test('to standard output without -o; refused without a CA', async () => {
    const r = await skiff(undefined, ['kubeconfig', '--data-dir', s.dataDir, '--user', 'bob']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /client-certificate-data: /);
    const none = await skiff(undefined, ['kubeconfig', '--data-dir', path.join(s.dataDir, 'nowhere'), '--user', 'bob']);
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /no cluster CA/);
  });

  const cases: { name: string; ca: () => ClusterCa; usages: ('client' | 'server')[] }[] = [
    { name: 'signed by another CA', ca: foreignCa, usages: ['client'] },
    { name: 'made for serving only', ca: () => loadCa(path.join(s.dataDir, 'pki')), usages: ['server'] },
  ];
  for (const c of cases) {
    test(`a certificate ${c.name} is not an identity (401)`, async () => {
      const { keyPem, publicKeyPem } = newKey();
      const cert = issueCertificate(c.ca(), { commonName: 'admin', organizations: ['system:masters'], publicKeyPem, usages: c.usages });
      const file = path.join(s.dataDir, `bad-${c.usages.join('')}.kubeconfig`);
      writeFileSync(file, kubeconfigYaml(s.url, s.server.caCert, { cert, key: keyPem }));
      const r = await new Kubectl(file).run(['get', 'namespaces']);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /You must be logged in to the server|Unauthorized/);
    });
  }
});
