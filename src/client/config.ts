/** Where and how a client reaches the API server: from a kubeconfig file or given directly. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface ClientConfig {
  /** `https://host:port` */
  readonly server: string;
  /** PEM of the CA that signed the server's certificate. */
  readonly ca: string;
  readonly token: string;
  /** PEM client certificate and key (kubeconfig's `client-certificate[-data]`, `client-key[-data]`). */
  readonly cert?: string;
  readonly key?: string;
  /** Namespace of the current context, if any. */
  readonly namespace?: string;
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }[];
  users?: { name: string; user: KubeconfigUser }[];
}

export interface KubeconfigUser {
  token?: string;
  'client-certificate-data'?: string;
  'client-certificate'?: string;
  'client-key-data'?: string;
  'client-key'?: string;
}

/** The client certificate and key a kubeconfig user names, inline or as files (relative to
 * `dir`, the kubeconfig's own directory). */
export function clientCertificateOf(user: KubeconfigUser | undefined, dir: string): { cert: string; key: string } | undefined {
  const read = (data: string | undefined, file: string | undefined) =>
    data ? Buffer.from(data, 'base64').toString('utf8') : file ? readFileSync(path.resolve(dir, file), 'utf8') : undefined;
  const cert = read(user?.['client-certificate-data'], user?.['client-certificate']);
  const key = read(user?.['client-key-data'], user?.['client-key']);
  return cert && key ? { cert, key } : undefined;
}

/** Reads a kubeconfig file (the current context, or `context`). */
export function loadKubeconfig(file: string, context?: string): ClientConfig {
  const kc = parseYaml(readFileSync(file, 'utf8')) as KubeconfigFile;
  const ctxName = context ?? kc['current-context'];
  const ctx = kc.contexts?.find((c) => c.name === ctxName)?.context;
  if (!ctx) throw new Error(`context "${ctxName ?? ''}" not found in ${file}`);
  const cluster = kc.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster) throw new Error(`cluster "${ctx.cluster}" not found in ${file}`);
  const user = kc.users?.find((u) => u.name === ctx.user)?.user;
  const ca = cluster['certificate-authority-data']
    ? Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8')
    : cluster['certificate-authority']
      ? readFileSync(cluster['certificate-authority'], 'utf8')
      : '';
  const certificate = clientCertificateOf(user, path.dirname(file));
  return { server: cluster.server, ca, token: user?.token ?? '', ...certificate, ...(ctx.namespace ? { namespace: ctx.namespace } : {}) };
}
