/**
 * `skiff delete`: by TYPE NAME, TYPE/NAME, -f, -l or --all; cascades as `--cascade` says
 * (background by default, as kubectl); prints each object as it is deleted and then, unless
 * `--wait=false`, waits until every one is really gone (finalizers, terminating pods).
 */
import type { Command } from 'commander';
import { parseDuration } from '../durations.js';
import {
  CliError, collect, deletedLine, dryRunQuery, isNotFound, kubeCommand, parseDryRun, resolveTargets, resourcePath, runKube,
  formatError, waitForGone, withSource, type GlobalFlags,
} from '../kube/index.js';
import type { KubeObject } from '../../api/types.js';

interface DeleteOptions extends GlobalFlags {
  filename?: string[];
  recursive: boolean;
  selector?: string;
  fieldSelector?: string;
  all: boolean;
  cascade?: string | boolean;
  gracePeriod: string;
  now: boolean;
  force: boolean;
  wait: string | boolean;
  timeout: string;
  ignoreNotFound: boolean;
  dryRun?: string | boolean;
  output?: string;
}

/** `--cascade` to a propagation policy; `true`/`false` are the legacy spellings. */
export function propagationPolicy(v: string | boolean | undefined): 'Background' | 'Foreground' | 'Orphan' {
  if (v === undefined || v === true || v === 'true' || v === 'background') return 'Background';
  if (v === 'foreground') return 'Foreground';
  if (v === false || v === 'false' || v === 'orphan') return 'Orphan';
  throw new CliError(`invalid cascade value (${String(v)}). Must be "background", "foreground", or "orphan"`);
}

export function deleteCommand(): Command {
  return kubeCommand('delete', 'delete objects by name, file, label selector or --all', { allNamespaces: true })
    .option('-f, --filename <file>', 'file, directory or - with the objects to delete (repeatable)', collect)
    .option('-R, --recursive', 'process the directory used in -f recursively', false)
    .option('-l, --selector <selector>', 'label selector')
    .option('--field-selector <selector>', 'field selector')
    .option('--all', 'delete every object of the given types in the namespace', false)
    .option('--cascade [mode]', 'background, foreground or orphan (legacy: true/false)')
    .option('--grace-period <seconds>', 'seconds the objects get to terminate (-1: their own default)', '-1')
    .option('--now', 'signal the objects to stop at once (grace period 1)', false)
    .option('--force', 'with --grace-period=0: remove at once, without waiting for the node', false)
    .option('--wait [bool]', 'wait for the objects to be gone before returning', true)
    .option('--timeout <duration>', 'how long to wait for the deletion (0: for ever)', '0s')
    .option('--ignore-not-found', 'treat objects that do not exist as deleted', false)
    .option('--dry-run [strategy]', 'none, client or server')
    .option('-o, --output <format>', 'name: print only kind/name')
    .action(runKube<DeleteOptions>(async (ctx, args, opts) => {
      const policy = propagationPolicy(opts.cascade);
      const dryRun = parseDryRun(opts.dryRun);
      let grace = Number(opts.gracePeriod);
      if (!Number.isInteger(grace)) throw new CliError(`invalid argument "${opts.gracePeriod}" for "--grace-period" flag`);
      if (opts.now) {
        if (grace >= 0) throw new CliError('--now and --grace-period cannot be specified together');
        grace = 1;
      }
      if (grace === 0 && !opts.force) grace = 1;
      if (opts.force && grace < 0) grace = 0;
      if (grace === 0) ctx.err.write('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n');
      if (opts.all && opts.selector) throw new CliError('cannot set --all and --selector at the same time');
      const targets = await resolveTargets(ctx, args, { filenames: opts.filename, recursive: opts.recursive, selector: opts.selector, fieldSelector: opts.fieldSelector, all: opts.all });
      if (targets.length === 0) {
        ctx.out.write('No resources found\n');
        return;
      }
      const errors: unknown[] = [];
      const gone: { t: (typeof targets)[number]; uid: string | undefined }[] = [];
      for (const t of targets) {
        try {
          let uid: string | undefined;
          if (dryRun === 'client') {
            // Only check that it exists.
            await ctx.client.request('GET', resourcePath(t.resource, t.namespace, t.name));
          } else {
            const body = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: policy, ...(grace >= 0 ? { gracePeriodSeconds: grace } : {}), ...(dryRun === 'server' ? { dryRun: ['All'] } : {}) };
            const res = (await ctx.client.request('DELETE', resourcePath(t.resource, t.namespace, t.name, undefined, dryRunQuery(dryRun)), body)) as KubeObject | undefined;
            uid = res?.metadata?.uid;
          }
          ctx.out.write(`${opts.output === 'name' ? `${deletedLine(t.resource, t.name).split(' ')[0] ?? ''}/${t.name}` : deletedLine(t.resource, t.name, dryRun, grace === 0)}\n`);
          gone.push({ t, uid });
        } catch (err) {
          if (isNotFound(err) && opts.ignoreNotFound) continue;
          errors.push(withSource('deleting', t.source, err));
        }
      }
      const wait = opts.wait === true || opts.wait === 'true';
      if (wait && dryRun === 'none') {
        const timeoutMs = parseDuration(opts.timeout === '0' ? '0s' : opts.timeout);
        await Promise.all(gone.map(({ t, uid }) => waitForGone(ctx, t.resource, t.namespace, t.name, uid, timeoutMs)));
      }
      if (errors.length) {
        for (const e of errors.slice(0, -1)) ctx.err.write(`${formatError(e)}\n`);
        throw errors[errors.length - 1];
      }
    }));
}
