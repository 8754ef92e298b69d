/** certificates.k8s.io/v1 messages (grammar in dsl.ts): what `kubectl certificate approve|deny`
 * and `kubectl create -f csr.yaml` send. The spec's `extra` (field 6) is not decoded: it is
 * server-set and no kubectl command carries a value in it. */
import type { MessageTable } from './dsl.js';

export const certificateMessages: MessageTable = {
  CertificateSigningRequestSpec: 'request=1:y username=2 uid=3 groups=4* usages=5* signerName=7 expirationSeconds=8:i32?',
  CertificateSigningRequestCondition: 'type=1 reason=2 message=3 lastUpdateTime=4:Time lastTransitionTime=5:Time status=6',
  CertificateSigningRequestStatus: 'conditions=1:CertificateSigningRequestCondition* certificate=2:y',
  CertificateSigningRequest: 'metadata=1:ObjectMeta spec=2:CertificateSigningRequestSpec status=3:CertificateSigningRequestStatus',
};
