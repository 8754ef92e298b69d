/**
 * The pod and container a stream verb (exec, attach, cp) works on, checked as kubectl checks
 * them before it connects: `POD` or `pod/POD`, a completed pod refused, the container named with
 * `-c`, else the annotated default, else the first (said on stderr when there are several).
 */
import type { Pod } from '../../api/kinds.js';
import { CliError, getObject, resolveType, resourcePath, type CliContext } from '../kube/index.js';

export interface PodTarget {
  readonly pod: Pod;
  readonly container: string;
  /** `…/pods/NAME/SUB?query` on the server. */
  path(sub: 'exec' | 'attach', query: URLSearchParams): string;
}

export async function podTarget(ctx: CliContext, ref: string, namespace: string, container: string | undefined, verb: string): Promise<PodTarget> {
  const name = ref.startsWith('pod/') || ref.startsWith('pods/') ? ref.slice(ref.indexOf('/') + 1) : ref;
  if (ref.includes('/') && name === ref) throw new CliError(`cannot ${verb} into ${ref}: only pods are supported`);
  const d = await ctx.discovery();
  const pods = resolveType(d, 'pods');
  const pod = await getObject(ctx, pods, namespace, name) as Pod;
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
