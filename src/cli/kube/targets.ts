/**
 * The objects a verb acts on, from any of kubectl's ways to name them: `-f` manifests,
 * `TYPE NAME…`, `TYPE/NAME…`, or a type with `-l SELECTOR` / `--all`. Shared by delete, stop,
 * label, annotate, scale, get and describe so they all accept (and refuse) the same things.
 */
import type { KubeObject } from '../../api/types.js';
import type { CliContext } from './context.js';
import type { ApiResource } from './discovery.js';
import { CliError } from './errors.js';
import { readManifests } from './manifests.js';
import { listObjects, manifestNamespace, scopeNamespace } from './objects.js';
import { parseResourceArgs } from './resolve.js';

export interface Target {
  readonly resource: ApiResource;
  /** Undefined for cluster-scoped resources. */
  readonly namespace: string | undefined;
  readonly name: string;
  /** The object as listed from the server (selector/--all) or as read from the manifest (-f). */
  readonly object?: KubeObject;
  /** The manifest file it came from, for `error when … "file"` messages. */
  readonly source?: string;
}

export interface TargetOptions {
  readonly filenames?: readonly string[] | undefined;
  readonly recursive?: boolean | undefined;
  readonly selector?: string | undefined;
  readonly fieldSelector?: string | undefined;
  readonly all?: boolean | undefined;
  /** A bare type (no names, no selector, no --all) lists everything (get) instead of failing. */
  readonly bareTypeLists?: boolean;
  /** Reads stdin for `-f -` (tests). */
  readonly stdin?: () => string;
}

export const noResourcesMessage =
  "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/** The mapping a manifest's apiVersion/kind has on this server, or kubectl's error. */
export async function resourceForObject(ctx: CliContext, obj: KubeObject, source: string): Promise<ApiResource> {
  const d = await ctx.discovery();
  const r = d.forKind(String(obj.apiVersion), String(obj.kind));
  if (!r) {
    throw new CliError(
      `resource mapping not found for name: "${obj.metadata.name ?? ''}" namespace: "${obj.metadata.namespace ?? ''}" from "${source}": no matches for kind "${String(obj.kind)}" in version "${String(obj.apiVersion)}"\nensure CRDs are installed first`,
    );
  }
  return r;
}

export async function resolveTargets(ctx: CliContext, args: readonly string[], opts: TargetOptions): Promise<Target[]> {
  if (opts.filenames?.length) {
    if (args.length) throw new CliError(`Unexpected args: [${args.join(' ')}]\nSee 'skiff -h' for help and examples`);
    const out: Target[] = [];
    for (const m of readManifests(opts.filenames, { recursive: opts.recursive ?? false, ...(opts.stdin ? { stdin: opts.stdin } : {}) })) {
      const resource = await resourceForObject(ctx, m.object, m.source);
      out.push({ resource, namespace: manifestNamespace(ctx, resource, m.object), name: m.object.metadata.name ?? '', object: m.object, source: m.source });
    }
    return out;
  }
  if (args.length === 0) throw new CliError(noResourcesMessage);
  const selections = parseResourceArgs(await ctx.discovery(), args);
  const out: Target[] = [];
  for (const s of selections) {
    if (s.names.length) {
      if (opts.selector) throw new CliError('name cannot be provided when a selector is specified');
      if (opts.all) throw new CliError('name cannot be provided when --all is specified');
      for (const name of s.names) out.push({ resource: s.resource, namespace: s.resource.namespaced ? ctx.namespace : undefined, name });
      continue;
    }
    if (!opts.selector && !opts.fieldSelector && !opts.all && !opts.bareTypeLists) {
      throw new CliError(`resource(s) were provided, but no name was specified`);
    }
    const items = await listObjects(ctx, s.resource, scopeNamespace(ctx, s.resource), { labelSelector: opts.selector, fieldSelector: opts.fieldSelector });
    for (const o of items) out.push({ resource: s.resource, namespace: o.metadata.namespace, name: o.metadata.name ?? '', object: o });
  }
  return out;
}
