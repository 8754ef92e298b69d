/** The CertificateSigningRequest table as kubectl prints it: signer, requestor, requested
 * duration and the condition summary (`Approved,Issued`, `Pending`, …). */
import type { CertificateSigningRequest } from '../../api/kinds.js';
import type { TablePrinter } from './index.js';
import { humanDuration, since } from './age.js';
import { ageColumn, column, nameColumn } from './format.js';

/** Kubernetes' extractCSRStatus: the conditions in order, `Issued` once a certificate is there. */
export function csrCondition(csr: CertificateSigningRequest): string {
  const types = (csr.status?.conditions ?? []).map((c) => c.type);
  if (types.length === 0) types.push('Pending');
  if (csr.status?.certificate) types.push('Issued');
  return types.join(',');
}

export const csrPrinter: TablePrinter = {
  columns: [
    nameColumn,
    ageColumn,
    column('SignerName', 'string', 'Name of the signer the request is for.'),
    column('Requestor', 'string', 'Who created the request.'),
    column('RequestedDuration', 'string', 'The requested validity of the certificate.'),
    column('Condition', 'string', 'The state of the request.'),
  ],
  cells(o, now) {
    const csr = o as CertificateSigningRequest;
    const d = csr.spec?.expirationSeconds;
    return [o.metadata.name ?? '', since(o.metadata.creationTimestamp, now), csr.spec?.signerName ?? '', csr.spec?.username ?? '', d ? humanDuration(d * 1000) : '<none>', csrCondition(csr)];
  },
};
