/**
 * `skiff scale --replicas=N TYPE NAME`: through the scale subresource. Without a precondition it
 * is one merge patch; with `--current-replicas` (or `--resource-version`) it reads the Scale,
 * refuses with kubectl's `Expected replicas to be 3, was 2` when the count differs — changing
 * nothing — and writes the Scale back with its resourceVersion, so a concurrent change fails
 * instead of being overwritten. `--current-replicas=-1` skips the check, as in the seed.
 */
import type { Command } from 'commander';
import {
  CliError, collect, dryRunQuery, formatError, kubeCommand, operationLine, parseDryRun, resolveTargets, resourcePath, runKube,
  withSource, type CliContext, type GlobalFlags, type Target,
} from '../kube/index.js';

interface ScaleOptions extends GlobalFlags {
  replicas?: string;
  currentReplicas: string;
  resourceVersion?: string;
  filename?: string[];
  recursive: boolean;
  selector?: string;
  all: boolean;
  dryRun?: string | boolean;
  output?: string;
}

interface Scale {
  metadata: { resourceVersion?: string; [k: string]: unknown };
  spec?: { replicas?: number };
  [k: string]: unknown;
}

export function scaleCommand(): Command {
  return kubeCommand('scale', 'set a new size for a replication controller, replica set, deployment or stateful set')
    .option('--replicas <n>', 'the new desired number of replicas (required)')
    .option('--current-replicas <n>', 'precondition: the current size must be this (-1: no check)', '-1')
    .option('--resource-version <rv>', 'precondition: the resource version must match')
    .option('-f, --filename <file>', 'file, directory or - naming the objects to scale', collect)
    .option('-R, --recursive', 'process the directory used in -f recursively', false)
    .option('-l, --selector <selector>', 'label selector')
    .option('--all', 'scale every object of the given types in the namespace', false)
    .option('--dry-run [strategy]', 'none, client or server')
    .option('-o, --output <format>', 'name: print only kind/name')
    .action(runKube<ScaleOptions>(async (ctx, args, opts) => {
      if (opts.replicas === undefined) throw new CliError('required flag(s) "replicas" not set');
      const replicas = Number(opts.replicas);
      if (!Number.isInteger(replicas) || replicas < 0) throw new CliError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
      const current = Number(opts.currentReplicas);
      if (!Number.isInteger(current) || current < -1) throw new CliError(`invalid argument "${opts.currentReplicas}" for "--current-replicas" flag`);
      const dryRun = parseDryRun(opts.dryRun);
      const targets = await resolveTargets(ctx, args, { filenames: opts.filename, recursive: opts.recursive, selector: opts.selector, all: opts.all });
      if (targets.length === 0) throw new CliError('no objects passed to scale');
      const errors: unknown[] = [];
      for (const t of targets) {
        try {
          await scaleOne(ctx, t, replicas, current, opts.resourceVersion, dryRun);
          ctx.out.write(`${operationLine(t.resource, t.name, 'scaled', dryRun, opts.output === 'name')}\n`);
        } catch (err) {
          errors.push(withSource('scaling', t.source, err));
        }
      }
      for (const e of errors.slice(0, -1)) ctx.err.write(`${formatError(e)}\n`);
      if (errors.length) throw errors[errors.length - 1];
    }));
}

async function scaleOne(ctx: CliContext, t: Target, replicas: number, current: number, resourceVersion: string | undefined, dryRun: ReturnType<typeof parseDryRun>): Promise<void> {
  const path = resourcePath(t.resource, t.namespace, t.name, 'scale');
  const writePath = resourcePath(t.resource, t.namespace, t.name, 'scale', dryRunQuery(dryRun));
  if (current >= 0 || resourceVersion) {
    const scale = (await ctx.client.request('GET', path)) as Scale;
    const was = scale.spec?.replicas ?? 0;
    if (current >= 0 && was !== current) throw new CliError(`Expected replicas to be ${current}, was ${was}`);
    if (resourceVersion && scale.metadata.resourceVersion !== resourceVersion) {
      throw new CliError(`Expected resourceVersion to be ${resourceVersion}, was ${scale.metadata.resourceVersion ?? ''}`);
    }
    if (dryRun === 'client') return;
    await ctx.client.request('PUT', writePath, { ...scale, spec: { ...(scale.spec ?? {}), replicas } });
    return;
  }
  if (dryRun === 'client') {
    await ctx.client.request('GET', path);
    return;
  }
  await ctx.client.request('PATCH', writePath, { spec: { replicas } }, 'application/merge-patch+json');
}
