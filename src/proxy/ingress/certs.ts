/**
 * The certificates the ingress controller serves over TLS: for a server name (SNI) that an
 * Ingress' `tls` entry lists (exactly or by `*.` wildcard), the certificate of its Secret
 * (type kubernetes.io/tls, `tls.crt` and `tls.key`); for any other name, or a Secret that is
 * missing or not a usable key pair, a self-signed default certificate, as ingress-nginx serves its
 * "Fake Certificate". Secure contexts are cached by the Secret's resourceVersion.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import tls from 'node:tls';
import forge from 'node-forge';
import type { Ingress, Secret } from '../../api/kinds.js';
import type { Informer } from '../../client/informer.js';
import type { Logger } from '../../util/log.js';
import { hostOnly, wildcardCovers } from './routes.js';

export const DEFAULT_CERT_CN = 'skiff Ingress Controller Fake Certificate';

/** A self-signed certificate for the names nothing else covers (a year's validity). */
export function selfSignedCertificate(commonName = DEFAULT_CERT_CN, dnsNames: readonly string[] = ['ingress.local']): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3_600_000);
  const attrs = [{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'skiff' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: dnsNames.map((value) => ({ type: 2, value })) },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(key), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key };
}

export class CertificateStore {
  private readonly contexts = new Map<string, { version: string; context: tls.SecureContext | undefined }>();
  readonly defaultCertificate = selfSignedCertificate();
  private readonly defaultContext = tls.createSecureContext(this.defaultCertificate);

  constructor(
    private readonly ingresses: () => readonly Ingress[],
    private readonly secrets: Informer<Secret>,
    private readonly log: Logger,
  ) {}

  /** The context for a TLS server name (SNI); the default one when no Ingress covers it. */
  contextFor(serverName: string | undefined): tls.SecureContext {
    const host = hostOnly(serverName);
    if (host) {
      for (const ing of this.ingresses()) {
        for (const t of ing.spec?.tls ?? []) {
          if (!t.secretName) continue;
          const covers = (t.hosts ?? []).some((h) => h.toLowerCase() === host || wildcardCovers(h.toLowerCase(), host));
          if (!covers) continue;
          const ctx = this.secretContext(ing.metadata.namespace ?? 'default', t.secretName);
          if (ctx) return ctx;
        }
      }
    }
    return this.defaultContext;
  }

  private secretContext(namespace: string, name: string): tls.SecureContext | undefined {
    const key = `${namespace}/${name}`;
    const secret = this.secrets.get(key);
    if (!secret) return undefined;
    const version = secret.metadata.resourceVersion ?? '';
    const cached = this.contexts.get(key);
    if (cached?.version === version) return cached.context;
    let context: tls.SecureContext | undefined;
    const crt = secret.data?.['tls.crt'];
    const pem = secret.data?.['tls.key'];
    if (secret.type === 'kubernetes.io/tls' && crt && pem) {
      try {
        context = tls.createSecureContext({ cert: Buffer.from(crt, 'base64'), key: Buffer.from(pem, 'base64') });
      } catch (err) {
        this.log.warn({ secret: key, err: err instanceof Error ? err.message : String(err) }, 'ingress TLS secret is not a usable key pair; serving the default certificate');
      }
    }
    this.contexts.set(key, { version, context });
    return context;
  }
}
