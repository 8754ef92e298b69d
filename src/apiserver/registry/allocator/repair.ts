/**
 * The repair pass (Kubernetes' `ipallocator/controller` and `portallocator/controller` repair
 * loops): allocations whose service is gone or no longer uses the value are freed, and values that
 * stored services use without an allocation key (data from before allocation existed, a crash
 * between writes) get one. It runs at API-server start and then now and then.
 *
 * An allocation younger than `minAgeMs` is never freed: its service's create may still be in
 * flight on this or another server (allocation comes before the service is stored).
 */
import type { Service } from '../../../api/kinds.js';
import type { Store } from '../../../storage/index.js';
import type { StoreAllocator } from './allocator.js';
import { ownerOf, valuesOf } from './service-values.js';

export interface RepairResult {
  /** `kind/value` of allocations freed. */
  readonly released: string[];
  /** `kind/value` of allocation keys created for services that lacked them. */
  readonly restored: string[];
  /** `kind/value` held by two services at once (left as is; reported). */
  readonly conflicts: string[];
}

export interface RepairOptions {
  readonly minAgeMs?: number;
  readonly now?: Date;
}

const servicesPrefix = '/registry/services/';

async function listServices(store: Store): Promise<Service[]> {
  const out: Service[] = [];
  let startAfter: string | undefined;
  for (;;) {
    const page = await store.list(servicesPrefix, { limit: 5000, ...(startAfter ? { startAfter } : {}) });
    for (const kv of page.items) out.push(JSON.parse(kv.value) as Service);
    if (!page.more || page.items.length === 0) break;
    startAfter = page.items[page.items.length - 1]!.key;
  }
  return out;
}

export async function repairAllocations(store: Store, allocators: readonly StoreAllocator[], opts: RepairOptions = {}): Promise<RepairResult> {
  const minAgeMs = opts.minAgeMs ?? 60_000;
  const now = (opts.now ?? new Date()).getTime();
  const services = await listServices(store);
  const result: RepairResult = { released: [], restored: [], conflicts: [] };
  for (const alloc of allocators) {
    // Services are listed before the keys: a service stored after that list holds keys younger
    // than minAgeMs, which are spared.
    const keys = await alloc.list();
    const users = new Map<string, Service[]>();
    for (const svc of services) {
      for (const v of valuesOf(svc)[alloc.kind]) {
        const list = users.get(v) ?? [];
        list.push(svc);
        users.set(v, list);
      }
    }
    for (const [value, { record, modRevision }] of keys) {
      const held = users.get(value) ?? [];
      if (record && held.some((s) => s.metadata.uid === record.uid)) continue;
      const age = record?.allocatedAt ? now - Date.parse(record.allocatedAt) : Infinity;
      if (!(age >= minAgeMs)) continue;
      if (await alloc.deleteAt(value, modRevision)) result.released.push(`${alloc.kind}/${value}`);
    }
    for (const [value, held] of users) {
      if (held.length > 1) result.conflicts.push(`${alloc.kind}/${value}`);
      if (keys.has(value)) continue; // held (by this service, or by another: reported above)
      if (alloc.range.offsetOf(value) === undefined) continue; // out of range (range changed): leave
      const claim = await alloc.claim(value, ownerOf(held[0]!));
      if (typeof claim === 'object' && claim.fresh) result.restored.push(`${alloc.kind}/${value}`);
    }
  }
  return result;
}

/** The repair pass at start (awaited: a server serves only once its allocations are consistent)
 * and then every `intervalMs` in the background. */
export class ServiceAllocationRepair {
  private timer: NodeJS.Timeout | undefined;
  private readonly allocators: StoreAllocator[];

  constructor(
    private readonly store: Store,
    allocators: { readonly ips: StoreAllocator; readonly nodePorts: StoreAllocator },
    private readonly intervalMs = 180_000,
  ) {
    this.allocators = [allocators.ips, allocators.nodePorts];
  }

  async start(): Promise<RepairResult> {
    const r = await this.runOnce();
    this.timer = setInterval(() => void this.runOnce().catch(() => undefined), this.intervalMs);
    this.timer.unref();
    return r;
  }

  runOnce(): Promise<RepairResult> {
    return repairAllocations(this.store, this.allocators);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
