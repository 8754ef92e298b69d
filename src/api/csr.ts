/**
 * Reading a PKCS#10 certificate request (a CertificateSigningRequest's `spec.request`): its
 * subject, the names it asks for and its public key, once its own signature checks out. RSA keys
 * only: node-forge, which skiff signs certificates with, reads no other public keys.
 */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface ParsedCsr {
  readonly commonName: string;
  readonly organizations: readonly string[];
  readonly dnsNames: readonly string[];
  readonly ips: readonly string[];
  readonly emails: readonly string[];
  readonly uris: readonly string[];
  /** SPKI PEM of the requested key. */
  readonly publicKeyPem: string;
}

interface AltName { type: number; value?: string; ip?: string }

/** The request in `pem`, or why it cannot be used. */
export function parseCsrPem(pem: string): ParsedCsr | { error: string } {
  const blocks = pem.match(/-----BEGIN ([A-Z ]+)-----/g) ?? [];
  if (blocks.length !== 1 || !/CERTIFICATE REQUEST/.test(blocks[0]!)) return { error: 'PEM block type must be CERTIFICATE REQUEST' };
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromPem(pem.replace('NEW CERTIFICATE REQUEST', 'CERTIFICATE REQUEST').replace('NEW CERTIFICATE REQUEST', 'CERTIFICATE REQUEST'));
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { error: /not RSA/i.test(msg) ? 'only RSA keys are supported by this server\'s signer' : `cannot parse the certificate request: ${msg}` };
  }
  try {
    if (!csr.verify()) return { error: 'the certificate request\'s signature does not verify' };
  } catch {
    return { error: 'the certificate request\'s signature does not verify' };
  }
  const attrs = csr.subject.attributes as { shortName?: string; name?: string; value?: unknown }[];
  const field = (short: string) => attrs.filter((a) => a.shortName === short).map((a) => String(a.value));
  const ext = (csr.getAttribute({ name: 'extensionRequest' }) as { extensions?: { name?: string; altNames?: AltName[] }[] } | null)?.extensions ?? [];
  const alt = ext.find((e) => e.name === 'subjectAltName')?.altNames ?? [];
  const of = (type: number) => alt.filter((a) => a.type === type).map((a) => (type === 7 ? a.ip : a.value) ?? '');
  return {
    commonName: field('CN')[0] ?? '',
    organizations: field('O'),
    dnsNames: of(2),
    ips: of(7),
    emails: of(1),
    uris: of(6),
    publicKeyPem: forge.pki.publicKeyToPem(csr.publicKey as forge.pki.rsa.PublicKey),
  };
}

/** A new RSA key (PKCS#8 PEM) and a PEM request for it, as kubelet makes for its bootstrap. */
export function newCsr(subject: { commonName: string; organizations?: readonly string[]; dnsNames?: readonly string[]; ips?: readonly string[] }): { keyPem: string; csrPem: string } {
  // Node's crypto makes the key (fast); forge builds and signs the request.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  csr.setSubject([
    ...(subject.organizations ?? []).map((value) => ({ shortName: 'O', value })),
    { shortName: 'CN', value: subject.commonName },
  ]);
  const altNames = [...(subject.dnsNames ?? []).map((value) => ({ type: 2, value })), ...(subject.ips ?? []).map((ip) => ({ type: 7, ip }))];
  if (altNames.length) csr.setAttributes([{ name: 'extensionRequest', extensions: [{ name: 'subjectAltName', altNames }] }]);
  csr.sign(forge.pki.privateKeyFromPem(pkcs1) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), csrPem: forge.pki.certificationRequestToPem(csr) };
}
