/**
 * `skiff describe TYPE [NAME_PREFIX] | TYPE/NAME`: fetches what each describer needs as kubectl
 * does — the object, its events (fieldSelector involvedObject.name/namespace/uid), the pods a
 * controller selects, a service's endpoints, a node's pods — and prints the describer's text,
 * objects separated by a blank line.
 */
import type { Command } from 'commander';
import type { DaemonSet, Deployment, Endpoints, Job, Namespace, Node, Pod, ReplicaSet, ReplicationController, Service } from '../../api/kinds.js';
import type { KubeObject, LabelSelector } from '../../api/types.js';
import { selectorString } from '../../apiserver/tables/format.js';
import {
  CliError, getObject, isNotFound, kubeCommand, parseResourceArgs, resourcePath, runKube, scopeNamespace,
  type ApiResource, type CliContext, type GlobalFlags,
} from '../kube/index.js';
import {
  describeDaemonSet, describeDeployment, describeEndpoints, describeGeneric, describeJob, describeNamespace, describeNode,
  describePod, describeReplicas, describeService, type EventLike,
} from '../describe/index.js';

interface DescribeOptions extends GlobalFlags {
  selector?: string;
  showEvents: boolean;
}

export function describeCommand(): Command {
  return kubeCommand('describe', 'show details of a specific resource or group of resources', { allNamespaces: true })
    .option('-l, --selector <selector>', 'label selector')
    .option('--show-events', 'show events related to the described object', true)
    .action(runKube<DescribeOptions>(async (ctx, args, opts) => {
      if (args.length === 0) throw new CliError('You must specify the type of resource to describe. Use "skiff api-resources" for a complete list of supported resources.');
      const texts: string[] = [];
      for (const sel of parseResourceArgs(await ctx.discovery(), args)) {
        for (const obj of await objectsFor(ctx, sel.resource, sel.names, opts.selector)) {
          texts.push(await describeOne(ctx, sel.resource, obj, opts.showEvents));
        }
      }
      if (texts.length === 0) {
        ctx.err.write(ctx.allNamespaces ? 'No resources found\n' : `No resources found in ${ctx.namespace} namespace.\n`);
        return;
      }
      ctx.out.write(texts.join('\n\n'));
    }));
}

async function list(ctx: CliContext, r: ApiResource, ns: string | undefined, query: Record<string, string | undefined>): Promise<KubeObject[]> {
  const l = await ctx.client.request('GET', resourcePath(r, ns, undefined, undefined, query)) as { items?: KubeObject[] };
  return (l.items ?? []).map((o) => ({ apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind, ...o }));
}

/** Named objects (exact name, else every object whose name starts with it), or a listing. */
async function objectsFor(ctx: CliContext, r: ApiResource, names: readonly string[], selector: string | undefined): Promise<KubeObject[]> {
  const ns = scopeNamespace(ctx, r);
  if (names.length === 0) return list(ctx, r, ns, { labelSelector: selector });
  const out: KubeObject[] = [];
  for (const name of names) {
    try {
      out.push(await getObject(ctx, r, r.namespaced ? ctx.namespace : undefined, name));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const prefixed = (await list(ctx, r, ns, {})).filter((o) => (o.metadata.name ?? '').startsWith(name));
      if (prefixed.length === 0) throw err;
      out.push(...prefixed);
    }
  }
  return out;
}

async function resource(ctx: CliContext, plural: string, group = ''): Promise<ApiResource> {
  const d = await ctx.discovery();
  const r = d.resources.find((x) => x.plural === plural && x.group === group && x.preferred) ?? d.resources.find((x) => x.plural === plural && x.group === group);
  if (!r) throw new CliError(`the server doesn't have a resource type "${plural}"`);
  return r;
}

/** Events about `obj`, asked for as kubectl asks. */
async function eventsFor(ctx: CliContext, obj: KubeObject): Promise<EventLike[]> {
  const r = await resource(ctx, 'events');
  const ns = obj.metadata.namespace ?? '';
  const fieldSelector = `involvedObject.name=${obj.metadata.name ?? ''},involvedObject.namespace=${ns},involvedObject.uid=${obj.metadata.uid ?? ''}`;
  return (await list(ctx, r, ns || undefined, { fieldSelector })) as unknown as EventLike[];
}

async function podsSelected(ctx: CliContext, ns: string | undefined, selector: string): Promise<Pod[]> {
  return (await list(ctx, await resource(ctx, 'pods'), ns, { labelSelector: selector })) as Pod[];
}

async function describeOne(ctx: CliContext, r: ApiResource, obj: KubeObject, showEvents: boolean): Promise<string> {
  const evs = showEvents ? await eventsFor(ctx, obj) : undefined;
  const ns = obj.metadata.namespace;
  switch (r.kind) {
    case 'Pod':
      return describePod(obj as Pod, evs);
    case 'ReplicationController': {
      const rc = obj as ReplicationController;
      const sel = Object.entries(rc.spec.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
      return describeReplicas({ obj: rc, pods: await podsSelected(ctx, ns, sel), events: evs });
    }
    case 'ReplicaSet': {
      const rs = obj as ReplicaSet;
      return describeReplicas({ obj: rs, pods: await podsSelected(ctx, ns, selectorString(rs.spec.selector) ?? ''), events: evs });
    }
    case 'DaemonSet': {
      const ds = obj as DaemonSet;
      return describeDaemonSet({ obj: ds, pods: await podsSelected(ctx, ns, selectorString(ds.spec.selector as LabelSelector) ?? ''), events: evs });
    }
    case 'Job':
      return describeJob({ obj: obj as Job, pods: [], events: evs });
    case 'Deployment':
      return describeDeployment({ obj: obj as Deployment, pods: [], events: evs });
    case 'Service': {
      let ep: Endpoints | undefined;
      try {
        ep = await getObject(ctx, await resource(ctx, 'endpoints'), ns, obj.metadata.name ?? '') as Endpoints;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return describeService(obj as Service, ep, evs);
    }
    case 'Endpoints':
      return describeEndpoints(obj as Endpoints, evs);
    case 'Node': {
      const pods = await list(ctx, await resource(ctx, 'pods'), undefined, { fieldSelector: `spec.nodeName=${obj.metadata.name ?? ''}` });
      return describeNode(obj as Node, pods as Pod[], evs);
    }
    case 'Namespace':
      return describeNamespace(obj as Namespace);
    default:
      return describeGeneric(obj, evs);
  }
}
