/**
 * `skiff diff -f FILE`: what `apply` would change, as kubectl diff shows it. The server computes
 * the result with a dry run (the client-side apply's three-way patch, or with `--server-side` a
 * server-side apply), and `diff -u -N` (or $KUBECTL_EXTERNAL_DIFF) compares the live object with
 * it. Exits 0 when nothing would change, 1 when something would, above 1 on errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { patchMergeKey } from '../../api/schema/index.js';
import { parseApiVersion, type KubeObject } from '../../api/types.js';
import {
  collect, getObject, isNotFound, kubeCommand, manifestNamespace, noResourcesMessage, readManifests, resourceForObject, resourcePath,
  runKube, CliError, type ApiResource, type CliContext, type GlobalFlags,
} from '../kube/index.js';
import { toYamlText } from '../printers/index.js';
import { lastApplied, threeWayMergePatch, withLastApplied } from '../apply/index.js';

interface DiffOptions extends GlobalFlags {
  filename?: string[];
  recursive: boolean;
  serverSide: boolean;
  forceConflicts: boolean;
  fieldManager?: string;
}

export function diffCommand(): Command {
  return kubeCommand('diff', 'diff the live objects against what apply would make of them')
    .option('-f, --filename <file>', 'file, directory or - (stdin) with the objects to compare (repeatable)', collect)
    .option('-R, --recursive', 'process the directory used in -f recursively', false)
    .option('--server-side', 'compare with a server-side apply', false)
    .option('--force-conflicts', 'with --server-side: as if forcing conflicts', false)
    .option('--field-manager <name>', 'the field manager of the (dry-run) apply')
    .action(runKube<DiffOptions>(async (ctx, _args, opts) => {
      if (!opts.filename?.length) throw new CliError(noResourcesMessage, 2);
      const live = mkdtempSync(path.join(os.tmpdir(), 'LIVE-'));
      const merged = mkdtempSync(path.join(os.tmpdir(), 'MERGED-'));
      try {
        for (const m of readManifests(opts.filename, { recursive: opts.recursive })) {
          const r = await resourceForObject(ctx, m.object, m.source);
          const ns = manifestNamespace(ctx, r, m.object);
          const obj: KubeObject = { ...m.object, metadata: { ...m.object.metadata, ...(ns ? { namespace: ns } : {}) } };
          const name = obj.metadata.name ?? '';
          const current = await getObject(ctx, r, ns, name).catch((err: unknown) => {
            if (isNotFound(err)) return undefined;
            throw err;
          });
          const after = await dryRunApply(ctx, r, ns, obj, current, opts);
          const file = [r.group || 'core', r.version, r.kind, ...(ns ? [ns] : []), name].join('.');
          if (current) writeFileSync(path.join(live, file), toYamlText(masked(current)));
          writeFileSync(path.join(merged, file), toYamlText(masked(after)));
        }
        const [prog = 'diff', ...flags] = (process.env['KUBECTL_EXTERNAL_DIFF'] || 'diff -u -N').split(/\s+/);
        const res = spawnSync(prog, [...flags, live, merged], { encoding: 'utf8' });
        if (res.error) throw new CliError(`failed to run "${prog}": ${res.error.message}`, 2);
        ctx.out.write(res.stdout);
        if (res.stderr) ctx.err.write(res.stderr);
        if (res.status !== 0) process.exitCode = res.status === 1 ? 1 : Math.max(2, res.status ?? 2);
      } finally {
        rmSync(live, { recursive: true, force: true });
        rmSync(merged, { recursive: true, force: true });
      }
    }));
}

/** kubectl diff leaves managedFields out of both sides. */
function masked(obj: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = obj.metadata;
  void _m;
  return { ...obj, metadata };
}

async function dryRunApply(ctx: CliContext, r: ApiResource, ns: string | undefined, obj: KubeObject, current: KubeObject | undefined, opts: DiffOptions): Promise<KubeObject> {
  const name = obj.metadata.name ?? '';
  if (opts.serverSide) {
    const q = { fieldManager: opts.fieldManager ?? 'kubectl', ...(opts.forceConflicts ? { force: 'true' } : {}), dryRun: 'All', fieldValidation: 'Strict' };
    return (await ctx.client.request('PATCH', resourcePath(r, ns, name, undefined, q), obj, 'application/apply-patch+yaml')) as KubeObject;
  }
  const q = { fieldManager: opts.fieldManager ?? 'kubectl-client-side-apply', dryRun: 'All', fieldValidation: 'Strict' };
  const modified = withLastApplied(obj);
  if (!current) return (await ctx.client.request('POST', resourcePath(r, ns, undefined, undefined, q), modified)) as KubeObject;
  const { group, version } = parseApiVersion(String(obj.apiVersion));
  const patch = threeWayMergePatch(lastApplied(current), modified as Record<string, unknown>, current as Record<string, unknown>, (p) => patchMergeKey(group, version, String(obj.kind), p));
  if (Object.keys(patch).length === 0) return current;
  return (await ctx.client.request('PATCH', resourcePath(r, ns, name, undefined, q), patch, 'application/strategic-merge-patch+json')) as KubeObject;
}
