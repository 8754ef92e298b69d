/**
 * `skiff cordon|uncordon NODE…` and `skiff drain NODE…`, as kubectl does them: cordon marks the
 * node unschedulable; drain cordons, then evicts every pod of the node that may go (through the
 * eviction subresource, so disruption budgets hold: a refused eviction is retried every 5 s),
 * refusing up front when DaemonSet pods, emptyDir data or unmanaged pods would need a flag, and
 * waits for the pods to be gone.
 */
import type { Command } from 'commander';
import type { KubeList } from '../../api/types.js';
import type { Pod } from '../../api/kinds.js';
import { duration } from '../durations.js';
import { podsForDeletion, removePod, setUnschedulable } from '../drain/index.js';
import {
  AggregateCliError, CliError, formatError, isNotFound, kubeCommand, parseDryRun, runKube, type CliContext, type DryRun, type GlobalFlags,
} from '../kube/index.js';

interface CordonOptions extends GlobalFlags {
  selector?: string;
  dryRun?: string | boolean;
}

interface DrainOptions extends CordonOptions {
  force: boolean;
  ignoreDaemonsets: boolean;
  deleteEmptydirData: boolean;
  deleteLocalData: boolean;
  disableEviction: boolean;
  gracePeriod: string;
  timeout: number;
  podSelector?: string;
}

/** Why a node could not be drained: one message, or several (printed one a line, as kubectl
 * prints an aggregate of errors). */
class DrainFailure extends AggregateCliError {
  override name = 'DrainFailure';
  constructor(readonly messages: readonly string[]) {
    super([]);
    this.message = messages.length === 1 ? `error: ${messages[0] ?? ''}` : messages.join('\n');
  }

  get summary(): string {
    return this.messages.length === 1 ? (this.messages[0] ?? '') : `[${this.messages.join(', ')}]`;
  }
}

/** The named nodes, or those the label selector picks. */
async function nodeNames(ctx: CliContext, args: string[], selector: string | undefined): Promise<string[]> {
  if (args.length > 0 && selector) throw new CliError('cannot specify both a node name and a --selector option');
  if (args.length > 0) return args;
  if (!selector) throw new CliError('USAGE: cordon NODE [flags]');
  const list = (await ctx.client.request('GET', `/api/v1/nodes?labelSelector=${encodeURIComponent(selector)}`)) as KubeList;
  return list.items.map((n) => n.metadata.name ?? '');
}

function cordonVerb(name: 'cordon' | 'uncordon', unschedulable: boolean): Command {
  return kubeCommand(name, `mark a node as ${unschedulable ? 'unschedulable' : 'schedulable'}`)
    .argument('[nodes...]')
    .option('-l, --selector <selector>', 'label selector of the nodes')
    .option('--dry-run [strategy]', 'none, client or server')
    .action(runKube<CordonOptions>(async (ctx, args, opts) => {
      const dryRun = parseDryRun(opts.dryRun);
      for (const node of await nodeNames(ctx, args, opts.selector)) ctx.out.write(`${await setUnschedulable(ctx, node, unschedulable, dryRun)}\n`);
    }));
}

export const cordonCommand = (): Command => cordonVerb('cordon', true);
export const uncordonCommand = (): Command => cordonVerb('uncordon', false);

export function drainCommand(): Command {
  return kubeCommand('drain', 'drain a node in preparation for maintenance: cordon it and evict its pods')
    .argument('[nodes...]')
    .option('-l, --selector <selector>', 'label selector of the nodes')
    .option('--pod-selector <selector>', 'only pods matching this label selector')
    .option('--force', 'continue even if there are pods that do not declare a controller', false)
    .option('--ignore-daemonsets', 'ignore DaemonSet-managed pods', false)
    .option('--delete-emptydir-data', 'continue even if there are pods using emptyDir (its data is lost)', false)
    .option('--delete-local-data', 'deprecated: --delete-emptydir-data', false)
    .option('--disable-eviction', 'delete pods instead of evicting them, bypassing disruption budgets', false)
    .option('--grace-period <seconds>', 'seconds each pod gets to terminate; -1: its own', '-1')
    .option('--timeout <duration>', 'give up after this long (0: never)', duration, 0)
    .option('--dry-run [strategy]', 'none, client or server')
    .action(runKube<DrainOptions>(async (ctx, args, opts) => {
      const dryRun = parseDryRun(opts.dryRun);
      const grace = Number(opts.gracePeriod);
      if (!Number.isInteger(grace)) throw new CliError(`invalid argument "${opts.gracePeriod}" for "--grace-period" flag`);
      const nodes = await nodeNames(ctx, args, opts.selector);
      for (const [i, node] of nodes.entries()) {
        ctx.out.write(`${await setUnschedulable(ctx, node, true, dryRun)}\n`);
        try {
          await drainNode(ctx, node, opts, grace, dryRun);
        } catch (err) {
          const summary = err instanceof DrainFailure ? err.summary : formatError(err).replace(/^error: /, '');
          ctx.err.write(`error: unable to drain node "${node}" due to error: ${summary}, continuing command...\n`);
          ctx.err.write(`There are pending nodes to be drained:\n${nodes.slice(i).map((n) => ` ${n}\n`).join('')}`);
          throw err;
        }
        ctx.out.write(`node/${node} drained${dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : ''}\n`);
      }
    }));
}

async function drainNode(ctx: CliContext, node: string, opts: DrainOptions, grace: number, dryRun: DryRun): Promise<void> {
  const q = new URLSearchParams({ fieldSelector: `spec.nodeName=${node}` });
  if (opts.podSelector) q.set('labelSelector', opts.podSelector);
  const pods = ((await ctx.client.request('GET', `/api/v1/pods?${q.toString()}`)) as KubeList<Pod>).items;
  const list = await podsForDeletion(pods, {
    ignoreDaemonSets: opts.ignoreDaemonsets,
    deleteEmptyDirData: opts.deleteEmptydirData || opts.deleteLocalData,
    force: opts.force,
    daemonSetExists: async (ns, name) => {
      try {
        await ctx.client.request('GET', `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/daemonsets/${encodeURIComponent(name)}`);
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },
  });
  if (list.errors.length > 0) throw new DrainFailure(list.errors);
  if (list.warnings) ctx.err.write(`Warning: ${list.warnings}\n`);
  if (dryRun === 'client') {
    for (const p of list.pods) ctx.out.write(`evicting pod ${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''} (dry run)\n`);
    return;
  }
  const deadline = opts.timeout > 0 ? Date.now() + opts.timeout : Infinity;
  const results = await Promise.allSettled(list.pods.map((p) => removePod(ctx, p, {
    disableEviction: opts.disableEviction, gracePeriodSeconds: grace, deadline, timeoutText: timeoutText(opts.timeout),
  })));
  const failed = results.flatMap((r) => (r.status === 'rejected' ? [formatError(r.reason).replace(/^error: /, '')] : []));
  if (failed.length > 0) throw new DrainFailure(failed);
}

/** A duration as Go prints it (`2m0s`, `30s`). */
function timeoutText(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s % 60}s`;
}
