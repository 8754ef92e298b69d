/**
 * The ingress status controller for skiff's built-in ingress controller (skiff.io/ingress): the
 * proxy of every node marked as running it (`ingress.skiff.io/ports`) answers the Ingresses of its
 * classes, so their addresses are those Ready nodes' InternalIPs, kept in
 * `status.loadBalancer.ingress` as nodes come and go (as servicelb does for LoadBalancer services). A backend naming a service that does not exist gets a Warning event
 * (requests to it are answered 503 by the proxies), as does a resource backend, which this
 * controller does not serve. Ingresses of other classes are not touched.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Ingress, IngressBackend, IngressClass, Node, Service } from '../../api/kinds.js';
import { ingressClasses, ingresses, nodes as nodesResource, services as servicesResource } from '../../api/resources.js';
import { INGRESS_PORTS_ANNOTATION, isIngressOf, SKIFF_INGRESS_CONTROLLER } from '../../api/ingressclass.js';
import type { Informer } from '../../client/informer.js';
import { keyOf } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../controller.js';
import { nodeIngress } from '../servicelb/index.js';

/** Every service backend of an Ingress (default backend and rules). */
export function serviceBackends(ing: Ingress): IngressBackend[] {
  const out: IngressBackend[] = [];
  if (ing.spec?.defaultBackend?.service) out.push(ing.spec.defaultBackend);
  for (const r of ing.spec?.rules ?? []) for (const p of r.http?.paths ?? []) if (p.backend.service) out.push(p.backend);
  return out;
}

/** Every resource (non-service) backend of an Ingress. */
export function resourceBackends(ing: Ingress): IngressBackend[] {
  const all = [ing.spec?.defaultBackend, ...(ing.spec?.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend))];
  return all.filter((b): b is IngressBackend => b?.resource !== undefined);
}

export class IngressStatusController implements Controller {
  readonly name = 'ingress-status';
  private readonly queue = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 30_000 });
  private readonly ingresses: Informer<Ingress>;
  private readonly classes: Informer<IngressClass>;
  private readonly services: Informer<Service>;
  private readonly nodes: Informer<Node>;
  /** Missing services already reported, per Ingress (one event per newly missing name). */
  private readonly reported = new Map<string, Set<string>>();

  constructor(private readonly ctx: ControllerContext, private readonly controller = SKIFF_INGRESS_CONTROLLER) {
    this.ingresses = ctx.informers.informer<Ingress>(ingresses);
    this.classes = ctx.informers.informer<IngressClass>(ingressClasses);
    this.services = ctx.informers.informer<Service>(servicesResource);
    this.nodes = ctx.informers.informer<Node>(nodesResource);
    const one = (i: Ingress) => this.queue.add(keyOf(i));
    this.ingresses.addEventHandler({ add: one, update: (_o, i) => one(i), delete: (i) => this.reported.delete(keyOf(i)) });
    const all = () => {
      for (const i of this.ingresses.list()) this.queue.add(keyOf(i));
    };
    this.classes.addEventHandler({ add: all, update: all, delete: all });
    this.services.addEventHandler({ add: all, delete: all });
    // Only a change in the address list matters; heartbeats update nodes all the time.
    let last: unknown;
    const nodesChanged = () => {
      const now = this.addresses();
      if (isDeepStrictEqual(now, last)) return;
      last = now;
      all();
    };
    this.nodes.addEventHandler({ add: nodesChanged, update: nodesChanged, delete: nodesChanged });
  }

  /** The Ready nodes that run the ingress controller (NodeHost marks them). */
  private addresses(): { ip: string }[] {
    return nodeIngress(this.nodes.list().filter((n) => n.metadata.annotations?.[INGRESS_PORTS_ANNOTATION] !== undefined));
  }

  async start(): Promise<void> {
    await Promise.all([this.ingresses.waitForSync(), this.classes.waitForSync(), this.services.waitForSync(), this.nodes.waitForSync()]);
    await runWorkers(this.ctx, this.name, this.queue, 1, (key) => this.sync(key), { quiet: [404], done: [404] });
  }

  stop(): void {
    this.queue.shutDown();
  }

  async sync(key: string): Promise<void> {
    const ing = this.ingresses.get(key);
    if (!ing || ing.metadata.deletionTimestamp) return;
    if (!isIngressOf(this.controller, ing, this.classes.list())) return;
    this.reportMissing(key, ing);
    const want = this.addresses();
    const have = ing.status?.loadBalancer?.ingress ?? [];
    if (isDeepStrictEqual(have, want)) return;
    const loadBalancer = want.length > 0 ? { ingress: want } : {};
    await this.ctx.client.update(ingresses, { ...ing, status: { ...(ing.status ?? {}), loadBalancer } }, 'status');
  }

  private reportMissing(key: string, ing: Ingress): void {
    const ns = ing.metadata.namespace ?? '';
    const missing = new Set(serviceBackends(ing).map((b) => b.service!.name).filter((n) => !this.services.get(`${ns}/${n}`)));
    const before = this.reported.get(key) ?? new Set<string>();
    for (const name of missing) {
      if (!before.has(name)) void this.ctx.recorder.event(ing, 'Warning', 'ServiceNotFound', `Service "${name}" not found: requests routed to it are answered 503`);
    }
    // Resource backends are valid API but not something this controller can route to: say so.
    const resources = resourceBackends(ing).map((b) => `resource:${b.resource!.kind}/${b.resource!.name}`);
    for (const r of resources) {
      if (!before.has(r)) void this.ctx.recorder.event(ing, 'Warning', 'UnsupportedBackend', `Backend ${r.slice('resource:'.length)} is a resource backend, which skiff's ingress controller does not serve: requests routed to it are answered 503`);
    }
    this.reported.set(key, new Set([...missing, ...resources]));
  }
}
