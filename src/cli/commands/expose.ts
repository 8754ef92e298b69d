/**
 * `skiff expose TYPE NAME --port=P`: a Service in front of what an rc, replica set, deployment,
 * pod or service selects — kubectl's generator: the selector is the object's (a pod's labels),
 * the labels are the object's, ports default to the containers' ports, `targetPort` to the port.
 */
import type { Command } from 'commander';
import type { KubeObject } from '../../api/types.js';
import { isRecord } from '../../api/types.js';
import {
  CliError, collect, dryRunQuery, getObject, kubeCommand, operationLine, parseDryRun, resolveTargets, resolveType, resourcePath,
  runKube, type GlobalFlags,
} from '../kube/index.js';

interface ExposeOptions extends GlobalFlags {
  filename?: string[];
  port?: string;
  targetPort?: string;
  name?: string;
  type?: string;
  protocol?: string;
  selector?: string;
  labels?: string;
  externalIp?: string;
  clusterIp?: string;
  sessionAffinity?: string;
  dryRun?: string | boolean;
  output?: string;
}

interface PortSpec { name?: string; port: number; protocol: string; targetPort: number | string }

export function exposeCommand(): Command {
  return kubeCommand('expose', 'expose an rc, service, deployment, replica set or pod as a new Service')
    .option('-f, --filename <file>', 'file naming the object to expose', collect)
    .option('--port <port>', 'the port the service serves on (default: the containers\' ports)')
    .option('--target-port <port>', 'the container port (number or name) traffic goes to (default: --port)')
    .option('--name <name>', 'the name of the new service (default: the object\'s)')
    .option('--type <type>', 'ClusterIP, NodePort, LoadBalancer or ExternalName')
    .option('--protocol <protocol>', 'TCP, UDP or SCTP (default TCP)')
    .option('--selector <selector>', 'the selector of the service (default: the object\'s), k=v,k2=v2')
    .option('-l, --labels <labels>', 'the labels of the service (default: the object\'s)')
    .option('--external-ip <ip>', 'an external IP the service also answers on')
    .option('--cluster-ip <ip>', 'the cluster IP to ask for ("None": headless)')
    .option('--session-affinity <mode>', 'None or ClientIP')
    .option('--dry-run [strategy]', 'none, client or server')
    .option('-o, --output <format>', 'name: print only kind/name')
    .action(runKube<ExposeOptions>(async (ctx, args, opts) => {
      const dryRun = parseDryRun(opts.dryRun);
      const targets = await resolveTargets(ctx, args, { filenames: opts.filename });
      if (targets.length !== 1) throw new CliError('expose takes exactly one object');
      const t = targets[0]!;
      if (!['ReplicationController', 'Service', 'Pod', 'Deployment', 'ReplicaSet'].includes(t.resource.kind)) {
        throw new CliError(`cannot expose a ${t.resource.kind}`);
      }
      const obj: KubeObject = t.source ? (t.object ?? await getObject(ctx, t.resource, t.namespace, t.name)) : await getObject(ctx, t.resource, t.namespace, t.name);
      const selector = opts.selector ? parseMap(opts.selector, 'selector') : selectorOf(obj);
      if (!selector || Object.keys(selector).length === 0) {
        throw new CliError(`couldn't retrieve selectors via --selector flag or introspection: the ${t.resource.kind} has no selector`);
      }
      const ports = portsFor(obj, opts);
      const name = opts.name ?? t.name;
      const labels = opts.labels ? parseMap(opts.labels, 'labels') : obj.metadata.labels;
      const service: KubeObject = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, ...(labels && Object.keys(labels).length ? { labels } : {}) },
        spec: {
          ports,
          selector,
          ...(opts.type ? { type: opts.type } : {}),
          ...(opts.externalIp ? { externalIPs: opts.externalIp.split(',') } : {}),
          ...(opts.clusterIp ? { clusterIP: opts.clusterIp } : {}),
          ...(opts.sessionAffinity ? { sessionAffinity: opts.sessionAffinity } : {}),
        },
      };
      const services = resolveType(await ctx.discovery(), 'services');
      if (dryRun !== 'client') {
        await ctx.client.request('POST', resourcePath(services, t.namespace ?? ctx.namespace, undefined, undefined, { fieldManager: 'kubectl-expose', ...dryRunQuery(dryRun) }), service);
      }
      ctx.out.write(`${operationLine(services, name, 'exposed', dryRun, opts.output === 'name')}\n`);
    }));
}

/** What the new service selects: an rc's/service's selector map, a set's matchLabels, a pod's labels. */
function selectorOf(obj: KubeObject): Record<string, string> | undefined {
  if (obj.kind === 'Pod') return obj.metadata.labels;
  const sel = obj.spec?.['selector'];
  if (!isRecord(sel)) return undefined;
  if (obj.kind === 'Deployment' || obj.kind === 'ReplicaSet') {
    if (Array.isArray(sel['matchExpressions']) && sel['matchExpressions'].length) {
      throw new CliError(`couldn't retrieve selectors via --selector flag or introspection: the ${obj.kind} uses matchExpressions, which a service selector cannot express`);
    }
    return sel['matchLabels'] as Record<string, string> | undefined;
  }
  return sel as Record<string, string>;
}

function portsFor(obj: KubeObject, opts: ExposeOptions): PortSpec[] {
  const protocol = opts.protocol ?? 'TCP';
  const target = (p: number) => (opts.targetPort === undefined ? p : /^\d+$/.test(opts.targetPort) ? Number(opts.targetPort) : opts.targetPort);
  if (opts.port !== undefined) {
    const list = opts.port.split(',').map((s) => Number(s));
    if (list.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) throw new CliError(`invalid port: ${opts.port}`);
    return list.map((port, i) => ({ ...(list.length > 1 ? { name: `port-${i + 1}` } : {}), port, protocol, targetPort: target(port) }));
  }
  const found = introspectPorts(obj);
  if (found.length === 0) throw new CliError(`couldn't find port via --port flag or introspection`);
  return found.map((p, i) => ({
    ...(found.length > 1 ? { name: p.name ?? `port-${i + 1}` } : {}),
    port: p.port,
    protocol: opts.protocol ?? p.protocol ?? 'TCP',
    targetPort: opts.targetPort === undefined ? p.target : target(p.port),
  }));
}

function introspectPorts(obj: KubeObject): { port: number; target: number | string; protocol?: string; name?: string }[] {
  if (obj.kind === 'Service') {
    const ports = (obj.spec?.['ports'] ?? []) as { port: number; targetPort?: number | string; protocol?: string; name?: string }[];
    return ports.map((p) => ({ port: p.port, target: p.targetPort ?? p.port, ...(p.protocol ? { protocol: p.protocol } : {}), ...(p.name ? { name: p.name } : {}) }));
  }
  const podSpec = obj.kind === 'Pod' ? obj.spec : ((obj.spec?.['template'] as { spec?: Record<string, unknown> } | undefined)?.spec);
  const containers = (podSpec?.['containers'] ?? []) as { ports?: { containerPort: number; protocol?: string; name?: string }[] }[];
  return containers.flatMap((c) => c.ports ?? []).map((p) => ({ port: p.containerPort, target: p.containerPort, ...(p.protocol ? { protocol: p.protocol } : {}), ...(p.name ? { name: p.name } : {}) }));
}

function parseMap(text: string, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const [k, v, ...rest] = part.split('=');
    if (!k || v === undefined || rest.length) throw new CliError(`invalid ${what} "${text}": expected k=v[,k2=v2]`);
    out[k.trim()] = v.trim();
  }
  return out;
}
