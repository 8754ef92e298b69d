/**
 * `skiff kubeconfig --user NAME [--group G]...`: a kubeconfig for another user, with a fresh
 * client certificate (CN NAME, O each group) signed by the cluster CA. It runs where the control
 * plane's data dir is (it needs the CA's key), as `kubeadm kubeconfig user` does; what the user
 * may then do is RBAC's to say.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { issueClientCertificate, loadCa } from '../../apiserver/certs.js';
import { kubeconfigYaml, writeKubeconfig } from '../../apiserver/kubeconfig.js';
import { parseDuration } from '../durations.js';

interface KubeconfigOptions {
  dataDir: string;
  user: string;
  group: string[];
  server?: string;
  validity: string;
  output?: string;
}

/** The server URL of the admin kubeconfig the server wrote into its data dir. */
function serverOf(dataDir: string): string | undefined {
  const file = path.join(dataDir, 'kubeconfig');
  if (!existsSync(file)) return undefined;
  const kc = parseYaml(readFileSync(file, 'utf8')) as { clusters?: { cluster?: { server?: string } }[] };
  return kc.clusters?.[0]?.cluster?.server;
}

export function kubeconfigCommand(): Command {
  return new Command('kubeconfig')
    .description("write a kubeconfig for a user: a new client certificate signed by the cluster's CA (CN the user, O the groups)")
    .requiredOption('--user <name>', 'the user the certificate names')
    .option('--group <group>', 'a group the user is in (repeat for more)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--data-dir <dir>', "the server's data dir (its pki/ holds the CA)", path.join(os.homedir(), '.skiff', 'up'))
    .option('--server <url>', "the API server's URL (default: the one in DATA_DIR/kubeconfig)")
    .option('--validity <duration>', 'how long the certificate is valid', '8760h')
    .option('-o, --output <file>', 'write the kubeconfig here (0600) instead of to standard output')
    .action((opts: KubeconfigOptions) => {
      const dataDir = path.resolve(opts.dataDir);
      const pki = path.join(dataDir, 'pki');
      if (!existsSync(path.join(pki, 'ca.key'))) throw new Error(`no cluster CA in ${pki} (is --data-dir the server's?)`);
      const server = opts.server ?? serverOf(dataDir);
      if (!server) throw new Error(`no server URL: pass --server (${dataDir}/kubeconfig does not exist)`);
      if (opts.user.trim() === '') throw new Error('--user must not be empty');
      const validMs = parseDuration(opts.validity);
      const ca = loadCa(pki);
      const credentials = issueClientCertificate(ca, opts.user, opts.group, Math.max(1, Math.floor(validMs / 1000)));
      const yaml = kubeconfigYaml(server, ca.certPem, credentials, 'skiff', opts.user);
      if (opts.output) writeKubeconfig(opts.output, yaml);
      else process.stdout.write(yaml);
    });
}
