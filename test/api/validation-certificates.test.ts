/** CertificateSigningRequest validation and the built-in signers' rules, table-driven. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newCsr, parseCsrPem } from '../../src/api/csr.js';
import { validateObject, validateObjectStatusUpdate } from '../../src/api/validation/index.js';
import { signerRefusal } from '../../src/apiserver/csrsigner.js';
import type { KubeObject } from '../../src/api/types.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const nodeClient = newCsr({ commonName: 'system:node:n1', organizations: ['system:nodes'] }).csrPem;
const nodeServing = newCsr({ commonName: 'system:node:n1', organizations: ['system:nodes'], ips: ['127.0.0.5'], dnsNames: ['n1'] }).csrPem;
const plain = newCsr({ commonName: 'jane', organizations: ['devs'] }).csrPem;

const csr = (spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'c' },
  spec: { request: b64(plain), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], ...spec },
  ...(status ? { status } : {}),
});

test('a request reads back its subject, names and key', () => {
  const p = parseCsrPem(nodeServing);
  assert.ok(!('error' in p));
  assert.equal(p.commonName, 'system:node:n1');
  assert.deepEqual(p.organizations, ['system:nodes']);
  assert.deepEqual(p.ips, ['127.0.0.5']);
  assert.deepEqual(p.dnsNames, ['n1']);
  assert.match(p.publicKeyPem, /BEGIN PUBLIC KEY/);
  const tampered = nodeServing.replace(/\n([A-Za-z0-9+/]{10})/, (_m, s: string) => `\n${s.split('').reverse().join('')}`);
  assert.ok('error' in parseCsrPem(tampered));
});

test('create validation, with Kubernetes\' field paths', () => {
  const cases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
    { name: 'valid', spec: {}, want: [] },
    { name: 'no request', spec: { request: '' }, want: ['spec.request: Required value'] },
    { name: 'not a request', spec: { request: b64('hello') }, want: ['spec.request: Invalid value: []byte{...}: PEM block type must be CERTIFICATE REQUEST'] },
    { name: 'no signer', spec: { signerName: '' }, want: ['spec.signerName: Required value'] },
    { name: 'unqualified signer', spec: { signerName: 'x' }, want: ['spec.signerName: Invalid value: "x": must be a fully qualified domain and path of the form \'example.com/signer-name\''] },
    { name: 'no usages', spec: { usages: [] }, want: ['spec.usages: Required value: usages must be provided'] },
    { name: 'unknown usage', spec: { usages: ['client auth', 'flying'] }, want: ['spec.usages[1]: Unsupported value: "flying"'] },
    { name: 'repeated usage', spec: { usages: ['client auth', 'client auth'] }, want: ['spec.usages[1]: Duplicate value: "client auth"'] },
    { name: 'too short', spec: { expirationSeconds: 599 }, want: ['spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)'] },
  ];
  for (const c of cases) {
    const got = validateObject('CertificateSigningRequest', csr(c.spec)).map((e) => `${e.field}: ${e.detail}`);
    assert.equal(got.length, c.want.length, `${c.name}: ${got.join('; ')}`);
    c.want.forEach((w, i) => assert.ok(got[i]!.startsWith(w), `${c.name}: ${got[i]} !~ ${w}`));
  }
});

test('status validation: approval exclusive and permanent, certificate only once approved', () => {
  const approved = { conditions: [{ type: 'Approved', status: 'True' }] };
  const old = csr({}, approved);
  const cases: { name: string; status: Record<string, unknown>; old?: KubeObject; want: RegExp | undefined }[] = [
    { name: 'approved', status: approved, want: undefined },
    { name: 'approved and denied', status: { conditions: [{ type: 'Approved', status: 'True' }, { type: 'Denied', status: 'True' }] }, want: /mutually exclusive/ },
    { name: 'approval removed', status: { conditions: [] }, old, want: /may not remove a condition of type "Approved"/ },
    { name: 'certificate before approval', status: { certificate: b64('-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n') }, want: /only be set if the Approved condition is present/ },
    { name: 'approved status False', status: { conditions: [{ type: 'Approved', status: 'False' }] }, want: /Unsupported value: "False"/ },
  ];
  for (const c of cases) {
    const next = csr({}, c.status);
    const errs = validateObjectStatusUpdate('CertificateSigningRequest', next, c.old ?? csr({})).map((e) => e.detail).join('; ');
    if (c.want) assert.match(errs, c.want, c.name);
    else assert.equal(errs, '', c.name);
  }
});

test('the built-in signers sign only what they are for', () => {
  const parsed = (pem: string) => {
    const p = parseCsrPem(pem);
    assert.ok(!('error' in p));
    return p;
  };
  const cases: { signer: string; pem: string; usages: string[]; want: RegExp | undefined }[] = [
    { signer: 'kubernetes.io/kube-apiserver-client-kubelet', pem: nodeClient, usages: ['digital signature', 'key encipherment', 'client auth'], want: undefined },
    { signer: 'kubernetes.io/kube-apiserver-client-kubelet', pem: plain, usages: ['client auth'], want: /organization must be exactly \["system:nodes"\]/ },
    { signer: 'kubernetes.io/kube-apiserver-client-kubelet', pem: nodeServing, usages: ['client auth'], want: /subject alternative names are not allowed/ },
    { signer: 'kubernetes.io/kube-apiserver-client-kubelet', pem: nodeClient, usages: ['server auth'], want: /not allowed by this signer: server auth/ },
    { signer: 'kubernetes.io/kubelet-serving', pem: nodeServing, usages: ['key encipherment', 'server auth'], want: undefined },
    { signer: 'kubernetes.io/kubelet-serving', pem: nodeClient, usages: ['server auth'], want: /at least one DNS or IP/ },
    { signer: 'kubernetes.io/kubelet-serving', pem: nodeServing, usages: ['client auth'], want: /not allowed by this signer: client auth/ },
    { signer: 'kubernetes.io/kube-apiserver-client', pem: plain, usages: ['client auth'], want: undefined },
    { signer: 'kubernetes.io/kube-apiserver-client', pem: plain, usages: ['digital signature'], want: /must include "client auth"/ },
    { signer: 'example.com/other', pem: plain, usages: ['client auth'], want: /unknown signer/ },
  ];
  for (const c of cases) {
    const got = signerRefusal(c.signer, parsed(c.pem), c.usages);
    if (c.want) assert.match(got ?? '', c.want, `${c.signer} ${c.usages.join(',')}`);
    else assert.equal(got, undefined, `${c.signer}: ${got}`);
  }
});
