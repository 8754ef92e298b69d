/**
 * `skiff create -f FILE`: one POST per object, in order, as kubectl does; an object that fails
 * does not stop the others, and every failure is reported at the end (exit 1).
 */
import type { Command } from 'commander';
import type { KubeObject } from '../../api/types.js';
import {
  AggregateCliError, collect, dryRunQuery, kubeCommand, manifestNamespace, noResourcesMessage, operationLine, parseDryRun,
  readManifests, resourceForObject, resourcePath, runKube, withSource, CliError, type GlobalFlags,
} from '../kube/index.js';
import { withLastApplied } from '../apply/index.js';
import { createDeploymentCommand } from './createdeployment.js';
import { createCronJobCommand } from './createcronjob.js';

interface CreateOptions extends GlobalFlags {
  filename?: string[];
  recursive: boolean;
  dryRun?: string | boolean;
  output?: string;
  saveConfig: boolean;
  validate?: string;
}

export function createCommand(): Command {
  return kubeCommand('create', 'create objects from files or stdin')
    .option('-f, --filename <file>', 'file, directory or - (stdin) with the objects to create (repeatable)', collect)
    .option('-R, --recursive', 'process the directory used in -f recursively', false)
    .option('--dry-run [strategy]', 'none, client or server: only print what would be created')
    .option('-o, --output <format>', 'name: print only kind/name')
    .option('--save-config', 'store the object in the last-applied annotation, for later apply', false)
    .option('--validate [mode]', 'strict, warn or ignore (the server validates fields strictly)', 'strict')
    .addCommand(createDeploymentCommand())
    .addCommand(createCronJobCommand())
    .action(runKube<CreateOptions>(async (ctx, args, opts) => {
      if (!opts.filename?.length) throw new CliError(args.length ? `Unexpected args: [${args.join(' ')}]\nSee 'skiff create -h' for help and examples` : noResourcesMessage);
      const dryRun = parseDryRun(opts.dryRun);
      const validation = opts.validate === 'false' || opts.validate === 'ignore' ? 'Ignore' : opts.validate === 'warn' ? 'Warn' : 'Strict';
      const errors: unknown[] = [];
      for (const m of readManifests(opts.filename, { recursive: opts.recursive })) {
        try {
          const r = await resourceForObject(ctx, m.object, m.source);
          const ns = manifestNamespace(ctx, r, m.object);
          const body: KubeObject = opts.saveConfig ? withLastApplied(m.object) : m.object;
          let created = body;
          if (dryRun !== 'client') {
            const path = resourcePath(r, ns, undefined, undefined, { fieldManager: 'kubectl-create', fieldValidation: validation, ...dryRunQuery(dryRun) });
            try {
              created = (await ctx.client.request('POST', path, body)) as KubeObject;
            } catch (err) {
              throw withSource('creating', m.source, err);
            }
          }
          ctx.out.write(`${operationLine(r, created.metadata.name ?? created.metadata.generateName ?? '', 'created', dryRun, opts.output === 'name')}\n`);
        } catch (err) {
          errors.push(err);
        }
      }
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new AggregateCliError(errors);
    }));
}
