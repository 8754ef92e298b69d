/**
 * `skiff create deployment NAME --image=IMAGE… [--replicas=N] [--port=P]`, making the object
 * kubectl's generator makes: label and selector `app: NAME`, one container per image named after
 * the image (path, tag and digest dropped, `_` as `-`).
 */
import type { Command } from 'commander';
import type { KubeObject } from '../../api/types.js';
import {
  CliError, collect, dryRunQuery, kubeCommand, operationLine, parseDryRun, resourceForObject, resourcePath, runKube, type GlobalFlags,
} from '../kube/index.js';

interface CreateDeploymentOptions extends GlobalFlags {
  image?: string[];
  replicas: string;
  port?: string;
  dryRun?: string | boolean;
  output?: string;
}

/** kubectl's container name for an image: `registry/team/web-app:1.2` → `web-app`. */
export function containerNameFor(image: string, taken: ReadonlySet<string>): string {
  let name = image.split('/').pop() ?? image;
  name = name.split('@')[0]!.split(':')[0]!.replace(/_/g, '-');
  if (!taken.has(name)) return name;
  for (let i = 0; ; i++) {
    const candidate = `${name}-${Math.random().toString(36).slice(2, 7)}`;
    if (!taken.has(candidate) || i > 10) return candidate;
  }
}

export function deploymentFor(name: string, namespace: string, images: readonly string[], replicas: number, port: number | undefined): KubeObject {
  const taken = new Set<string>();
  const containers = images.map((image) => {
    const c = containerNameFor(image, taken);
    taken.add(c);
    return { name: c, image, resources: {}, ...(port !== undefined ? { ports: [{ containerPort: port }] } : {}) };
  });
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: { replicas, selector: { matchLabels: labels }, strategy: {}, template: { metadata: { labels }, spec: { containers } } },
  };
}

export function createDeploymentCommand(): Command {
  return kubeCommand('deployment', 'create a deployment running the given images')
    .alias('deploy')
    .option('--image <image>', 'image to run (repeatable: one container each)', collect)
    .option('--replicas <n>', 'number of replicas', '1')
    .option('--port <port>', 'the port the containers expose')
    .option('--dry-run [strategy]', 'none, client or server: only print what would be created')
    .option('-o, --output <format>', 'name: print only kind/name')
    .action(withParentFlags(runKube<CreateDeploymentOptions>(async (ctx, args, opts) => {
      const name = args[0];
      if (!name) throw new CliError('NAME is required');
      if (!opts.image?.length) throw new CliError('required flag(s) "image" not set');
      const replicas = Number(opts.replicas);
      if (!Number.isInteger(replicas) || replicas < 0) throw new CliError(`invalid argument "${opts.replicas}" for "--replicas" flag`);
      const port = opts.port === undefined ? undefined : Number(opts.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new CliError(`invalid argument "${opts.port}" for "--port" flag`);
      const dryRun = parseDryRun(opts.dryRun);
      const obj = deploymentFor(name, ctx.namespace, opts.image, replicas, port);
      const r = await resourceForObject(ctx, obj, 'create deployment');
      if (dryRun !== 'client') {
        await ctx.client.request('POST', resourcePath(r, ctx.namespace, undefined, undefined, { fieldManager: 'kubectl-create', ...dryRunQuery(dryRun) }), obj);
      }
      ctx.out.write(`${operationLine(r, name, 'created', dryRun, opts.output === 'name')}\n`);
    })));
}

/** `create` has the same global flags as this subcommand and commander hands a flag to the first
 * command that knows it, wherever it stands: the verb sees both commands' flags merged. */
export function withParentFlags(action: (...a: unknown[]) => Promise<void>): (...a: unknown[]) => Promise<void> {
  return (...a: unknown[]) => {
    const cmd = a[a.length - 1] as Command;
    const merged = { opts: () => cmd.optsWithGlobals(), args: cmd.args };
    return action(...a.slice(0, -1), merged);
  };
}
