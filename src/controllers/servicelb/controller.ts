/**
 * The service load balancer controller (k3s' servicelb without its DaemonSet): a LoadBalancer
 * service is answered on its node port by the service proxy of every node, so its external
 * addresses are the Ready nodes' InternalIPs. Keeps `status.loadBalancer.ingress` of every
 * LoadBalancer service equal to that list as nodes join, leave, or change readiness, and clears it
 * when a service stops being a LoadBalancer.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Node, Service } from '../../api/kinds.js';
import { nodes as nodesResource, services as servicesResource } from '../../api/resources.js';
import type { Informer } from '../../client/informer.js';
import { keyOf } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../controller.js';
import { nodeIngress, wantedIngress } from './ingress.js';

export class ServiceLoadBalancerController implements Controller {
  readonly name = 'service-lb';
  private readonly queue = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 30_000 });
  private readonly services: Informer<Service>;
  private readonly nodes: Informer<Node>;

  constructor(private readonly ctx: ControllerContext) {
    this.services = ctx.informers.informer<Service>(servicesResource);
    this.nodes = ctx.informers.informer<Node>(nodesResource);
    this.services.addEventHandler({
      add: (s) => this.serviceChanged(s),
      update: (_o, s) => this.serviceChanged(s),
    });
    // Only a change in the address list matters; heartbeats update nodes all the time.
    let last: unknown;
    const nodesChanged = () => {
      const now = nodeIngress(this.nodes.list());
      if (isDeepStrictEqual(now, last)) return;
      last = now;
      for (const s of this.services.list()) if (s.spec?.type === 'LoadBalancer') this.queue.add(keyOf(s));
    };
    this.nodes.addEventHandler({ add: nodesChanged, update: nodesChanged, delete: nodesChanged });
  }

  private serviceChanged(s: Service): void {
    if (s.spec?.type === 'LoadBalancer' || (s.status?.loadBalancer?.ingress?.length ?? 0) > 0) this.queue.add(keyOf(s));
  }

  async start(): Promise<void> {
    await Promise.all([this.services.waitForSync(), this.nodes.waitForSync()]);
    await runWorkers(this.ctx, this.name, this.queue, 1, (key) => this.sync(key), { quiet: [404], done: [404] });
  }

  stop(): void {
    this.queue.shutDown();
  }

  async sync(key: string): Promise<void> {
    const svc = this.services.get(key);
    if (!svc) return;
    const want = wantedIngress(svc, this.nodes.list());
    const have = svc.status?.loadBalancer?.ingress ?? [];
    if (isDeepStrictEqual(have, want)) return;
    const loadBalancer = want.length > 0 ? { ingress: want } : {};
    // The cached object is not ours to change: send a copy with the new status (a 409 retries).
    await this.ctx.client.update(servicesResource, { ...svc, status: { ...(svc.status ?? {}), loadBalancer } }, 'status');
  }
}
