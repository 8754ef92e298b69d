/**
 * Finding and reading the user's kubeconfig the way kubectl does: `--kubeconfig`, then the first
 * existing file of `$KUBECONFIG` (`:`-separated), then `~/.kube/config` — and, skiff's own
 * default, the kubeconfig a local `skiff up` / `skiff server` wrote under `~/.skiff/<dir>/`, so a
 * fresh `skiff up` works with no setup at all.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { clientCertificateOf, type ClientConfig, type KubeconfigUser } from '../../client/index.js';
import { CliError } from './errors.js';

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
  clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string; 'insecure-skip-tls-verify'?: boolean } }[];
  users?: { name: string; user: KubeconfigUser & { tokenFile?: string } }[];
}

export interface LocateOptions {
  readonly explicit?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
}

/** The kubeconfig file to use, or undefined when there is none anywhere. An explicit
 * `--kubeconfig` that does not exist is an error (kubectl: `stat x: no such file or directory`). */
export function locateKubeconfig(opts: LocateOptions = {}): string | undefined {
  const env = opts.env ?? process.env;
  const home = opts.home ?? env['HOME'] ?? os.homedir();
  if (opts.explicit) {
    if (!existsSync(opts.explicit)) throw new CliError(`stat ${opts.explicit}: no such file or directory`);
    return opts.explicit;
  }
  const fromEnv = (env['KUBECONFIG'] ?? '').split(path.delimiter).filter(Boolean);
  for (const f of fromEnv) if (existsSync(f)) return f;
  const kube = path.join(home, '.kube', 'config');
  if (existsSync(kube)) return kube;
  return newestSkiffKubeconfig(path.join(home, '.skiff'));
}

/** `~/.skiff/<dir>/kubeconfig`, newest first: the cluster the user started last. */
function newestSkiffKubeconfig(dir: string): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return undefined;
  }
  const found = entries
    .map((e) => path.join(dir, e, 'kubeconfig'))
    .filter((f) => existsSync(f))
    .map((f) => ({ f, t: statSync(f).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  return found[0]?.f;
}

/** Reads `file` for `context` (default: its current context) into a client config. */
export function readKubeconfig(file: string, context?: string): ClientConfig {
  let kc: KubeconfigFile;
  try {
    kc = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as KubeconfigFile;
  } catch (err) {
    throw new CliError(`error loading config file "${file}": ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
  const ctxName = context ?? kc['current-context'];
  if (context !== undefined && !kc.contexts?.some((c) => c.name === context)) throw new CliError(`context "${context}" does not exist`);
  const ctx = kc.contexts?.find((c) => c.name === ctxName)?.context;
  if (!ctx) throw new CliError(`current-context is not set in ${file}`);
  const cluster = kc.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster) throw new CliError(`cluster "${ctx.cluster}" does not exist`);
  const user = kc.users?.find((u) => u.name === ctx.user)?.user;
  const rel = (p: string) => path.resolve(path.dirname(file), p);
  const ca = cluster['certificate-authority-data']
    ? Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8')
    : cluster['certificate-authority']
      ? readFileSync(rel(cluster['certificate-authority']), 'utf8')
      : '';
  const token = user?.token ?? (user?.tokenFile ? readFileSync(rel(user.tokenFile), 'utf8').trim() : '');
  const certificate = clientCertificateOf(user, path.dirname(file));
  return { server: cluster.server, ca, token, ...certificate, ...(ctx.namespace ? { namespace: ctx.namespace } : {}) };
}
