/**
 * The CliContext every client verb runs with: a client for the chosen kubeconfig/context, the
 * namespace to act in, discovery (fetched once, on first use), and the writers to print on.
 * {@link runKube} builds it from the parsed flags, runs the verb, prints any failure in kubectl's
 * words, sets exit code 1, and closes the client so the process can end.
 */
import type { Command } from 'commander';
import type { ClientConfig } from '../../client/index.js';
import { CliRestClient, parseRequestTimeout } from './client.js';
import { Discovery } from './discovery.js';
import { CliError, formatError } from './errors.js';
import type { GlobalFlags } from './flags.js';
import { locateKubeconfig, readKubeconfig } from './kubeconfig.js';

export interface Writer {
  write(text: string): unknown;
}

export interface CliContext {
  readonly client: CliRestClient;
  readonly config: ClientConfig;
  readonly kubeconfigPath: string;
  /** `-n`, else the context's namespace, else `default`. */
  readonly namespace: string;
  /** True when `-n` was given (a manifest's own namespace must then agree with it). */
  readonly explicitNamespace: boolean;
  readonly allNamespaces: boolean;
  readonly out: Writer;
  readonly err: Writer;
  /** What the server serves (fetched on first call, then cached). */
  discovery(): Promise<Discovery>;
}

export interface ContextIO {
  readonly out?: Writer;
  readonly err?: Writer;
  readonly env?: NodeJS.ProcessEnv;
}

export function buildContext(flags: GlobalFlags, io: ContextIO = {}): CliContext {
  const file = locateKubeconfig({ explicit: flags.kubeconfig, env: io.env ?? process.env });
  if (!file) {
    throw new CliError('no kubeconfig found: pass --kubeconfig, set KUBECONFIG, write ~/.kube/config, or start a local cluster with `skiff up`');
  }
  const config = readKubeconfig(file, flags.context);
  const client = new CliRestClient(config, parseRequestTimeout(flags.requestTimeout));
  let discovery: Promise<Discovery> | undefined;
  return {
    client,
    config,
    kubeconfigPath: file,
    namespace: flags.namespace || config.namespace || 'default',
    explicitNamespace: Boolean(flags.namespace),
    allNamespaces: Boolean(flags.allNamespaces),
    out: io.out ?? process.stdout,
    err: io.err ?? process.stderr,
    discovery: () => (discovery ??= Discovery.load(client)),
  };
}

/**
 * The action of a client verb: `fn(ctx, args, opts)` with the verb's positional arguments and
 * options. Failures print as kubectl prints them and exit 1.
 */
export function runKube<O extends GlobalFlags>(fn: (ctx: CliContext, args: string[], opts: O) => Promise<void>): (...a: unknown[]) => Promise<void> {
  return async (...a: unknown[]) => {
    const cmd = a[a.length - 1] as Command;
    const opts = cmd.opts<O>();
    let ctx: CliContext | undefined;
    try {
      ctx = buildContext(opts);
      await fn(ctx, [...cmd.args], opts);
    } catch (err) {
      (ctx?.err ?? process.stderr).write(`${formatError(err)}\n`);
      process.exitCode = err instanceof CliError ? err.exitCode : 1;
    } finally {
      ctx?.client.close();
    }
  };
}
