/**
 * Who may approve or deny a CSR (Kubernetes' CertificateApproval admission): besides `update` on
 * `certificatesigningrequests/approval`, `approve` on `certificates.k8s.io/signers` named for the
 * request's signer (or `DOMAIN/*` for every signer of that domain).
 */
import type { CertificateSigningRequest } from '../../api/kinds.js';
import { ForbiddenError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import type { Attributes } from './attributes.js';
import { requestUser } from './context.js';

export function approverCheck(allowed: (a: Attributes) => boolean): (csr: KubeObject) => void {
  return (obj) => {
    const user = requestUser();
    if (!user) return; // the server's own change
    const signer = (obj as CertificateSigningRequest).spec?.signerName ?? '';
    const ask = (name: string): boolean => allowed({
      user, resourceRequest: true, verb: 'approve', namespace: '', group: 'certificates.k8s.io', version: '*', resource: 'signers', subresource: '', name,
    });
    if (ask(signer) || ask(`${signer.split('/')[0]}/*`)) return;
    throw new ForbiddenError(`certificatesigningrequests.certificates.k8s.io "${obj.metadata.name ?? ''}" is forbidden: user not permitted to approve requests with signerName "${signer}"`, {
      name: obj.metadata.name ?? '', group: 'certificates.k8s.io', kind: 'certificatesigningrequests',
    });
  };
}
