/**
 * kubectl's global flags, added to every client verb (not to `server`/`sim`/`up`, whose flags
 * are their own): `--kubeconfig`, `--context`, `-n/--namespace`, `-A/--all-namespaces` (verbs
 * that list), `--request-timeout`.
 */
import { Command } from 'commander';

/** The parsed global flags, as commander hands them over (merged into each verb's options). */
export interface GlobalFlags {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly allNamespaces?: boolean;
  readonly requestTimeout?: string;
}

export interface KubeCommandOptions {
  /** Offer `-A/--all-namespaces` (get, delete, label, annotate…). */
  readonly allNamespaces?: boolean;
}

/** Adds the global flags to `cmd`. */
export function addGlobalFlags(cmd: Command, opts: KubeCommandOptions = {}): Command {
  cmd
    .option('--kubeconfig <file>', 'path to the kubeconfig file to use for CLI requests')
    .option('--context <name>', 'the name of the kubeconfig context to use')
    .option('-n, --namespace <ns>', 'if present, the namespace scope for this CLI request')
    .option('--request-timeout <duration>', 'the length of time to wait before giving up on a single server request (0: no timeout)', '0');
  if (opts.allNamespaces) cmd.option('-A, --all-namespaces', 'across all namespaces; the current namespace is ignored', false);
  return cmd;
}

/** A client verb: a commander command with the global flags and kubectl's help habits. */
export function kubeCommand(name: string, description: string, opts: KubeCommandOptions = {}): Command {
  return addGlobalFlags(new Command(name).description(description).allowExcessArguments(true), opts);
}

/** Collects a repeatable option (`-f a -f b`) into a list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
