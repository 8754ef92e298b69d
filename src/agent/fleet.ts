/**
 * Many simulated nodes in one process (`skiff sim`): N agents on the fake runtime, sharing one
 * client and one pod/node feed. Node `i` (from 1) is `<prefix>-i`, with address 127.1.x.y and pod
 * range 10.x.y.0/24 derived from `i`, so a fleet's addresses never collide.
 */
import type { RestClient } from '../client/rest.js';
import { InformerFactory } from '../client/factory.js';
import type { Logger } from '../util/log.js';
import { FakeRuntime } from '../runtime/fake/index.js';
import { NodeAgent } from './agent.js';
import { SharedAgentFeed } from './podfeed.js';

export interface FleetOptions {
  readonly client: RestClient;
  readonly log: Logger;
  readonly nodes: number;
  readonly namePrefix?: string;
  readonly podsPerNode?: number;
  readonly cpu?: string;
  readonly memory?: string;
  readonly runSeconds?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly leaseRenewSeconds?: number;
  readonly restartBackoffMs?: number;
  /** Nodes registered at once while starting. */
  readonly startConcurrency?: number;
}

export const maxFleetNodes = 65_535;

export class NodeFleet {
  readonly agents: NodeAgent[] = [];
  private readonly informers: InformerFactory;
  private readonly feed: SharedAgentFeed;
  private nextIndex = 1;

  constructor(private readonly opts: FleetOptions) {
    if (opts.nodes < 0 || opts.nodes > maxFleetNodes) throw new Error(`--nodes must be between 0 and ${maxFleetNodes}`);
    this.informers = new InformerFactory(opts.client);
    this.feed = new SharedAgentFeed(this.informers);
  }

  /** Starts the feed and registers every node; resolves when all are registered. */
  async start(): Promise<void> {
    await this.informers.start();
    for (let i = 0; i < this.opts.nodes; i++) this.create();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < this.agents.length) await this.agents[next++]!.start();
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.startConcurrency ?? 64, this.agents.length) }, worker));
  }

  /** A node joining the running fleet (the next index). */
  async addNode(): Promise<NodeAgent> {
    const agent = this.create();
    await agent.start();
    return agent;
  }

  private create(): NodeAgent {
    const i = this.nextIndex++;
    if (i > maxFleetNodes) throw new Error(`a fleet holds at most ${maxFleetNodes} nodes`);
    const prefix = this.opts.namePrefix ?? 'sim';
    const x = (i >> 8) & 255, y = i & 255;
    const agent = new NodeAgent({
      client: this.opts.client,
      runtime: new FakeRuntime({ podAddressPrefix: `10.${x}.${y}.`, ...(this.opts.runSeconds !== undefined ? { runSeconds: this.opts.runSeconds } : {}) }),
      feed: this.feed,
      log: this.opts.log,
      identity: {
        name: `${prefix}-${i}`,
        address: `127.1.${x}.${y}`,
        podCIDR: `10.${x}.${y}.0/24`,
        labels: { 'type': 'simulated', ...(this.opts.labels ?? {}) },
        capacity: { cpu: this.opts.cpu ?? '32', memory: this.opts.memory ?? '256Gi', pods: String(this.opts.podsPerNode ?? 110), 'ephemeral-storage': '1Ti' },
      },
      ...(this.opts.leaseRenewSeconds !== undefined ? { leaseRenewSeconds: this.opts.leaseRenewSeconds } : {}),
      ...(this.opts.restartBackoffMs !== undefined ? { restartBackoffMs: this.opts.restartBackoffMs } : {}),
    });
    this.agents.push(agent);
    return agent;
  }

  /** Stops one node's agent as if the machine died: no more heartbeats, nothing cleaned up. */
  async kill(name: string): Promise<void> {
    const i = this.agents.findIndex((a) => a.nodeName === name);
    if (i < 0) throw new Error(`no simulated node ${name}`);
    await this.agents[i]!.stop();
    this.agents.splice(i, 1);
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.stop()));
    this.informers.stop();
  }
}
