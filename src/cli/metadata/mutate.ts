/**
 * The one action behind `label` and `annotate`: find the objects (names, -f, -l, --all), patch
 * `metadata.labels` or `metadata.annotations` with a JSON merge patch (`null` removes a key), and
 * report `pod/x labeled` — or `not labeled` when there was nothing to change.
 */
import type { Command } from 'commander';
import type { KubeObject } from '../../api/types.js';
import {
  CliError, collect, dryRunQuery, formatError, getObject, kubeCommand, operationLine, parseDryRun, resolveTargets, resourcePath, runKube,
  withSource, type GlobalFlags,
} from '../kube/index.js';
import { keyValuePatch, parseKeyValueArgs, type PairKind } from './keyvalues.js';

interface MutateOptions extends GlobalFlags {
  overwrite: boolean;
  filename?: string[];
  recursive: boolean;
  selector?: string;
  fieldSelector?: string;
  all: boolean;
  resourceVersion?: string;
  dryRun?: string | boolean;
  output?: string;
}

const words: Record<PairKind, { field: 'labels' | 'annotations'; done: string; verb: string }> = {
  label: { field: 'labels', done: 'labeled', verb: 'label' },
  annotation: { field: 'annotations', done: 'annotated', verb: 'annotate' },
};

export function metadataCommand(kind: PairKind, description: string): Command {
  const w = words[kind];
  return kubeCommand(w.verb, description, { allNamespaces: true })
    .option('--overwrite', `allow changing a ${kind} that already has a value`, false)
    .option('-f, --filename <file>', 'file, directory or - naming the objects', collect)
    .option('-R, --recursive', 'process the directory used in -f recursively', false)
    .option('-l, --selector <selector>', 'label selector')
    .option('--field-selector <selector>', 'field selector')
    .option('--all', 'every object of the given types in the namespace', false)
    .option('--resource-version <rv>', 'only change the object if it is still at this resource version')
    .option('--dry-run [strategy]', 'none, client or server')
    .option('-o, --output <format>', 'name: print only kind/name')
    .action(runKube<MutateOptions>(async (ctx, args, opts) => {
      const changes = parseKeyValueArgs(args, kind);
      if (opts.filename?.length && changes.resources.length) throw new CliError('resources cannot be given together with -f');
      const dryRun = parseDryRun(opts.dryRun);
      const targets = await resolveTargets(ctx, changes.resources, { filenames: opts.filename, recursive: opts.recursive, selector: opts.selector, fieldSelector: opts.fieldSelector, all: opts.all });
      if (targets.length === 0) throw new CliError('no objects passed to ' + w.verb);
      const errors: unknown[] = [];
      for (const t of targets) {
        try {
          const live: KubeObject = t.object && !t.source ? t.object : await getObject(ctx, t.resource, t.namespace, t.name);
          const current = live.metadata[w.field] as Record<string, string> | undefined;
          const patch = keyValuePatch(current, changes, opts.overwrite);
          if (patch && dryRun !== 'client') {
            const body = { metadata: { [w.field]: patch, ...(opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {}) } };
            await ctx.client.request('PATCH', resourcePath(t.resource, t.namespace, t.name, undefined, dryRunQuery(dryRun)), body, 'application/merge-patch+json');
          }
          ctx.out.write(`${operationLine(t.resource, t.name, patch || kind === 'annotation' ? w.done : `not ${w.done}`, dryRun, opts.output === 'name')}\n`);
        } catch (err) {
          errors.push(withSource(`${w.verb.replace(/e$/, '')}ing`, t.source, err));
        }
      }
      for (const e of errors.slice(0, -1)) ctx.err.write(`${formatError(e)}\n`);
      if (errors.length) throw errors[errors.length - 1];
    }));
}
