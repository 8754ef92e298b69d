/**
 * Pod routes between nodes, as a host-gateway network (flannel's host-gw, Calico without
 * encapsulation) does: every node reaches another node's pod CIDR through that node's
 * InternalIP, which must be on a network the nodes share. The agent keeps one route per other
 * node in the kernel (`ip route replace CIDR via IP`), follows Nodes as they come, change and
 * go, and takes its routes away when it stops.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Node } from '../api/kinds.js';
import { nodes as nodesResource } from '../api/resources.js';
import type { InformerFactory } from '../client/factory.js';
import type { Informer } from '../client/informer.js';
import type { Logger } from '../util/log.js';

/** Routes to have: pod CIDR → gateway (the owning node's InternalIP), for every node but `self`. */
export function wantedRoutes(list: readonly Node[], self: string): Map<string, string> {
  const routes = new Map<string, string>();
  for (const n of list) {
    if (n.metadata.name === self) continue;
    const via = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const cidrs = n.spec?.podCIDRs?.length ? n.spec.podCIDRs : n.spec?.podCIDR ? [n.spec.podCIDR] : [];
    if (!via) continue;
    for (const cidr of cidrs) if (!cidr.includes(':')) routes.set(cidr, via);
  }
  return routes;
}

/** The `ip` commands that turn `have` into `want`. */
export function routeChanges(have: ReadonlyMap<string, string>, want: ReadonlyMap<string, string>): string[][] {
  const cmds: string[][] = [];
  for (const [cidr, via] of want) if (have.get(cidr) !== via) cmds.push(['route', 'replace', cidr, 'via', via]);
  for (const cidr of have.keys()) if (!want.has(cidr)) cmds.push(['route', 'del', cidr]);
  return cmds;
}

export interface HostGatewayOptions {
  readonly informers: InformerFactory;
  readonly nodeName: string;
  readonly log: Logger;
  /** Runs `ip` with these arguments (default: the host's `ip`; tests prefix `ip netns exec`). */
  readonly ip?: (args: readonly string[]) => Promise<void>;
}

const hostIp = async (args: readonly string[]): Promise<void> => {
  await promisify(execFile)('ip', [...args]);
};

export class HostGatewayRoutes {
  private readonly nodes: Informer<Node>;
  private readonly ip: (args: readonly string[]) => Promise<void>;
  private have = new Map<string, string>();
  private syncing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly opts: HostGatewayOptions) {
    this.ip = opts.ip ?? hostIp;
    this.nodes = opts.informers.informer<Node>(nodesResource);
    const changed = (): void => void this.sync();
    this.nodes.addEventHandler({ add: changed, update: changed, delete: changed });
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.nodes.waitForSync();
    await this.sync();
  }

  /** Applies what changed; syncs run one after another, each against the latest Node list. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(async () => {
      if (this.stopped) return;
      const want = wantedRoutes(this.nodes.list(), this.opts.nodeName);
      await this.apply(want);
    });
    return this.syncing;
  }

  private async apply(want: Map<string, string>): Promise<void> {
    for (const args of routeChanges(this.have, want)) {
      const [, verb, cidr] = args;
      try {
        await this.ip(args);
        if (verb === 'del') this.have.delete(cidr!);
        else this.have.set(cidr!, want.get(cidr!)!);
      } catch (err) {
        // A route the kernel already lacks is gone, as wanted; anything else is logged and
        // tried again on the next Node change.
        if (verb === 'del') this.have.delete(cidr!);
        this.opts.log.warn({ route: args.join(' '), err: String(err) }, 'pod route not applied');
      }
    }
  }

  /** Removes every route this instance added. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.syncing;
    await this.apply(new Map());
  }
}
