/** Marking a node (un)schedulable as kubectl cordon/uncordon/drain do: a strategic merge patch of
 * `spec.unschedulable`, and nothing when it already is as asked. */
import type { Node } from '../../api/kinds.js';
import type { CliContext, DryRun } from '../kube/index.js';

/** Returns kubectl's line: `node/NAME cordoned`, `… already uncordoned`, with a dry-run suffix. */
export async function setUnschedulable(ctx: CliContext, name: string, unschedulable: boolean, dryRun: DryRun = 'none'): Promise<string> {
  const path = `/api/v1/nodes/${encodeURIComponent(name)}`;
  const node = (await ctx.client.request('GET', path)) as Node;
  const word = unschedulable ? 'cordoned' : 'uncordoned';
  if ((node.spec?.unschedulable ?? false) === unschedulable) return `node/${name} already ${word}`;
  if (dryRun !== 'client') {
    // false is the zero value kubectl's two-way patch drops: the field is removed, not set.
    await ctx.client.request('PATCH', `${path}${dryRun === 'server' ? '?dryRun=All' : ''}`, { spec: { unschedulable: unschedulable ? true : null } }, 'application/strategic-merge-patch+json');
  }
  return `node/${name} ${word}${dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : ''}`;
}
