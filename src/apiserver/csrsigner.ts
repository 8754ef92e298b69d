/**
 * The cluster CA's CSR signer (kube-controller-manager's csrsigning controllers): the built-in
 * signers' rules on what they will sign, and the certificate issued for an approved request.
 * Runs where the CA's key is (the control plane); the controller that calls it is an API client.
 */
import type { CertificateSigningRequest } from '../api/kinds.js';
import { KUBE_APISERVER_CLIENT_SIGNER, KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER, NODE_USER_PREFIX, NODES_GROUP } from '../api/kinds.js';
import { parseCsrPem, type ParsedCsr } from '../api/csr.js';
import { issueCertificate, type CertUsage, type ClusterCa } from './certs.js';

export const SIGNERS = [KUBE_APISERVER_CLIENT_SIGNER, KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER] as const;

export type SignResult = { certificate: string } | { failed: string };

/** `--cluster-signing-duration`: one year. */
const MAX_SECONDS = 365 * 24 * 3600;

function usagesWithin(usages: readonly string[], allowed: readonly string[], needed: string): string | undefined {
  const bad = usages.filter((u) => !allowed.includes(u));
  if (bad.length) return `usages not allowed by this signer: ${bad.join(', ')}`;
  if (!usages.includes(needed)) return `usages must include "${needed}"`;
  return undefined;
}

function nodeSubject(p: ParsedCsr): string | undefined {
  if (p.organizations.length !== 1 || p.organizations[0] !== NODES_GROUP) return `subject organization must be exactly ["${NODES_GROUP}"]`;
  if (!p.commonName.startsWith(NODE_USER_PREFIX) || p.commonName.length === NODE_USER_PREFIX.length) return `subject common name must begin with "${NODE_USER_PREFIX}"`;
  return undefined;
}

/** Why `signer` refuses the request, or undefined (Kubernetes' per-signer validation). */
export function signerRefusal(signer: string, p: ParsedCsr, usages: readonly string[]): string | undefined {
  switch (signer) {
    case KUBELET_CLIENT_SIGNER:
      if (p.dnsNames.length || p.ips.length || p.emails.length || p.uris.length) return 'subject alternative names are not allowed';
      return nodeSubject(p) ?? usagesWithin(usages, ['digital signature', 'key encipherment', 'client auth'], 'client auth');
    case KUBELET_SERVING_SIGNER:
      if (p.emails.length || p.uris.length) return 'email and URI subject alternative names are not allowed';
      if (!p.dnsNames.length && !p.ips.length) return 'at least one DNS or IP subject alternative name is required';
      return nodeSubject(p) ?? usagesWithin(usages, ['digital signature', 'key encipherment', 'server auth'], 'server auth');
    case KUBE_APISERVER_CLIENT_SIGNER:
      return usagesWithin(usages, ['digital signature', 'key encipherment', 'client auth'], 'client auth');
    default:
      return `unknown signer ${signer}`;
  }
}

/** The certificate for an approved request, or why it cannot be issued. */
export function signCsr(ca: ClusterCa, csr: CertificateSigningRequest): SignResult {
  const parsed = parseCsrPem(Buffer.from(csr.spec.request ?? '', 'base64').toString('utf8'));
  if ('error' in parsed) return { failed: parsed.error };
  const usages = csr.spec.usages ?? [];
  const refusal = signerRefusal(csr.spec.signerName, parsed, usages);
  if (refusal) return { failed: refusal };
  const certUsages: CertUsage[] = [...(usages.includes('client auth') ? ['client' as const] : []), ...(usages.includes('server auth') ? ['server' as const] : [])];
  const pem = issueCertificate(ca, {
    commonName: parsed.commonName,
    organizations: parsed.organizations,
    publicKeyPem: parsed.publicKeyPem,
    usages: certUsages,
    dnsNames: parsed.dnsNames,
    ips: parsed.ips,
    validSeconds: Math.min(csr.spec.expirationSeconds ?? MAX_SECONDS, MAX_SECONDS),
  });
  return { certificate: pem };
}
