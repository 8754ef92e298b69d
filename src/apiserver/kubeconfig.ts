/** The admin kubeconfig the server writes once it is ready: server URL, CA, bearer token. */
import { writeFileSync, renameSync } from 'node:fs';
import { stringify } from 'yaml';

export function kubeconfigYaml(server: string, caPem: string, token: string, name = 'skiff'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: `${name}-admin`, user: { token } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin`, namespace: 'default' } }],
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
