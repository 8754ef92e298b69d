/**
 * `skiff apply -f FILE`: kubectl's client-side apply. A missing object is created with the
 * last-applied annotation; an existing one gets a three-way strategic merge patch (last applied,
 * manifest, live), or nothing at all when the patch is empty (`unchanged`).
 * `--server-side` sends the manifest as a server-side apply instead (`--field-manager`, default
 * `kubectl` as kubectl's, and `--force-conflicts`).
 */
import type { Command } from 'commander';
import { patchMergeKey } from '../../api/schema/index.js';
import type { KubeObject } from '../../api/types.js';
import { ApiError } from '../../api/errors.js';
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
  serverSide: boolean;
  forceConflicts: boolean;
  fieldManager?: string;
}

/** kubectl's advice after a refused server-side apply. */
const conflictHelp = `Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts`;

export function applyCommand(): Command {
  return kubeCommand('apply', 'apply a configuration to objects from files or stdin (created if missing)')
    .option('-f, --filename <file>', 'file, directory or - (stdin) with the objects to apply (repeatable)', collect)
    .option('-R, --recursive', 'process the directory used in -f recursively', false)
    .option('--dry-run [strategy]', 'none, client or server: only print what would change')
    .option('-o, --output <format>', 'name: print only kind/name')
    .option('--validate [mode]', 'strict, warn or ignore', 'strict')
    .option('--server-side', 'apply on the server (server-side apply) instead of by a client-side patch', false)
    .option('--force-conflicts', 'with --server-side: take over fields other managers own', false)
    .option('--field-manager <name>', 'the manager recorded for the applied fields (--server-side default: kubectl)')
    .action(runKube<ApplyOptions>(async (ctx, args, opts) => {
      if (opts.forceConflicts && !opts.serverSide) throw new CliError('--force-conflicts only works with --server-side');
      if (opts.serverSide && parseDryRun(opts.dryRun) === 'client') throw new CliError('--dry-run=client doesn\'t work with --server-side (did you mean --dry-run=server instead?)');
      if (!opts.filename?.length) throw new CliError(args.length ? `Unexpected args: [${args.join(' ')}]\nSee 'skiff apply -h' for help and examples` : noResourcesMessage);
      const dryRun = parseDryRun(opts.dryRun);
      const errors: unknown[] = [];
      for (const m of readManifests(opts.filename, { recursive: opts.recursive })) {
        try {
          const r = await resourceForObject(ctx, m.object, m.source);
          const ns = manifestNamespace(ctx, r, m.object);
          const obj: KubeObject = { ...m.object, metadata: { ...m.object.metadata, ...(ns ? { namespace: ns } : {}) } };
          const op = await (opts.serverSide ? applyServerSide(ctx, r, ns, obj, dryRun, opts) : applyOne(ctx, r, ns, obj, dryRun)).catch((err: unknown) => {
            if (err instanceof ApplyConflict) throw new CliError(err.message);
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

async function applyServerSide(ctx: CliContext, r: ApiResource, ns: string | undefined, obj: KubeObject, dryRun: ReturnType<typeof parseDryRun>, opts: ApplyOptions): Promise<string> {
  const name = obj.metadata.name;
  if (!name) throw new CliError('error when retrieving current configuration: resource name may not be empty');
  const query = {
    fieldManager: opts.fieldManager ?? 'kubectl',
    ...(opts.forceConflicts ? { force: 'true' } : {}),
    fieldValidation: validationOf(opts.validate),
    ...dryRunQuery(dryRun),
  };
  try {
    await ctx.client.request('PATCH', resourcePath(r, ns, name, undefined, query), obj, 'application/apply-patch+yaml');
  } catch (err) {
    if (err instanceof ApiError && err.code === 409 && err.message.startsWith('Apply failed')) throw new ApplyConflict(`${err.message}\n${conflictHelp}`);
    throw err;
  }
  return 'serverside-applied';
}

/** A refused server-side apply: printed as kubectl does, without the file name. */
class ApplyConflict extends Error {}

function validationOf(v: string | undefined): string {
  const m = (v ?? 'strict').toLowerCase();
  return m === 'true' || m === 'strict' ? 'Strict' : m === 'warn' ? 'Warn' : 'Ignore';
}
