/**
 * `skiff create cronjob NAME --image=IMAGE --schedule='*\/5 * * * *' [--restart=OnFailure|Never]
 * [-- COMMAND [ARGS…]]`, making the object kubectl's generator makes: one container named after
 * the cron job, restart policy OnFailure unless told.
 */
import type { Command } from 'commander';
import type { KubeObject } from '../../api/types.js';
import {
  CliError, dryRunQuery, kubeCommand, operationLine, parseDryRun, resourceForObject, resourcePath, runKube, type GlobalFlags,
} from '../kube/index.js';
import { withParentFlags } from './createdeployment.js';

interface CreateCronJobOptions extends GlobalFlags {
  image?: string;
  schedule?: string;
  restart?: string;
  dryRun?: string | boolean;
  output?: string;
}

export function cronJobFor(name: string, namespace: string, image: string, schedule: string, restartPolicy: string, command: readonly string[]): KubeObject {
  const container = { name, image, resources: {}, ...(command.length ? { command: [...command] } : {}) };
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace },
    spec: { schedule, jobTemplate: { metadata: { name }, spec: { template: { metadata: {}, spec: { containers: [container], restartPolicy } } } } },
  };
}

export function createCronJobCommand(): Command {
  return kubeCommand('cronjob', 'create a cron job running the given image on a schedule')
    .alias('cj')
    .option('--image <image>', 'image to run')
    .option('--schedule <cron>', 'the schedule in cron format, e.g. "*/1 * * * *"')
    .option('--restart <policy>', 'the job\'s restart policy: OnFailure or Never', 'OnFailure')
    .option('--dry-run [strategy]', 'none, client or server: only print what would be created')
    .option('-o, --output <format>', 'name: print only kind/name')
    .action(withParentFlags(runKube<CreateCronJobOptions>(async (ctx, args, opts) => {
      const [name, ...command] = args;
      if (!name) throw new CliError('NAME is required');
      if (!opts.image) throw new CliError('required flag(s) "image" not set');
      if (!opts.schedule) throw new CliError('required flag(s) "schedule" not set');
      if (opts.restart !== 'OnFailure' && opts.restart !== 'Never') throw new CliError(`restart policy "${opts.restart ?? ''}" is not supported: use OnFailure or Never`);
      const dryRun = parseDryRun(opts.dryRun);
      const obj = cronJobFor(name, ctx.namespace, opts.image, opts.schedule, opts.restart, command);
      const r = await resourceForObject(ctx, obj, 'create cronjob');
      if (dryRun !== 'client') {
        await ctx.client.request('POST', resourcePath(r, ctx.namespace, undefined, undefined, { fieldManager: 'kubectl-create', ...dryRunQuery(dryRun) }), obj);
      }
      ctx.out.write(`${operationLine(r, name, 'created', dryRun, opts.output === 'name')}\n`);
    })));
}
