/** Reading a CSR's state the way the approver and the signer both need it. */
import type { CertificateSigningRequest } from '../../api/kinds.js';

export function hasCondition(csr: CertificateSigningRequest, type: string): boolean {
  return (csr.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

export const isApproved = (csr: CertificateSigningRequest) => hasCondition(csr, 'Approved');
export const isDenied = (csr: CertificateSigningRequest) => hasCondition(csr, 'Denied');
export const isFailed = (csr: CertificateSigningRequest) => hasCondition(csr, 'Failed');
