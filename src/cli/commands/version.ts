/**
 * `skiff version`: the client's and the server's versions, as kubectl prints them
 * (`Client Version: …` / `Server Version: …`, or `-o json|yaml`). `--client` needs no cluster.
 */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { versionInfo } from '../../apiserver/index.js';
import { buildContext, CliError, formatError, kubeCommand, type GlobalFlags } from '../kube/index.js';

interface VersionOptions extends GlobalFlags {
  client: boolean;
  output?: string;
}

export function versionCommand(): Command {
  return kubeCommand('version', 'print the client and server version information')
    .option('--client', 'client version only (no server needed)', false)
    .option('-o, --output <format>', 'json or yaml')
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = cmd.opts<VersionOptions>();
      const out: Record<string, unknown> = { clientVersion: versionInfo() };
      let failure: unknown;
      if (opts.output !== undefined && opts.output !== 'json' && opts.output !== 'yaml') {
        process.stderr.write(`${formatError(new CliError('--output must be \'yaml\' or \'json\''))}\n`);
        process.exitCode = 1;
        return;
      }
      if (!opts.client) {
        try {
          const ctx = buildContext(opts);
          try {
            out['serverVersion'] = await ctx.client.request('GET', '/version');
          } finally {
            ctx.client.close();
          }
        } catch (err) {
          failure = err;
        }
      }
      if (opts.output === 'json') process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      else if (opts.output === 'yaml') process.stdout.write(stringify(out));
      else {
        process.stdout.write(`Client Version: ${versionInfo().gitVersion}\n`);
        const sv = out['serverVersion'] as { gitVersion?: string } | undefined;
        if (sv) process.stdout.write(`Server Version: ${sv.gitVersion ?? ''}\n`);
      }
      if (failure) {
        process.stderr.write(`${formatError(failure)}\n`);
        process.exitCode = 1;
      }
    });
}
