/**
 * The CSR cleaner: when a request's time is up (table-driven, pure), then against a real
 * in-process API server with a clock moved forward: denied requests go an hour after, pending
 * ones a day after creation, approved-but-unissued ones stay, and nothing goes early.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CertificateSigningRequest } from '../../src/api/kinds.js';
import { certificateSigningRequests } from '../../src/api/resources.js';
import { newCsr } from '../../src/api/csr.js';
import { CsrCleaner, csrExpiresAt, DENIED_TTL_MS, ISSUED_TTL_MS, PENDING_TTL_MS } from '../../src/controllers/certificates/index.js';
import { issueClientCertificate, loadCa } from '../../src/apiserver/certs.js';
import { ensurePki } from '../../src/apiserver/pki.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { runController, sleep } from './fixtures.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

const request = Buffer.from(newCsr({ commonName: 'jane', organizations: ['devs'] }).csrPem).toString('base64');
const HOUR = 60 * 60 * 1000;

function csr(name: string, created: number, conditions: { type: string; at: number }[] = [], certificate?: string): CertificateSigningRequest {
  return {
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest',
    metadata: { name, creationTimestamp: new Date(created).toISOString() },
    spec: { request, signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] },
    status: {
      conditions: conditions.map((c) => ({ type: c.type, status: 'True', reason: 'Test', lastUpdateTime: new Date(c.at).toISOString() })),
      ...(certificate ? { certificate } : {}),
    },
  } as CertificateSigningRequest;
}

test('csrExpiresAt: an hour after issue, denial or failure; a day pending; at the certificate\'s expiry', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'skiff-csr-ca-'));
  try {
    ensurePki(dir, ['127.0.0.1']);
    const ca = loadCa(dir);
    const t0 = Date.parse('2026-03-01T10:00:00Z');
    const shortLived = Buffer.from(issueClientCertificate(ca, 'jane', ['devs'], 60).cert).toString('base64');
    const longLived = Buffer.from(issueClientCertificate(ca, 'jane', ['devs'], 10 * 24 * 3600).cert).toString('base64');
    const notAfter = (b64: string): number => Date.parse(new X509Certificate(Buffer.from(b64, 'base64')).validTo);
    const cases: { name: string; csr: CertificateSigningRequest; want: number }[] = [
      { name: 'pending', csr: csr('p', t0), want: t0 + PENDING_TTL_MS },
      { name: 'denied', csr: csr('d', t0, [{ type: 'Denied', at: t0 + 5000 }]), want: t0 + 5000 + DENIED_TTL_MS },
      { name: 'approved, not issued: kept', csr: csr('a', t0, [{ type: 'Approved', at: t0 + 7000 }]), want: Number.POSITIVE_INFINITY },
      { name: 'issued', csr: csr('i', t0, [{ type: 'Approved', at: Date.now() }], longLived), want: Date.now() + ISSUED_TTL_MS },
      { name: 'issued, the certificate expires first', csr: csr('e', t0, [{ type: 'Approved', at: Date.now() }], shortLived), want: notAfter(shortLived) },
      { name: 'approved then failed', csr: csr('f', t0, [{ type: 'Approved', at: t0 }, { type: 'Failed', at: t0 + 2 * HOUR }]), want: t0 + 3 * HOUR },
    ];
    for (const c of cases) {
      const got = csrExpiresAt(c.csr);
      if (Number.isFinite(c.want)) assert.ok(Math.abs(got - c.want) < 2000, `${c.name}: ${new Date(got).toISOString()} vs ${new Date(c.want).toISOString()}`);
      else assert.equal(got, c.want, c.name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

let cluster: TestCluster;
before(async () => {
  cluster = await startTestCluster();
});
after(async () => {
  await cluster.stop();
});

async function createCsr(name: string, decision?: 'Approved' | 'Denied'): Promise<void> {
  const made = await cluster.client.create<CertificateSigningRequest>(certificateSigningRequests, {
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name },
    spec: { request, signerName: 'example.com/nobody', usages: ['client auth'] },
  } as CertificateSigningRequest);
  if (!decision) return;
  await cluster.client.update(certificateSigningRequests, {
    ...made, status: { conditions: [{ type: decision, status: 'True', reason: 'ByTest', message: 'test' }] },
  }, 'approval');
}

const exists = async (name: string): Promise<boolean> =>
  (await cluster.client.list<CertificateSigningRequest>(certificateSigningRequests, undefined)).items.some((c) => c.metadata.name === name);

test('the cleaner deletes each request when its time is up, and not before', async () => {
  const s = suffix();
  const pending = Array.from({ length: randomInt(1, 3) }, (_, i) => `pending-${s}-${i}`);
  const denied = Array.from({ length: randomInt(1, 3) }, (_, i) => `denied-${s}-${i}`);
  const approved = `approved-${s}`;
  for (const n of pending) await createCsr(n);
  for (const n of denied) await createCsr(n, 'Denied');
  await createCsr(approved, 'Approved');
  const all = [...pending, ...denied, approved];

  let offset = 30 * 60 * 1000;
  const cleaner = await runController(cluster, (ctx) => new CsrCleaner(ctx, () => Date.now() + offset));
  try {
    await sleep(600);
    for (const n of all) assert.ok(await exists(n), `${n} kept half an hour on`);
    // The clock moves; a request looked at again (any update) is judged by the new time.
    offset = 2 * HOUR;
    for (const n of all) await cluster.client.patch(certificateSigningRequests, undefined, n, { metadata: { labels: { tick: '1' } } }, 'merge');
    await waitFor('denied requests deleted', async () => (await Promise.all(denied.map(exists))).every((e) => !e) || undefined, 10_000);
    for (const n of [...pending, approved]) assert.ok(await exists(n), `${n} kept two hours on`);
    offset = 25 * HOUR;
    for (const n of [...pending, approved]) await cluster.client.patch(certificateSigningRequests, undefined, n, { metadata: { labels: { tick: '2' } } }, 'merge');
    await waitFor('pending requests deleted', async () => (await Promise.all(pending.map(exists))).every((e) => !e) || undefined, 10_000);
    assert.ok(await exists(approved), 'an approved request without a certificate is kept');
  } finally {
    await cleaner.stop();
  }
});
