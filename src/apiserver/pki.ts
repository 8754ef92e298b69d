/**
 * The cluster's certificate authority and the API server's serving certificate, generated into
 * the data dir on first start and reused afterwards. Keys come from Node's crypto (fast); the
 * certificates are built and signed with node-forge.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { tightenTree } from '../util/private-files.js';

export interface ServingPki {
  readonly caCert: string;
  readonly cert: string;
  readonly key: string;
}

function newKeyPair(): { privatePem: string; forgePrivate: forge.pki.PrivateKey; forgePublic: forge.pki.PublicKey } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privatePem, forgePrivate: forge.pki.privateKeyFromPem(privatePem), forgePublic: forge.pki.publicKeyFromPem(publicPem) };
}

function serial(): string {
  // Positive, 16 bytes: the top bit cleared so DER does not read it as negative.
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f;
  return b.toString('hex');
}

function validity(cert: forge.pki.Certificate, years: number): void {
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + years * 365 * 24 * 60 * 60 * 1000);
}

/** Every address this machine answers on, plus the names clients use for it. */
export function localSubjectAltNames(extra: readonly string[] = []): { dns: string[]; ips: string[] } {
  const dns = new Set(['localhost', os.hostname(), 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc']);
  const ips = new Set(['127.0.0.1', '::1']);
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) ips.add(a.address);
  for (const e of extra) {
    if (/^[0-9.]+$/.test(e) || e.includes(':')) ips.add(e);
    else if (e) dns.add(e);
  }
  return { dns: [...dns], ips: [...ips] };
}

/** Loads the PKI from `dir`, creating what is missing. The serving certificate is re-issued when
 * it does not cover `hosts`. */
export function ensurePki(dir: string, hosts: readonly string[]): ServingPki {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Keys are 0600 when written, but a dir from an older skiff (or a loose umask) is tightened.
  tightenTree(dir);
  const caCertPath = path.join(dir, 'ca.crt');
  const caKeyPath = path.join(dir, 'ca.key');
  if (!existsSync(caCertPath) || !existsSync(caKeyPath)) {
    const kp = newKeyPair();
    const ca = forge.pki.createCertificate();
    ca.publicKey = kp.forgePublic;
    ca.serialNumber = serial();
    validity(ca, 10);
    const subject = [{ name: 'commonName', value: 'skiff-ca' }];
    ca.setSubject(subject);
    ca.setIssuer(subject);
    ca.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    ca.sign(kp.forgePrivate as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
    writeFileSync(caKeyPath, kp.privatePem, { mode: 0o600 });
    writeFileSync(caCertPath, forge.pki.certificateToPem(ca), { mode: 0o600 });
  }
  const caCertPem = readFileSync(caCertPath, 'utf8');
  const certPath = path.join(dir, 'apiserver.crt');
  const keyPath = path.join(dir, 'apiserver.key');
  const sans = localSubjectAltNames(hosts);
  if (existsSync(certPath) && existsSync(keyPath) && covers(readFileSync(certPath, 'utf8'), sans)) {
    return { caCert: caCertPem, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
  }
  const ca = forge.pki.certificateFromPem(caCertPem);
  const caKey = forge.pki.privateKeyFromPem(readFileSync(caKeyPath, 'utf8'));
  const kp = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = kp.forgePublic;
  cert.serialNumber = serial();
  validity(cert, 5);
  cert.setSubject([{ name: 'commonName', value: 'skiff-apiserver' }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...sans.dns.map((value) => ({ type: 2, value })), ...sans.ips.map((ip) => ({ type: 7, ip }))] },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  writeFileSync(keyPath, kp.privatePem, { mode: 0o600 });
  writeFileSync(certPath, certPem, { mode: 0o600 });
  tightenTree(dir);
  return { caCert: caCertPem, cert: certPem, key: kp.privatePem };
}

function covers(certPem: string, sans: { dns: string[]; ips: string[] }): boolean {
  try {
    const cert = forge.pki.certificateFromPem(certPem);
    if (cert.validity.notAfter.getTime() < Date.now() + 24 * 3600 * 1000) return false;
    const ext = cert.getExtension('subjectAltName') as { altNames?: { type: number; value?: string; ip?: string }[] } | undefined;
    const have = new Set((ext?.altNames ?? []).map((a) => a.ip ?? a.value ?? ''));
    return [...sans.dns, ...sans.ips.filter((ip) => !ip.includes(':'))].every((n) => have.has(n));
  } catch {
    return false;
  }
}
