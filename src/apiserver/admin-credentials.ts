/**
 * The admin's client certificate (CN admin, O system:masters), kept in DATA_DIR/pki beside the CA
 * and reused while it has more than a month to run, so the kubeconfig `skiff up` rewrites at each
 * start keeps naming the same key.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { issueClientCertificate, loadCa, type KeyAndCert } from './certs.js';
import { MASTERS } from './auth/user.js';

const MONTH_MS = 30 * 24 * 3600 * 1000;

/** Whether the PEM certificate is valid for at least `ms` more. */
export function validFor(certPem: string, ms: number): boolean {
  try {
    return forge.pki.certificateFromPem(certPem).validity.notAfter.getTime() > Date.now() + ms;
  } catch {
    return false;
  }
}

export function adminCredentials(pkiDir: string): KeyAndCert {
  return keptClientCredentials(pkiDir, 'admin', 'admin', [MASTERS]);
}

/** The user the API server is to nodes' endpoints (kubeadm's apiserver-kubelet-client): bound to
 * `system:kubelet-api-admin`, which the endpoints' SubjectAccessReviews consult. */
export const KUBELET_CLIENT_USER = 'kube-apiserver-kubelet-client';

export function kubeletClientCredentials(pkiDir: string): KeyAndCert {
  return keptClientCredentials(pkiDir, 'apiserver-kubelet-client', KUBELET_CLIENT_USER, []);
}

/** A client certificate kept as `pkiDir/BASE.crt` and `.key`, renewed within a month of its end. */
function keptClientCredentials(pkiDir: string, base: string, user: string, groups: readonly string[]): KeyAndCert {
  const certPath = path.join(pkiDir, `${base}.crt`);
  const keyPath = path.join(pkiDir, `${base}.key`);
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, 'utf8');
    if (validFor(cert, MONTH_MS)) return { cert, key: readFileSync(keyPath, 'utf8') };
  }
  const issued = issueClientCertificate(loadCa(pkiDir), user, groups);
  writeFileSync(keyPath, issued.key, { mode: 0o600 });
  writeFileSync(certPath, issued.cert, { mode: 0o600 });
  return issued;
}
