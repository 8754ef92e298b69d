/**
 * `skiff logs POD [-c C] [-f] [--previous] [--tail N] [--timestamps] [--since D] [--limit-bytes N]`,
 * also `logs TYPE/NAME` for a controller (its first pod, as kubectl picks it): GET pods/P/log with
 * kubectl's query parameters, the answer streamed to stdout as the node sends it.
 */
import type { Command } from 'commander';
import type { Pod } from '../../api/kinds.js';
import type { KubeObject, LabelSelector } from '../../api/types.js';
import { selectorString } from '../../apiserver/tables/format.js';
import { parseDuration } from '../durations.js';
import { CliError, getObject, kubeCommand, resolveType, resourcePath, runKube, type CliContext, type GlobalFlags } from '../kube/index.js';
import { pipeText } from './stream.js';

interface LogsOptions extends GlobalFlags {
  container?: string;
  follow: boolean;
  previous: boolean;
  tail: string;
  timestamps: boolean;
  since?: string;
  sinceTime?: string;
  limitBytes?: string;
  allContainers: boolean;
}

export function logsCommand(): Command {
  return kubeCommand('logs', 'print the logs for a container in a pod')
    .usage('[-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [options]')
    .option('-c, --container <name>', 'print the logs of this container')
    .option('-f, --follow', 'stream the logs', false)
    .option('-p, --previous', 'the logs of the previous instance of the container', false)
    .option('--tail <n>', 'lines of recent log to show (-1: all)', '-1')
    .option('--timestamps', 'include timestamps on each line', false)
    .option('--since <duration>', 'only logs newer than this (5s, 2m, 3h)')
    .option('--since-time <rfc3339>', 'only logs after this time')
    .option('--limit-bytes <n>', 'maximum bytes of logs to return')
    .option('--all-containers', 'logs of every container in the pod', false)
    .action(runKube<LogsOptions>(async (ctx, args, opts) => {
      const [target, second] = args;
      if (!target) throw new CliError('expected POD or TYPE/NAME is a required argument for the logs command\nSee \'skiff logs -h\' for help and examples');
      if (opts.since && opts.sinceTime) throw new CliError('at most one of `sinceTime` or `sinceSeconds` may be specified');
      const pod = await podFor(ctx, target);
      const containerNames = pod.spec.containers.map((c) => c.name);
      let containers = opts.allContainers ? containerNames : [opts.container ?? second ?? defaultContainer(ctx, pod)];
      containers = containers.filter((c): c is string => Boolean(c));
      const query: Record<string, string | undefined> = {
        follow: opts.follow ? 'true' : undefined,
        previous: opts.previous ? 'true' : undefined,
        tailLines: Number(opts.tail) >= 0 ? String(Number(opts.tail)) : undefined,
        timestamps: opts.timestamps ? 'true' : undefined,
        sinceSeconds: opts.since ? String(Math.max(1, Math.ceil(parseDuration(opts.since) / 1000))) : undefined,
        sinceTime: opts.sinceTime,
        limitBytes: opts.limitBytes,
      };
      const pods = (await ctx.discovery()).resources.find((r) => r.plural === 'pods' && r.group === '');
      if (!pods) throw new CliError('the server doesn\'t have a resource type "pods"');
      for (const c of containers) {
        await pipeText(ctx.config, resourcePath(pods, pod.metadata.namespace, pod.metadata.name, 'log', { ...query, container: c }), ctx.out);
      }
    }));
}

/** kubectl's default container: the annotated one, else the first (said on stderr when there
 * are several). */
function defaultContainer(ctx: CliContext, pod: Pod): string | undefined {
  const names = pod.spec.containers.map((c) => c.name);
  const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (annotated && names.includes(annotated)) return annotated;
  if (names.length > 1) ctx.err.write(`Defaulted container "${names[0]!}" out of: ${names.join(', ')}\n`);
  return names[0];
}

/** The pod itself, or a controller's first pod (running and ready ones first, then the oldest). */
export async function podFor(ctx: CliContext, target: string): Promise<Pod> {
  const d = await ctx.discovery();
  if (!target.includes('/')) return await getObject(ctx, resolveType(d, 'pods'), ctx.namespace, target) as Pod;
  const [type = '', name = ''] = target.split('/');
  const r = resolveType(d, type);
  const obj = await getObject(ctx, r, ctx.namespace, name);
  if (r.kind === 'Pod') return obj as Pod;
  const sel = selectorOf(obj);
  if (sel === undefined) throw new CliError(`cannot get the logs from ${r.kind.toLowerCase()}: selector for ${r.kind.toLowerCase()} not implemented`);
  const list = await ctx.client.request('GET', resourcePath(resolveType(d, 'pods'), ctx.namespace, undefined, undefined, { labelSelector: sel })) as { items?: Pod[] };
  const pods = [...(list.items ?? [])].sort(byLogging);
  const first = pods[0];
  if (!first) throw new CliError(`timed out waiting for the condition`);
  if (pods.length > 1) ctx.err.write(`Found ${pods.length} pods, using pod/${first.metadata.name ?? ''}\n`);
  return first;
}

function selectorOf(obj: KubeObject): string | undefined {
  const spec = (obj as { spec?: { selector?: unknown } }).spec;
  const sel = spec?.selector;
  if (!sel || typeof sel !== 'object') return undefined;
  const isMap = !('matchLabels' in sel) && !('matchExpressions' in sel);
  return isMap ? Object.entries(sel as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',') : selectorString(sel as LabelSelector);
}

const rank = (p: Pod) => (p.status?.phase === 'Running' ? 0 : p.status?.phase === 'Pending' ? 1 : 2);
const ready = (p: Pod) => (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 0 : 1);

function byLogging(a: Pod, b: Pod): number {
  return rank(a) - rank(b) || ready(a) - ready(b) || String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp));
}
