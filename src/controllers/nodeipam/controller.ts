/**
 * The node IPAM controller (kube-controller-manager's range allocator): every Node without
 * `spec.podCIDR` gets the next free subnet of `--cluster-cidr` (`--node-cidr-mask-size` bits), the
 * subnet of a deleted Node goes back to the pool, and when the pool is empty the Node gets a
 * `CIDRNotAvailable` event and waits for a release. The pool lives in memory only: each new term
 * of leadership rebuilds it from the Node list before handing anything out.
 */
import type { Node } from '../../api/kinds.js';
import { ApiError } from '../../api/errors.js';
import { nodes as nodesResource } from '../../api/resources.js';
import type { Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../controller.js';
import { CidrSet } from './cidrset.js';

export interface NodeIpamOptions {
  /** `--cluster-cidr` (default 10.42.0.0/16, as k3s). */
  readonly clusterCidr?: string;
  /** `--node-cidr-mask-size` (default 24). */
  readonly nodeCidrMaskSize?: number;
}

export const defaultClusterCidr = '10.42.0.0/16';
export const defaultNodeCidrMaskSize = 24;

export class NodeIpamController implements Controller {
  readonly name = 'nodeipam';
  readonly cidrs: CidrSet;
  private readonly queue = new WorkQueue({ baseDelayMs: 50, maxDelayMs: 30_000 });
  private readonly nodes: Informer<Node>;
  /** Which node holds which of our subnets, both ways, so a release frees only the holder's. */
  private readonly byNode = new Map<string, string>();
  private readonly byCidr = new Map<string, string>();
  /** Nodes told CIDRNotAvailable; retried when a subnet is released. */
  private readonly waiting = new Set<string>();

  constructor(private readonly ctx: ControllerContext, opts: NodeIpamOptions = {}) {
    this.cidrs = new CidrSet(opts.clusterCidr ?? defaultClusterCidr, opts.nodeCidrMaskSize ?? defaultNodeCidrMaskSize);
    this.nodes = ctx.informers.informer<Node>(nodesResource);
    // The initial list arrives as adds before the informer reports synced, and workers start only
    // after that: every existing subnet is marked used before the first allocation.
    this.nodes.addEventHandler({
      add: (n) => this.observe(n),
      update: (_o, n) => this.observe(n),
      delete: (n) => this.forget(n),
    });
  }

  async start(): Promise<void> {
    await this.nodes.waitForSync();
    await runWorkers(this.ctx, this.name, this.queue, 1, (key) => this.sync(key), { quiet: [404], done: [404] });
  }

  stop(): void {
    this.queue.shutDown();
  }

  private observe(n: Node): void {
    const name = n.metadata.name ?? '';
    const cidr = n.spec?.podCIDR;
    if (!cidr) {
      this.queue.add(name);
      return;
    }
    this.waiting.delete(name);
    // A node that registered with its own range outside ours (process-mode nodes do) is not ours.
    if (this.cidrs.indexOf(cidr) === undefined) return;
    const holder = this.byCidr.get(cidr);
    if (holder !== undefined && holder !== name) {
      this.ctx.log.warn({ controller: this.name, node: name, cidr, holder }, 'pod CIDR already held by another node');
      return;
    }
    const mine = this.byNode.get(name);
    if (mine !== undefined && mine !== cidr) this.releaseHeld(name);
    this.cidrs.occupy(cidr);
    this.byNode.set(name, cidr);
    this.byCidr.set(cidr, name);
  }

  private forget(n: Node): void {
    const name = n.metadata.name ?? '';
    this.waiting.delete(name);
    if (this.releaseHeld(name)) {
      // A subnet came free: nodes that were refused one may have it now.
      for (const w of this.waiting) this.queue.add(w);
    }
  }

  private releaseHeld(name: string): boolean {
    const cidr = this.byNode.get(name);
    if (cidr === undefined) return false;
    this.byNode.delete(name);
    if (this.byCidr.get(cidr) === name) {
      this.byCidr.delete(cidr);
      this.cidrs.release(cidr);
      this.ctx.log.debug({ controller: this.name, node: name, cidr }, 'released pod CIDR');
      return true;
    }
    return false;
  }

  async sync(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node || node.spec?.podCIDR || node.metadata.deletionTimestamp) return;
    // Our earlier patch may have landed while the cache has not caught up: reuse that subnet.
    let cidr = this.byNode.get(name);
    if (cidr === undefined) {
      cidr = this.cidrs.allocateNext();
      if (cidr === undefined) {
        if (!this.waiting.has(name)) {
          this.waiting.add(name);
          this.ctx.log.warn({ controller: this.name, node: name, clusterCidr: this.cidrs.text }, 'no pod CIDR left for node');
          void this.ctx.recorder.event(node, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
        }
        return;
      }
      this.byNode.set(name, cidr);
      this.byCidr.set(cidr, name);
    }
    try {
      await this.ctx.client.patch(nodesResource, undefined, name, { spec: { podCIDR: cidr, podCIDRs: [cidr] } });
      this.waiting.delete(name);
      this.ctx.log.info({ controller: this.name, node: name, cidr }, 'assigned pod CIDR');
    } catch (err) {
      // Gone, or given a range by someone else meanwhile (422: podCIDR is immutable): hand it back.
      if (err instanceof ApiError && (err.code === 404 || err.code === 422)) this.releaseHeld(name);
      if (err instanceof ApiError && err.code === 422) return;
      throw err;
    }
  }
}
