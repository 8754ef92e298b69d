/** certificates.k8s.io/v1 CertificateSigningRequest: a PKCS#10 request, its approval and the issued certificate. */
import { bytes, defs, int, keyedList, kindObject, listOf, mapOf, obj, ref, str, strList, time, type Definitions } from './dsl.js';

export const certificateDefinitions: Definitions = {
  ...defs('certs', {
    CertificateSigningRequest: kindObject('A request for a certificate from a named signer, approved or denied, then signed.', {
      spec: ref('certs.CertificateSigningRequestSpec', 'The request; immutable once created.'),
      status: ref('certs.CertificateSigningRequestStatus', 'The approval conditions and the issued certificate.'),
    }),
    CertificateSigningRequestList: listOf('certs.CertificateSigningRequest', 'certificate signing requests'),
    CertificateSigningRequestSpec: obj({
      request: bytes('The PEM-encoded PKCS#10 CERTIFICATE REQUEST (base64 in JSON).'),
      signerName: str('The signer asked: `kubernetes.io/kube-apiserver-client`, `kubernetes.io/kube-apiserver-client-kubelet`, `kubernetes.io/kubelet-serving`, or another.'),
      expirationSeconds: int('The requested validity of the certificate (at least 600).'),
      usages: strList('Key usages asked for (`digital signature`, `key encipherment`, `client auth`, `server auth`, …).'),
      username: str('Who created the request; set by the server.'),
      uid: str('The uid of who created the request; set by the server.'),
      groups: strList('The groups of who created the request; set by the server.'),
      extra: mapOf(strList(), 'Extra attributes of who created the request; set by the server.'),
    }, 'The certificate request.', ['request', 'signerName']),
    CertificateSigningRequestStatus: obj({
      conditions: keyedList(ref('certs.CertificateSigningRequestCondition'), 'type', 'Approved, Denied and Failed.'),
      certificate: bytes('The issued certificate, PEM (base64 in JSON); set by the signer.'),
    }, 'The state of a certificate request.'),
    CertificateSigningRequestCondition: obj({
      type: str('`Approved`, `Denied` or `Failed`.'),
      status: str('`True`, `False` or `Unknown`.'),
      reason: str('A brief reason.'),
      message: str('A human-readable explanation.'),
      lastUpdateTime: time('When the condition was last updated.'),
      lastTransitionTime: time('When the condition last changed status.'),
    }, 'One condition of a certificate request.', ['type', 'status']),
  }),
};
