/**
 * The pod and container a stream verb (exec, attach, cp) works on, checked as kubectl checks
 * them before it connects: `POD`, `pod/POD` or a controller's `TYPE/NAME` (its first pod), a completed pod refused, the container named with
 * `-c`, else the annotated default, else the first (said on stderr when there are several).
 */
import type { Pod } from '../../api/kinds.js';
import type { LabelSelector } from '../../api/types.js';
import { selectorString } from '../../apiserver/tables/format.js';
import { CliError, getObject, resolveType, resourcePath, type CliContext } from '../kube/index.js';

export interface PodTarget {
  readonly pod: Pod;
  readonly container: string;
  /** `…/pods/NAME/SUB?query` on the server. */
  path(sub: 'exec' | 'attach', query: URLSearchParams): string;
}

/** `POD`, `pod/POD`, or `TYPE/NAME` of a controller: its first pod, running ones first (as
 * kubectl's attachable pod for an object). */
async function podOf(ctx: CliContext, ref: string, namespace: string): Promise<Pod> {
  const d = await ctx.discovery();
  const pods = resolveType(d, 'pods');
  const slash = ref.indexOf('/');
  if (slash < 0) return await getObject(ctx, pods, namespace, ref) as Pod;
  const r = resolveType(d, ref.slice(0, slash));
  const obj = await getObject(ctx, r, namespace, ref.slice(slash + 1));
  if (r.kind === 'Pod') return obj as Pod;
  const sel = (obj as { spec?: { selector?: unknown } }).spec?.selector;
  if (!sel || typeof sel !== 'object') throw new CliError(`cannot attach to ${r.kind}: selector for ${r.kind} not implemented`);
  const isMap = !('matchLabels' in sel) && !('matchExpressions' in sel);
  const labelSelector = isMap ? Object.entries(sel as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',') : selectorString(sel as LabelSelector);
  const list = await ctx.client.request('GET', resourcePath(pods, namespace, undefined, undefined, { labelSelector })) as { items?: Pod[] };
  const rank = (p: Pod): number => (p.metadata.deletionTimestamp ? 3 : p.status?.phase === 'Running' ? 0 : p.status?.phase === 'Pending' ? 1 : 2);
  const first = [...(list.items ?? [])].sort((a, b) => rank(a) - rank(b) || String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)))[0];
  if (!first) throw new CliError(`no pods found for ${ref}`);
  return first;
}

export async function podTarget(ctx: CliContext, ref: string, namespace: string, container: string | undefined, verb: string): Promise<PodTarget> {
  const d = await ctx.discovery();
  const pods = resolveType(d, 'pods');
  const pod = await podOf(ctx, ref, namespace);
  const name = pod.metadata.name ?? '';
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw new CliError(`cannot ${verb} into a container in a completed pod; current phase is ${phase}`);
  const names = pod.spec.containers.map((c) => c.name);
  let chosen = container;
  if (!chosen) {
    const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
    chosen = annotated && names.includes(annotated) ? annotated : names[0];
    if (!annotated && names.length > 1) ctx.err.write(`Defaulted container "${names[0]!}" out of: ${names.join(', ')}\n`);
  }
  const c = chosen ?? '';
  return {
    pod,
    container: c,
    path: (sub, query) => {
      query.set('container', c);
      return `${resourcePath(pods, namespace, name, sub)}?${query}`;
    },
  };
}
