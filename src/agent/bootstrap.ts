/**
 * TLS bootstrapping as kubelet does it: with the join (bootstrap) token the node asks for a
 * client certificate — a CertificateSigningRequest for `system:node:NAME` in `system:nodes` from
 * the `kube-apiserver-client-kubelet` signer — waits until the approver and signer have answered,
 * and from then on talks to the API server as itself. The key never leaves the node; the
 * certificate is kept beside it and reused while it has more than a tenth of its life left.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { X509Certificate, randomBytes } from 'node:crypto';
import path from 'node:path';
import { newCsr } from '../api/csr.js';
import type { CertificateSigningRequest } from '../api/kinds.js';
import { KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER, NODE_USER_PREFIX, NODES_GROUP } from '../api/kinds.js';
import { certificateSigningRequests } from '../api/resources.js';
import { RestClient } from '../client/rest.js';
import type { Logger } from '../util/log.js';

export interface BootstrapOptions {
  readonly server: string;
  readonly ca: string;
  /** The join token (group system:bootstrappers): good only for asking. */
  readonly token: string;
  readonly nodeName: string;
  /** Where `kubelet-client.crt` and `.key` live. */
  readonly dir: string;
  readonly log?: Logger;
  /** How long to wait for approval and signing (default 10 minutes). */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
}

export interface ClientCredentials {
  readonly cert: string;
  readonly key: string;
}

/** Whether `certPem` names `user` and has more than a tenth of its validity left. */
export function usableCertificate(certPem: string, user: string): boolean {
  try {
    const c = new X509Certificate(certPem);
    const from = Date.parse(c.validFrom);
    const to = Date.parse(c.validTo);
    return /(^|\n)CN=([^\n]*)/.exec(c.subject)?.[2] === user && Date.now() < to - (to - from) / 10;
  } catch {
    return false;
  }
}

function writePrivate(file: string, data: string): void {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}

/** The node's client certificate and key: the kept ones, or new ones through a CSR. */
export async function nodeClientCredentials(o: BootstrapOptions): Promise<ClientCredentials> {
  const user = `${NODE_USER_PREFIX}${o.nodeName}`;
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const certFile = path.join(o.dir, 'kubelet-client.crt');
  const keyFile = path.join(o.dir, 'kubelet-client.key');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, 'utf8');
    if (usableCertificate(cert, user)) return { cert, key: readFileSync(keyFile, 'utf8') };
  }
  const { keyPem, csrPem } = newCsr({ commonName: user, organizations: [NODES_GROUP] });
  const client = new RestClient({ server: o.server, ca: o.ca, token: o.token });
  try {
    const cert = await requestCertificate(client, csrPem, KUBELET_CLIENT_SIGNER, ['digital signature', 'key encipherment', 'client auth'], o);
    writePrivate(keyFile, keyPem);
    writePrivate(certFile, cert);
    return { cert, key: keyPem };
  } finally {
    client.close();
  }
}

/** Creates a CSR and waits until it is issued (or refused, or the wait runs out). */
async function requestCertificate(client: RestClient, csrPem: string, signerName: string, usages: string[], o: { log?: Logger; timeoutMs?: number; pollMs?: number }): Promise<string> {
  const created = await client.create<CertificateSigningRequest>(certificateSigningRequests, {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { generateName: 'node-csr-' },
    spec: { request: Buffer.from(csrPem).toString('base64'), signerName, usages },
  });
  const name = created.metadata.name ?? '';
  o.log?.info({ csr: name, signerName }, 'waiting for the certificate to be approved and issued');
  const deadline = Date.now() + (o.timeoutMs ?? 10 * 60_000);
  for (;;) {
    const csr = await client.get<CertificateSigningRequest>(certificateSigningRequests, undefined, name);
    const refused = (csr.status?.conditions ?? []).find((c) => (c.type === 'Denied' || c.type === 'Failed') && c.status === 'True');
    if (refused) throw new Error(`certificate signing request ${name} was ${refused.type.toLowerCase()}: ${refused.message ?? refused.reason ?? ''}`);
    if (csr.status?.certificate) return Buffer.from(csr.status.certificate, 'base64').toString('utf8');
    if (Date.now() > deadline) throw new Error(`certificate signing request ${name} was not approved and signed in time (approve it with: kubectl certificate approve ${name})`);
    await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
  }
}

/** Whether `certPem` is usable and names every one of `addresses` (IP or DNS). */
function covers(certPem: string, user: string, addresses: readonly string[]): boolean {
  if (!usableCertificate(certPem, user)) return false;
  const san = new X509Certificate(certPem).subjectAltName ?? '';
  return addresses.every((a) => san.includes(`IP Address:${a}`) || san.includes(`DNS:${a}`));
}

/** The node endpoint's serving certificate: the kept one while it covers the node's addresses,
 * or a new one from the kubelet-serving signer, asked for as the node itself. */
export async function nodeServingCredentials(o: { client: RestClient; nodeName: string; addresses: readonly string[]; dir: string; log?: Logger; timeoutMs?: number }): Promise<ClientCredentials> {
  const user = `${NODE_USER_PREFIX}${o.nodeName}`;
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const certFile = path.join(o.dir, 'kubelet-server.crt');
  const keyFile = path.join(o.dir, 'kubelet-server.key');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const cert = readFileSync(certFile, 'utf8');
    if (covers(cert, user, [...o.addresses, o.nodeName])) return { cert, key: readFileSync(keyFile, 'utf8') };
  }
  const ips = o.addresses.filter((a) => /^[0-9.]+$/.test(a) || a.includes(':'));
  const { keyPem, csrPem } = newCsr({ commonName: user, organizations: [NODES_GROUP], ips, dnsNames: [o.nodeName, ...o.addresses.filter((a) => !ips.includes(a))] });
  const cert = await requestCertificate(o.client, csrPem, KUBELET_SERVING_SIGNER, ['digital signature', 'key encipherment', 'server auth'], o);
  writePrivate(keyFile, keyPem);
  writePrivate(certFile, cert);
  return { cert, key: keyPem };
}
