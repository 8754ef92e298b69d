/**
 * The service proxy, userspace mode: one per process, serving every node address of the agents in
 * it. It follows Services and EndpointSlices through shared informers and keeps one listener per
 * address, port and protocol a service port should answer on (see plan.ts). A change recomputes the
 * plan and adjusts only what differs: balancers get new endpoint lists in place, listeners are
 * opened and closed one by one, so no other service notices. An address that cannot be bound
 * (in use, not local) is reported once (bindfailures.ts) and tried again later.
 */
import type { EndpointSlice, Service } from '../api/kinds.js';
import { services as servicesResource } from '../api/resources.js';
import type { InformerFactory } from '../client/factory.js';
import type { Informer } from '../client/informer.js';
import { byService, sliceInformer } from './slices.js';
import { keyOf } from '../client/informer.js';
import type { Logger } from '../util/log.js';
import { RoundRobinBalancer } from './balancer.js';
import { listenerKey, planService, type Bind, type PortPlan, type ProxyProtocol } from './plan.js';
import { TcpListener } from './tcp.js';
import { UdpListener } from './udp.js';
import { BindFailures } from './bindfailures.js';
import type { EventRecorder } from '../client/events.js';

export interface ServiceProxyOptions {
  readonly informers: InformerFactory;
  /** The addresses of the nodes this process runs (NodePorts answer on each). */
  readonly nodeAddresses: readonly string[];
  readonly log: Logger;
  /** A UDP session without traffic for this long ends (default 30 s). */
  readonly udpIdleTimeoutMs?: number;
  /** How soon an address that could not be bound is tried again (default 2 s). */
  readonly bindRetryMs?: number;
  /** Where a listener that cannot bind is reported (a Warning Event on its Service). */
  readonly recorder?: EventRecorder;
}

type Listener = TcpListener | UdpListener;

export class ServiceProxy {
  private readonly services: Informer<Service>;
  private readonly endpoints: Informer<EndpointSlice>;
  private readonly balancers = new Map<string, RoundRobinBalancer>();
  private readonly listeners = new Map<string, { listener: Listener; plan: string }>();
  private nodeAddresses: readonly string[];
  private running: Promise<void> = Promise.resolve();
  private pending = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly bindFailures: BindFailures;

  constructor(private readonly opts: ServiceProxyOptions) {
    this.nodeAddresses = [...opts.nodeAddresses];
    this.bindFailures = new BindFailures(opts.log, opts.bindRetryMs ?? 2_000, opts.recorder);
    this.services = opts.informers.informer<Service>(servicesResource);
    this.endpoints = sliceInformer(opts.informers);
    const changed = () => this.schedule();
    this.services.addEventHandler({ add: changed, update: changed, delete: changed });
    this.endpoints.addEventHandler({ add: changed, update: changed, delete: changed });
  }

  /** Waits for the caches, then binds everything; later changes apply as they come. */
  async start(): Promise<void> {
    this.stopped = false;
    await Promise.all([this.services.waitForSync(), this.endpoints.waitForSync()]);
    this.schedule();
    await this.settled();
  }

  /** Resolves once every change seen so far is applied (listeners bound or given up on). */
  async settled(): Promise<void> {
    for (;;) {
      const current = this.running;
      await current;
      if (current === this.running && !this.pending) return;
    }
  }

  /** Nodes joined or left this process. */
  setNodeAddresses(addresses: readonly string[]): void {
    this.nodeAddresses = [...addresses];
    this.schedule();
  }

  /** Listeners bound right now, as `TCP/ip:port` (for status and tests). */
  bound(): string[] {
    return [...this.listeners.keys()].sort();
  }

  /** Ready endpoints the service port `namespace/name:portName/protocol` spreads over now. */
  endpointCount(planKey: string): number {
    return this.balancers.get(planKey)?.size ?? 0;
  }

  /** Open TCP connections and UDP sessions of the listener at `protocol/ip:port`. */
  connections(protocol: ProxyProtocol, bind: Bind): number {
    return this.listeners.get(listenerKey(protocol, bind))?.listener.connections ?? 0;
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const { listener } of this.listeners.values()) {
      if (listener instanceof TcpListener) listener.close(true);
      else listener.close();
    }
    this.listeners.clear();
  }

  /** Coalesces bursts of events into one pass; passes never overlap. */
  private schedule(): void {
    if (this.pending || this.stopped) return;
    this.pending = true;
    this.running = this.running.then(() => new Promise<void>((r) => setImmediate(r))).then(async () => {
      this.pending = false;
      if (this.stopped) return;
      try {
        await this.sync();
      } catch (err) {
        this.opts.log.error({ err: err instanceof Error ? err.message : String(err) }, 'proxy sync failed');
      }
    });
  }

  private plans(): PortPlan[] {
    const out: PortPlan[] = [];
    for (const svc of this.services.list()) out.push(...planService(svc, this.endpoints.byIndex(byService, keyOf(svc)), this.nodeAddresses));
    return out;
  }

  private async sync(): Promise<void> {
    const plans = this.plans();
    const wanted = new Map<string, { plan: PortPlan; bind: Bind }>();
    const livePlans = new Set<string>();
    for (const plan of plans) {
      livePlans.add(plan.key);
      let b = this.balancers.get(plan.key);
      if (!b) this.balancers.set(plan.key, (b = new RoundRobinBalancer()));
      b.update(plan.endpoints, plan.affinity);
      for (const bind of plan.binds) {
        const key = listenerKey(plan.protocol, bind);
        if (!wanted.has(key)) wanted.set(key, { plan, bind });
      }
    }
    for (const [key, { listener, plan }] of this.listeners) {
      const want = wanted.get(key);
      if (want && want.plan.key === plan) continue;
      if (want) {
        // Same address, another service port now: re-point without rebinding.
        listener.balancer = this.balancers.get(want.plan.key)!;
        this.listeners.set(key, { listener, plan: want.plan.key });
        continue;
      }
      listener.close();
      this.listeners.delete(key);
    }
    for (const key of this.balancers.keys()) if (!livePlans.has(key)) this.balancers.delete(key);
    let failures = 0;
    for (const [key, { plan, bind }] of wanted) {
      if (this.listeners.has(key)) continue;
      const balancer = this.balancers.get(plan.key)!;
      const listener: Listener = plan.protocol === 'TCP'
        ? new TcpListener(bind.ip, bind.port, balancer, this.opts.log)
        : new UdpListener(bind.ip, bind.port, balancer, this.opts.log, this.opts.udpIdleTimeoutMs ?? 30_000);
      try {
        await listener.listen();
        if (this.stopped) {
          listener.close();
          return;
        }
        this.listeners.set(key, { listener, plan: plan.key });
        this.bindFailures.bound(key, plan.key);
      } catch (err) {
        failures++;
        listener.close();
        this.bindFailures.failed(key, plan.key, this.services.get(plan.key.slice(0, plan.key.indexOf(':'))), err);
      }
    }
    this.bindFailures.keepOnly(new Set(wanted.keys()));
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (failures > 0 && !this.stopped) {
      this.retryTimer = setTimeout(() => this.schedule(), this.opts.bindRetryMs ?? 2_000);
      this.retryTimer.unref();
    }
  }
}
