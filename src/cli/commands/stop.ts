/**
 * `skiff stop TYPE NAME` / `skiff stop -f FILE`: the verb kubectl dropped and the seeds use. It
 * deletes the object together with its pods and returns only when both are gone, printing the
 * seeds' line `job "package-check" deleted`. Deletion runs in the foreground, so the server's
 * garbage collector removes the pods before the owner, and stop also waits for every pod the
 * owner had (a pod is gone only when its node has confirmed it stopped).
 */
import type { Command } from 'commander';
import type { KubeObject } from '../../api/types.js';
import {
  CliError, collect, formatError, getObject, kubeCommand, resolveTargets, resolveType, resourcePath, runKube, waitForDependentsGone,
  waitForGone, withSource, type GlobalFlags,
} from '../kube/index.js';
import { parseDuration } from '../durations.js';

interface StopOptions extends GlobalFlags {
  filename?: string[];
  recursive: boolean;
  selector?: string;
  all: boolean;
  gracePeriod: string;
  timeout: string;
  ignoreNotFound: boolean;
}

export function stopCommand(): Command {
  return kubeCommand('stop', 'delete objects with their pods and wait until all are gone (the legacy verb)')
    .option('-f, --filename <file>', 'file, directory or - with the objects to stop (repeatable)', collect)
    .option('-R, --recursive', 'process the directory used in -f recursively', false)
    .option('-l, --selector <selector>', 'label selector')
    .option('--all', 'stop every object of the given types in the namespace', false)
    .option('--grace-period <seconds>', 'seconds the pods get to terminate (-1: their own default)', '-1')
    .option('--timeout <duration>', 'how long to wait for the objects and pods to go (0: for ever)', '5m')
    .option('--ignore-not-found', 'treat objects that do not exist as stopped', false)
    .action(runKube<StopOptions>(async (ctx, args, opts) => {
      const grace = Number(opts.gracePeriod);
      if (!Number.isInteger(grace)) throw new CliError(`invalid argument "${opts.gracePeriod}" for "--grace-period" flag`);
      const timeoutMs = parseDuration(opts.timeout === '0' ? '0s' : opts.timeout);
      const targets = await resolveTargets(ctx, args, { filenames: opts.filename, recursive: opts.recursive, selector: opts.selector, all: opts.all });
      const pods = resolveType(await ctx.discovery(), 'pods');
      const errors: unknown[] = [];
      for (const t of targets) {
        try {
          const live: KubeObject = await getObject(ctx, t.resource, t.namespace, t.name);
          const uid = live.metadata.uid;
          const body = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground', ...(grace >= 0 ? { gracePeriodSeconds: grace } : {}), ...(uid ? { preconditions: { uid } } : {}) };
          await ctx.client.request('DELETE', resourcePath(t.resource, t.namespace, t.name), body);
          if (uid && t.resource.kind !== 'Pod') await waitForDependentsGone(ctx, pods, t.namespace, uid, timeoutMs);
          await waitForGone(ctx, t.resource, t.namespace, t.name, uid, timeoutMs);
          ctx.out.write(`${t.resource.kind.toLowerCase()} "${t.name}" deleted\n`);
        } catch (err) {
          if (opts.ignoreNotFound && (err as { code?: number }).code === 404) continue;
          errors.push(withSource('stopping', t.source, err));
        }
      }
      for (const e of errors.slice(0, -1)) ctx.err.write(`${formatError(e)}\n`);
      if (errors.length) throw errors[errors.length - 1];
    }));
}
