/**
 * The endpointslice mirroring controller (Kubernetes' `pkg/controller/endpointslicemirroring`):
 * Endpoints written by hand for a service without a selector are mirrored into EndpointSlices
 * (managed by `endpointslicemirroring-controller.k8s.io`, owned by the Endpoints), so that every
 * consumer can read slices alone. Endpoints labelled `endpointslice.kubernetes.io/skip-mirror:
 * "true"` (the API server's own `kubernetes` Endpoints) are left alone. At most 1000 addresses are
 * mirrored, as in Kubernetes.
 */
import { isIPv6 } from 'node:net';
import type { EndpointAddress, EndpointSlice, EndpointSliceEndpoint, EndpointSlicePort, Endpoints, Service } from '../../api/kinds.js';
import { endpointSlices, endpoints as endpointsResource, services as servicesResource } from '../../api/resources.js';
import { managedByLabel, serviceNameLabel } from '../../api/kinds.js';
import type { Informer } from '../../client/informer.js';
import { keyOf, splitKey } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext } from '../controller.js';
import { byServiceAndManager, sliceOwnerIndex } from './controller.js';
import { maxEndpointsPerSlice, mirroringControllerName, portsKey, type PortGroup } from './desired.js';
import { planSlices } from './reconcile.js';
import { SliceTracker } from './tracker.js';
import { applyPlan } from './writer.js';

export const skipMirrorLabel = 'endpointslice.kubernetes.io/skip-mirror';
export const maxMirroredAddresses = 1000;

function hasSelector(svc: Service): boolean {
  return svc.spec?.selector !== undefined && Object.keys(svc.spec.selector).length > 0;
}

function endpointOf(a: EndpointAddress, ready: boolean): EndpointSliceEndpoint {
  return {
    addresses: [a.ip],
    conditions: { ready },
    ...(a.hostname ? { hostname: a.hostname } : {}),
    ...(a.targetRef ? { targetRef: a.targetRef } : {}),
    ...(a.nodeName ? { nodeName: a.nodeName } : {}),
  };
}

/** The groups to mirror from `ep`, per address type. */
export function mirroredGroups(ep: Endpoints): Map<'IPv4' | 'IPv6', Map<string, PortGroup>> {
  const out = new Map<'IPv4' | 'IPv6', Map<string, PortGroup>>([['IPv4', new Map()], ['IPv6', new Map()]]);
  let count = 0;
  for (const ss of ep.subsets ?? []) {
    const ports: EndpointSlicePort[] = (ss.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
    const key = portsKey(ports);
    const all: [EndpointAddress, boolean][] = [...(ss.addresses ?? []).map((a) => [a, true] as [EndpointAddress, boolean]), ...(ss.notReadyAddresses ?? []).map((a) => [a, false] as [EndpointAddress, boolean])];
    for (const [a, ready] of all) {
      if (count >= maxMirroredAddresses) break;
      const groups = out.get(isIPv6(a.ip) ? 'IPv6' : 'IPv4')!;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { ports, endpoints: new Map() }));
      if (g.endpoints.has(a.ip)) continue;
      g.endpoints.set(a.ip, endpointOf(a, ready));
      count++;
    }
  }
  return out;
}

export class EndpointSliceMirroringController implements Controller {
  readonly name = 'endpointslicemirroring';
  private readonly queue = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 30_000 });
  private readonly services: Informer<Service>;
  private readonly endpoints: Informer<Endpoints>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly tracker = new SliceTracker();

  constructor(private readonly ctx: ControllerContext, private readonly opts: { readonly workers?: number } = {}) {
    this.services = ctx.informers.informer<Service>(servicesResource);
    this.endpoints = ctx.informers.informer<Endpoints>(endpointsResource);
    this.slices = ctx.informers.informer<EndpointSlice>(endpointSlices);
    this.slices.addIndex(byServiceAndManager, sliceOwnerIndex);
    const enqueue = (o: { metadata: { namespace?: string; name?: string } }): void => this.queue.add(keyOf(o));
    this.services.addEventHandler({ add: enqueue, update: (_o, s) => enqueue(s), delete: enqueue });
    this.endpoints.addEventHandler({ add: enqueue, update: (_o, e) => enqueue(e), delete: enqueue });
    const sliceChanged = (s: EndpointSlice): void => {
      if (s.metadata.labels?.[managedByLabel] !== mirroringControllerName) return;
      const svc = s.metadata.labels[serviceNameLabel];
      if (svc) this.queue.add(`${s.metadata.namespace}/${svc}`);
    };
    this.slices.addEventHandler({ add: sliceChanged, update: (_o, s) => sliceChanged(s), delete: sliceChanged });
  }

  async start(): Promise<void> {
    await Promise.all([this.services.waitForSync(), this.endpoints.waitForSync(), this.slices.waitForSync()]);
    await runWorkers(this.ctx, this.name, this.queue, this.opts.workers ?? 2, (key) => this.sync(key));
  }

  stop(): void {
    this.queue.shutDown();
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const existing = this.slices.byIndex(byServiceAndManager, `${mirroringControllerName}|${key}`);
    if (!this.tracker.caughtUp(key, existing)) {
      this.queue.addAfter(key, 50);
      return;
    }
    const svc = this.services.get(key);
    const ep = this.endpoints.get(key);
    const mirror = svc !== undefined && ep !== undefined && !hasSelector(svc) && ep.metadata.labels?.[skipMirrorLabel] !== 'true';
    const labels: Record<string, string> = { ...(ep?.metadata.labels ?? {}), [serviceNameLabel]: name, [managedByLabel]: mirroringControllerName };
    const owner = { apiVersion: 'v1', kind: 'Endpoints', name, uid: ep?.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
    const base = { key, namespace: namespace ?? '', prefix: `${name}-`, owner, labels };
    if (!mirror) {
      if (existing.length > 0) await applyPlan(this.ctx.client, this.tracker, { ...base, addressType: 'IPv4' }, { create: [], update: [], delete: existing });
      if (!svc && !ep) this.tracker.forget(key);
      return;
    }
    const owned = existing.filter((s) => s.metadata.ownerReferences?.some((o) => o.uid === ep.metadata.uid));
    const stale = existing.filter((s) => !owned.includes(s));
    for (const [addressType, groups] of mirroredGroups(ep)) {
      const mine = owned.filter((s) => s.addressType === addressType);
      const plan = planSlices(groups, mine, { labels, addressType }, maxEndpointsPerSlice, false);
      if (addressType === 'IPv4') plan.delete.push(...stale, ...owned.filter((s) => s.addressType === 'FQDN'));
      if (plan.create.length + plan.update.length + plan.delete.length > 0) await applyPlan(this.ctx.client, this.tracker, { ...base, addressType }, plan);
    }
  }
}
