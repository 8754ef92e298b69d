/**
 * When the CSR cleaner (kube-controller-manager's csrcleaner) deletes a CertificateSigningRequest:
 * an hour after it was approved and issued, denied, or failed; a day after it was created while
 * still pending; and as soon as the certificate it holds has expired. Requests pile up otherwise,
 * one per node per rotation.
 */
import { X509Certificate } from 'node:crypto';
import type { CertificateSigningRequest } from '../../api/kinds.js';

export const ISSUED_TTL_MS = 60 * 60 * 1000;
export const DENIED_TTL_MS = 60 * 60 * 1000;
export const FAILED_TTL_MS = 60 * 60 * 1000;
export const PENDING_TTL_MS = 24 * 60 * 60 * 1000;

function conditionTime(csr: CertificateSigningRequest, type: string): number | undefined {
  const c = (csr.status?.conditions ?? []).find((x) => x.type === type && x.status === 'True');
  if (!c) return undefined;
  const t = Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? csr.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/** The expiry of the PEM certificate issued (undefined when it cannot be read). */
function certificateNotAfter(certificate: string): number | undefined {
  try {
    return Date.parse(new X509Certificate(Buffer.from(certificate, 'base64')).validTo);
  } catch {
    return undefined;
  }
}

/** The moment the cleaner deletes `csr` (possibly already past). */
export function csrExpiresAt(csr: CertificateSigningRequest): number {
  const deadlines: number[] = [];
  const denied = conditionTime(csr, 'Denied');
  if (denied !== undefined) deadlines.push(denied + DENIED_TTL_MS);
  const failed = conditionTime(csr, 'Failed');
  if (failed !== undefined) deadlines.push(failed + FAILED_TTL_MS);
  const approved = conditionTime(csr, 'Approved');
  if (approved !== undefined && csr.status?.certificate) {
    deadlines.push(approved + ISSUED_TTL_MS);
    const notAfter = certificateNotAfter(csr.status.certificate);
    if (notAfter !== undefined && !Number.isNaN(notAfter)) deadlines.push(notAfter);
  }
  if (denied === undefined && failed === undefined && approved === undefined) {
    deadlines.push(Date.parse(csr.metadata.creationTimestamp ?? '') + PENDING_TTL_MS);
  }
  const valid = deadlines.filter((d) => !Number.isNaN(d));
  return valid.length ? Math.min(...valid) : Number.POSITIVE_INFINITY;
}
