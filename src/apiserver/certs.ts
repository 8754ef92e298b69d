/**
 * Certificates the cluster CA issues besides the API server's own: client certificates (CN the
 * user, O the groups — how kube-apiserver reads an X.509 identity), node serving certificates and
 * whatever the CSR signer approves. Only the control plane holds the CA's key (DATA_DIR/pki).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

export interface ClusterCa {
  readonly certPem: string;
  readonly cert: forge.pki.Certificate;
  readonly key: forge.pki.PrivateKey;
}

/** The CA `ensurePki` created in `pkiDir`. */
export function loadCa(pkiDir: string): ClusterCa {
  const certPem = readFileSync(path.join(pkiDir, 'ca.crt'), 'utf8');
  return {
    certPem,
    cert: forge.pki.certificateFromPem(certPem),
    key: forge.pki.privateKeyFromPem(readFileSync(path.join(pkiDir, 'ca.key'), 'utf8')),
  };
}

export type CertUsage = 'client' | 'server';

export interface CertRequest {
  readonly commonName: string;
  readonly organizations?: readonly string[];
  /** PEM of the subject's public key (SPKI). */
  readonly publicKeyPem: string;
  readonly usages: readonly CertUsage[];
  readonly dnsNames?: readonly string[];
  readonly ips?: readonly string[];
  /** Default one year, as kube-controller-manager's `--cluster-signing-duration`. */
  readonly validSeconds?: number;
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

/** A certificate for `req`, signed by `ca`, as PEM. */
export function issueCertificate(ca: ClusterCa, req: CertRequest): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(req.publicKeyPem);
  cert.serialNumber = serial();
  const now = Date.now();
  // Backdated a little, as Kubernetes' signer does, for clocks that differ by a few minutes.
  cert.validity.notBefore = new Date(now - 5 * 60 * 1000);
  const notAfter = now + (req.validSeconds ?? 365 * 24 * 3600) * 1000;
  cert.validity.notAfter = new Date(Math.min(notAfter, ca.cert.validity.notAfter.getTime()));
  cert.setSubject([
    ...(req.organizations ?? []).map((value) => ({ name: 'organizationName', value })),
    { name: 'commonName', value: req.commonName },
  ]);
  cert.setIssuer(ca.cert.subject.attributes);
  const sans = [...(req.dnsNames ?? []).map((value) => ({ type: 2, value })), ...(req.ips ?? []).map((ip) => ({ type: 7, ip }))];
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: req.usages.includes('client'), serverAuth: req.usages.includes('server') },
    ...(sans.length ? [{ name: 'subjectAltName', altNames: sans }] : []),
  ]);
  cert.sign(ca.key as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

export interface KeyAndCert {
  readonly key: string;
  readonly cert: string;
}

/** A fresh key, PEM PKCS#8 and SPKI. RSA (kubelet makes ECDSA keys): node-forge, which
 * builds the certificates, reads RSA public keys only. */
export function newKey(): { keyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A new key and a client certificate for `user` in `groups`. */
export function issueClientCertificate(ca: ClusterCa, user: string, groups: readonly string[], validSeconds?: number): KeyAndCert {
  const { keyPem, publicKeyPem } = newKey();
  const cert = issueCertificate(ca, { commonName: user, organizations: groups, publicKeyPem, usages: ['client'], ...(validSeconds ? { validSeconds } : {}) });
  return { key: keyPem, cert };
}

/** A node's serving certificate for its endpoint, as the kubelet-serving signer would issue it
 * (`skiff up`'s own nodes get theirs straight from the CA they share a process with). */
export function issueNodeServingCertificate(ca: ClusterCa, nodeName: string, addresses: readonly string[]): KeyAndCert {
  const { keyPem, publicKeyPem } = newKey();
  const ips = addresses.filter((a) => /^[0-9.]+$/.test(a) || a.includes(':'));
  const dnsNames = [nodeName, ...addresses.filter((a) => !ips.includes(a))];
  const cert = issueCertificate(ca, { commonName: `system:node:${nodeName}`, organizations: ['system:nodes'], publicKeyPem, usages: ['server'], ips, dnsNames });
  return { key: keyPem, cert };
}
