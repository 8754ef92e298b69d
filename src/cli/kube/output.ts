/**
 * The one-line reports of the writing verbs, worded as kubectl 1.32 words them:
 * `replicationcontroller/x created`, `daemonset.apps/y configured (dry run)`, and for delete
 * `replicationcontroller "x" deleted`; and `--dry-run` parsing shared by those verbs.
 */
import type { ApiResource } from './discovery.js';
import { CliError } from './errors.js';
import { kindString } from './resolve.js';

export type DryRun = 'none' | 'client' | 'server';

/** `--dry-run` as commander hands it over (`true` for a bare flag, which kubectl takes as client). */
export function parseDryRun(v: unknown): DryRun {
  if (v === undefined || v === false || v === 'none') return 'none';
  if (v === true || v === 'client' || v === 'true') return 'client';
  if (v === 'server') return 'server';
  throw new CliError(`Invalid dry-run value (${String(v)}). Must be "none", "server", or "client".`);
}

/** The query parameter a server-side dry run adds to a write. */
export function dryRunQuery(d: DryRun): { dryRun?: string } {
  return d === 'server' ? { dryRun: 'All' } : {};
}

function suffix(d: DryRun): string {
  return d === 'client' ? ' (dry run)' : d === 'server' ? ' (server dry run)' : '';
}

/** `kind[.group]/name operation[ (dry run)]`; with `-o name` just `kind[.group]/name`. */
export function operationLine(r: Pick<ApiResource, 'kind' | 'group'>, name: string, operation: string, dryRun: DryRun = 'none', outputName = false): string {
  return outputName ? `${kindString(r)}/${name}` : `${kindString(r)}/${name} ${operation}${suffix(dryRun)}`;
}

/** `kind[.group] "name" deleted` — delete's (and stop's) older form, which kubectl keeps. */
export function deletedLine(r: Pick<ApiResource, 'kind' | 'group'>, name: string, dryRun: DryRun = 'none', force = false): string {
  return `${kindString(r)} "${name}" ${force ? 'force deleted' : 'deleted'}${suffix(dryRun)}`;
}
