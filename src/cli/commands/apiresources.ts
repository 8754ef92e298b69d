/**
 * `skiff api-resources`: what the server serves, from discovery (NAME SHORTNAMES APIVERSION
 * NAMESPACED KIND; `-o wide` adds VERBS and CATEGORIES; `-o name`), preferred versions only, as
 * kubectl lists them.
 */
import type { Command } from 'commander';
import { apiVersionOf } from '../../api/types.js';
import { CliError, kubeCommand, runKube, type ApiResource, type GlobalFlags } from '../kube/index.js';

interface ApiResourcesOptions extends GlobalFlags {
  output?: string;
  namespaced?: string;
  apiGroup?: string;
  verbs?: string;
  headers: boolean;
  sortBy?: string;
}

export function apiResourcesCommand(): Command {
  return kubeCommand('api-resources', 'print the resource types the server serves')
    .option('-o, --output <format>', 'wide or name')
    .option('--namespaced <bool>', 'only namespaced (true) or cluster-scoped (false) resources')
    .option('--api-group <group>', 'only resources of this group ("" for the core group)')
    .option('--verbs <verbs>', 'only resources supporting these verbs (comma-separated)')
    .option('--no-headers', 'no header line')
    .option('--sort-by <field>', 'name or kind')
    .action(runKube<ApiResourcesOptions>(async (ctx, _args, opts) => {
      if (opts.output !== undefined && opts.output !== 'wide' && opts.output !== 'name') throw new CliError(`--output ${opts.output} is not available`);
      const d = await ctx.discovery();
      let list = d.resources.filter((r) => r.preferred);
      if (opts.namespaced !== undefined) list = list.filter((r) => r.namespaced === (opts.namespaced === 'true'));
      if (opts.apiGroup !== undefined) list = list.filter((r) => r.group === opts.apiGroup);
      if (opts.verbs) {
        const want = opts.verbs.split(',');
        list = list.filter((r) => want.every((v) => r.verbs.includes(v)));
      }
      const groupOrder = [...new Set(list.map((r) => r.group))];
      list = [...list].sort((a, b) =>
        opts.sortBy === 'kind' ? a.kind.localeCompare(b.kind) : opts.sortBy === 'name' ? a.plural.localeCompare(b.plural) :
          groupOrder.indexOf(a.group) - groupOrder.indexOf(b.group) || a.plural.localeCompare(b.plural));
      if (opts.output === 'name') {
        for (const r of list) ctx.out.write(`${r.group ? `${r.plural}.${r.group}` : r.plural}\n`);
        return;
      }
      const wide = opts.output === 'wide';
      const rows = list.map((r) => row(r, wide));
      if (opts.headers) rows.unshift(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', ...(wide ? ['VERBS', 'CATEGORIES'] : [])]);
      ctx.out.write(columns(rows));
    }));
}

function row(r: ApiResource, wide: boolean): string[] {
  return [r.plural, r.shortNames.join(','), apiVersionOf(r.group, r.version), String(r.namespaced), r.kind, ...(wide ? [`[${r.verbs.join(' ')}]`, r.categories.join(',')] : [])];
}

/** Left-aligned columns three spaces apart, as Go's tabwriter lays out kubectl's tables. */
function columns(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join('').trimEnd() + '\n').join('');
}
