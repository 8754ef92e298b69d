/** Kubeconfigs the server writes: server URL, CA, and a client certificate (or a bearer token). */
import { writeFileSync, renameSync } from 'node:fs';
import { stringify } from 'yaml';

/** How the kubeconfig's user authenticates: a bearer token, or a client certificate and key. */
export type KubeconfigCredentials = string | { readonly cert: string; readonly key: string };

const b64 = (pem: string) => Buffer.from(pem).toString('base64');

export function kubeconfigYaml(server: string, caPem: string, credentials: KubeconfigCredentials, name = 'skiff', userName = `${name}-admin`): string {
  const user = typeof credentials === 'string'
    ? { token: credentials }
    : { 'client-certificate-data': b64(credentials.cert), 'client-key-data': b64(credentials.key) };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [{ name: userName, user }],
    contexts: [{ name, context: { cluster: name, user: userName, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

/** Written atomically, so a reader never sees half a file. */
export function writeKubeconfig(file: string, yaml: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, yaml, { mode: 0o600 });
  renameSync(tmp, file);
}
