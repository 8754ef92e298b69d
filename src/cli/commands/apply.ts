/**
 * `skiff apply -f FILE`: kubectl's client-side apply. A missing object is created with the
 * last-applied annotation; an existing one gets a three-way strategic merge patch (last applied,
 * manifest, live), or nothing at all when the patch is empty (`unchanged`).
 */
import type { Command } from 'commander';
import { patchMergeKey } from '../../api/schema/index.js';
import type { KubeObject } from '../../api/types.js';
import { parseApiVersion } from '../../api/types.js';
import {
  AggregateCliError, collect, dryRunQuery, getObject, isNotFound, kubeCommand, manifestNamespace, noResourcesMessage, operationLine,
  parseDryRun, readManifests, resourceForObject, resourcePath, runKube, withSource, CliError, type ApiResource, type CliContext, type GlobalFlags,
} from '../kube/index.js';
import { lastApplied, lastAppliedAnnotation, threeWayMergePatch, withLastApplied } from '../apply/index.js';

interface ApplyOptions extends GlobalFlags {
  filename?: string[];
  recursive: boolean;
  dryRun?: string | boolean;
  output?: string;
  validate?: string;
}

export function applyCommand(): Command {
  return kubeCommand('apply', 'apply a configuration to objects from files or stdin (created if missing)')
    .option('-f, --filename <file>', 'file, directory or - (stdin) with the objects to apply (repeatable)', collect)
    .option('-R, --recursive', 'process the directory used in -f recursively', false)
    .option('--dry-run [strategy]', 'none, client or server: only print what would change')
    .option('-o, --output <format>', 'name: print only kind/name')
    .option('--validate [mode]', 'strict, warn or ignore', 'strict')
    .action(runKube<ApplyOptions>(async (ctx, args, opts) => {
      if (!opts.filename?.length) throw new CliError(args.length ? `Unexpected args: [${args.join(' ')}]\nSee 'skiff apply -h' for help and examples` : noResourcesMessage);
      const dryRun = parseDryRun(opts.dryRun);
      const errors: unknown[] = [];
      for (const m of readManifests(opts.filename, { recursive: opts.recursive })) {
        try {
          const r = await resourceForObject(ctx, m.object, m.source);
          const ns = manifestNamespace(ctx, r, m.object);
          const obj: KubeObject = { ...m.object, metadata: { ...m.object.metadata, ...(ns ? { namespace: ns } : {}) } };
          const op = await applyOne(ctx, r, ns, obj, dryRun).catch((err: unknown) => {
            throw withSource(isNotFound(err) ? 'retrieving current configuration of' : 'applying patch to', m.source, err);
          });
          ctx.out.write(`${operationLine(r, obj.metadata.name ?? '', op, dryRun, opts.output === 'name')}\n`);
        } catch (err) {
          errors.push(err);
        }
      }
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new AggregateCliError(errors);
    }));
}

async function applyOne(ctx: CliContext, r: ApiResource, ns: string | undefined, obj: KubeObject, dryRun: ReturnType<typeof parseDryRun>): Promise<string> {
  const name = obj.metadata.name;
  if (!name) throw new CliError('error when retrieving current configuration: resource name may not be empty');
  const modified = withLastApplied(obj);
  let current: KubeObject;
  try {
    current = await getObject(ctx, r, ns, name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    if (dryRun !== 'client') {
      await ctx.client.request('POST', resourcePath(r, ns, undefined, undefined, { fieldManager: 'kubectl-client-side-apply', fieldValidation: 'Strict', ...dryRunQuery(dryRun) }), modified);
    }
    return 'created';
  }
  if (!current.metadata.annotations?.[lastAppliedAnnotation]) {
    ctx.err.write(
      `Warning: resource ${r.plural}/${name} is missing the ${lastAppliedAnnotation} annotation which is required by skiff apply. skiff apply should only be used on resources created declaratively by either skiff create --save-config or skiff apply. The missing annotation will be patched automatically.\n`,
    );
  }
  const { group, version } = parseApiVersion(String(obj.apiVersion));
  const kind = String(obj.kind);
  const patch = threeWayMergePatch(lastApplied(current), modified as Record<string, unknown>, current as Record<string, unknown>, (path) => patchMergeKey(group, version, kind, path));
  if (Object.keys(patch).length === 0) return 'unchanged';
  if (dryRun !== 'client') {
    await ctx.client.request('PATCH', resourcePath(r, ns, name, undefined, { fieldManager: 'kubectl-client-side-apply', fieldValidation: 'Strict', ...dryRunQuery(dryRun) }), patch, 'application/strategic-merge-patch+json');
  }
  return 'configured';
}
