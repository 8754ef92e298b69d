/**
 * `skiff set image TYPE/NAME CONTAINER=IMAGE…` as kubectl's: the named containers (init
 * containers too; `*` for all) of a pod or of a workload's pod template get the new image, by a
 * strategic merge patch keyed on container names; `kind/name image updated`, or kubectl's
 * `unable to find container named "x"`.
 */
import { Command } from 'commander';
import type { KubeObject } from '../../api/types.js';
import { CliError, getObject, kubeCommand, operationLine, resolveTargets, resourcePath, runKube, type GlobalFlags } from '../kube/index.js';

interface NamedContainer {
  name: string;
  image?: string;
}

interface PodSpecLike {
  containers?: NamedContainer[];
  initContainers?: NamedContainer[];
}

/** The patch setting `images` (container → image) on `spec`; `wrap` puts the pod spec where the object keeps it. */
export function imagePatch(spec: PodSpecLike, images: ReadonlyMap<string, string>, wrap: (podSpec: Record<string, unknown>) => Record<string, unknown>): Record<string, unknown> {
  const pick = (list: readonly NamedContainer[] | undefined) => (list ?? []).flatMap((c) => {
    const image = images.get(c.name) ?? images.get('*');
    return image !== undefined ? [{ name: c.name, image }] : [];
  });
  for (const name of images.keys()) {
    if (name !== '*' && ![...(spec.containers ?? []), ...(spec.initContainers ?? [])].some((c) => c.name === name)) {
      throw new CliError(`unable to find container named "${name}"`);
    }
  }
  const podSpec: Record<string, unknown> = {};
  const containers = pick(spec.containers);
  const inits = pick(spec.initContainers);
  if (containers.length) podSpec['containers'] = containers;
  if (inits.length) podSpec['initContainers'] = inits;
  return wrap(podSpec);
}

function imageCommand(): Command {
  return kubeCommand('image', 'update the image of containers of a pod or workload')
    .action(runKube<GlobalFlags>(async (ctx, args) => {
      const pairs = args.filter((a) => a.includes('='));
      const resources = args.filter((a) => !a.includes('='));
      if (pairs.length === 0) throw new CliError('at least one image update is required');
      const images = new Map<string, string>();
      for (const p of pairs) {
        const [name, image] = [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)];
        if (!name || !image) throw new CliError(`invalid image update "${p}": expected CONTAINER=IMAGE`);
        images.set(name, image);
      }
      for (const t of await resolveTargets(ctx, resources, {})) {
        const obj = (await getObject(ctx, t.resource, t.namespace, t.name)) as KubeObject & { spec?: { template?: { spec?: PodSpecLike } } & PodSpecLike };
        const isPod = t.resource.kind === 'Pod';
        const spec = isPod ? obj.spec : obj.spec?.template?.spec;
        if (!spec) throw new CliError(`${t.resource.kind.toLowerCase()}/${t.name} has no pod template`);
        const patch = imagePatch(spec, images, (podSpec) => (isPod ? { spec: podSpec } : { spec: { template: { spec: podSpec } } }));
        await ctx.client.request('PATCH', resourcePath(t.resource, t.namespace, t.name), patch, 'application/strategic-merge-patch+json');
        ctx.out.write(`${operationLine(t.resource, t.name, 'image updated')}\n`);
      }
    }));
}

export function setCommand(): Command {
  return new Command('set').description('set specific features on objects').addCommand(imageCommand());
}
