/**
 * `skiff port-forward (POD | TYPE/NAME) [LOCAL:]REMOTE ... [--address A,B]`, as kubectl: the
 * pod itself, or a controller's or service's pod (a service's port taken to its target port);
 * listens locally and forwards each connection to the pod until interrupted.
 */
import type { Command } from 'commander';
import type { Service } from '../../api/kinds.js';
import { CliError, getObject, kubeCommand, resolveType, resourcePath, runKube, type GlobalFlags } from '../kube/index.js';
import { listenAddresses, parsePortPairs, podPort, servicePort } from '../portforward/ports.js';
import { startForwarding } from '../portforward/forwarder.js';
import { waitForSignal } from '../signals.js';
import { podFor } from './logs.js';

interface PortForwardOptions extends GlobalFlags {
  address: string[];
  podRunningTimeout: string;
}

export function portForwardCommand(): Command {
  return kubeCommand('port-forward', 'forward one or more local ports to a pod')
    .usage('TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]')
    .option('--address <addresses>', 'addresses to listen on (comma separated): localhost, or IP addresses', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option('--pod-running-timeout <duration>', 'how long to wait for a running pod', '1m0s')
    .action(runKube<PortForwardOptions>(async (ctx, args, opts) => {
      const [target, ...portSpecs] = args;
      if (!target || !portSpecs.length) throw new CliError('TYPE/NAME and list of ports are required for port-forward\nSee \'skiff port-forward -h\' for help and examples');
      const pairs = parsePortPairs(portSpecs);
      const pod = await podFor(ctx, target);
      let svc: Service | undefined;
      if (target.includes('/')) {
        const r = resolveType(await ctx.discovery(), target.split('/')[0]!);
        if (r.kind === 'Service') svc = await getObject(ctx, r, ctx.namespace, target.split('/')[1] ?? '') as Service;
      }
      const remotes = pairs.map((p) => ({ local: p.local, remote: svc ? servicePort(svc, pod, p.remote) : podPort(pod, p.remote) }));
      if (pod.status?.phase !== 'Running') throw new CliError(`unable to forward port because pod is not running. Current status=${pod.status?.phase ?? ''}`);
      const pods = resolveType(await ctx.discovery(), 'pods');
      const forwarding = await startForwarding(
        { config: ctx.config, path: resourcePath(pods, pod.metadata.namespace, pod.metadata.name, 'portforward'), out: ctx.out, err: ctx.err },
        remotes,
        listenAddresses(opts.address ?? ['localhost']),
      ).catch((err: unknown) => {
        throw new CliError(err instanceof Error ? err.message : String(err));
      });
      const why = await Promise.race([forwarding.lost, waitForSignal().then(() => undefined)]);
      forwarding.close();
      if (why) throw new CliError(why);
    }));
}
