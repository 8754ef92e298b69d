/**
 * hostPort in process mode: a pod's container port published on its node's address, as the CNI
 * portmap plugin does with DNAT in oci mode. For every pod running on a node of this process
 * with a `hostPort`, a TCP listener on the node address (or the port's `hostIP`) forwards to the
 * pod's address and container port. The scheduler's NodePorts filter keeps two pods of one node
 * from asking for the same host port.
 */
import type { Pod } from '../api/kinds.js';
import { pods as podsResource } from '../api/resources.js';
import type { InformerFactory } from '../client/factory.js';
import type { Logger } from '../util/log.js';
import { RoundRobinBalancer } from './balancer.js';
import { TcpListener } from './tcp.js';

export interface HostPortOptions {
  readonly informers: InformerFactory;
  /** Node name → its address, for the nodes this process runs. */
  readonly nodes: ReadonlyMap<string, string>;
  readonly log: Logger;
}

/** The pod index the node agent's feed keeps too (same name, same function). */
const byNodeName = 'byNodeName';

interface Wanted {
  readonly ip: string;
  readonly port: number;
  readonly target: { ip: string; port: number };
}

/** The host ports a pod wants published, once it has an address. */
export function hostPortsOf(pod: Pod, nodes: ReadonlyMap<string, string>): Wanted[] {
  const address = nodes.get(pod.spec.nodeName ?? '');
  const podIP = pod.status?.podIP;
  if (!address || !podIP || pod.metadata.deletionTimestamp) return [];
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return [];
  return pod.spec.containers.flatMap((c) =>
    (c.ports ?? [])
      .filter((p) => p.hostPort && (p.protocol ?? 'TCP') === 'TCP')
      .map((p) => ({ ip: p.hostIP && p.hostIP !== '0.0.0.0' ? p.hostIP : address, port: p.hostPort!, target: { ip: podIP, port: p.containerPort } })),
  );
}

export class HostPortForwarder {
  private readonly listeners = new Map<string, { listener: TcpListener; target: string }>();
  private stopped = false;

  constructor(private readonly opts: HostPortOptions) {
    const informer = opts.informers.informer<Pod>(podsResource);
    // Only this process's nodes' pods matter: read them by node, never the whole cluster's.
    informer.addIndex(byNodeName, (p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
    const local = () => [...opts.nodes.keys()].flatMap((n) => informer.byIndex(byNodeName, n));
    const sync = (p: Pod) => {
      if (!opts.nodes.has(p.spec.nodeName ?? '')) return;
      void this.sync(local()).catch((err: unknown) => opts.log.warn({ err: String(err) }, 'host ports'));
    };
    informer.addEventHandler({ add: sync, update: (_old, p) => sync(p), delete: sync });
  }

  private async sync(pods: readonly Pod[]): Promise<void> {
    if (this.stopped) return;
    const wanted = new Map<string, Wanted>();
    for (const p of pods) for (const w of hostPortsOf(p, this.opts.nodes)) wanted.set(`${w.ip}:${w.port}`, w);
    for (const [key, l] of this.listeners) {
      const w = wanted.get(key);
      if (!w || `${w.target.ip}:${w.target.port}` !== l.target) {
        l.listener.close(true);
        this.listeners.delete(key);
      }
    }
    for (const [key, w] of wanted) {
      if (this.listeners.has(key)) continue;
      const balancer = new RoundRobinBalancer();
      balancer.update([w.target], { sessionAffinity: 'None', timeoutSeconds: 0 });
      const listener = new TcpListener(w.ip, w.port, balancer, this.opts.log);
      this.listeners.set(key, { listener, target: `${w.target.ip}:${w.target.port}` });
      try {
        await listener.listen();
      } catch (err) {
        this.listeners.delete(key);
        this.opts.log.warn({ hostPort: key, err: String(err) }, 'cannot publish host port');
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const l of this.listeners.values()) l.listener.close(true);
    this.listeners.clear();
  }
}
