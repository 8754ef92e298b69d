/**
 * The CRD controller, run inside the API server as apiextensions-apiserver's controllers are: it
 * decides each CRD's names (`NamesAccepted`), establishes it (`Established`, `acceptedNames`,
 * `storedVersions`), installs its resource (registry, watch cache, catalog) and, once a CRD is
 * being deleted, deletes every custom object and then its cleanup finalizer. One CRD at a time,
 * so two CRDs claiming one name are decided in turn.
 */
import { isDeepStrictEqual } from 'node:util';
import { MethodNotAllowedError, NotFoundError } from '../../api/errors.js';
import type { ResourceType } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import type { Store } from '../../storage/index.js';
import type { Logger } from '../../util/log.js';
import { Registry } from '../registry/registry.js';
import { CLEANUP_FINALIZER, setCondition } from '../registry/apiextensions/crds.js';
import type { WatchCacheHub } from '../watchcache.js';
import type { ServedCatalog } from './catalog.js';
import { decideNames, requestedNames } from './names.js';
import { customResourceOf } from './served.js';
import { storageVersionOf } from './versions.js';

export interface CrdControllerDeps {
  readonly store: Store;
  readonly hub: WatchCacheHub;
  readonly crds: Registry;
  readonly catalog: ServedCatalog;
  /** The server's registries: custom resources' are added and removed here. */
  readonly registries: Map<ResourceType, Registry>;
  readonly log: Logger;
}

function established(crd: KubeObject): boolean {
  const conds = (crd.status?.['conditions'] as { type: string; status: string }[] | undefined) ?? [];
  return conds.some((c) => c.type === 'Established' && c.status === 'True');
}

export class CrdController {
  private readonly queue = new Set<string>();
  private running: Promise<void> | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly d: CrdControllerDeps) {}

  /** Decides and installs every stored CRD, then follows changes. */
  async start(): Promise<void> {
    this.unsubscribe = this.d.crds.cache.subscribe((events) => {
      for (const e of events) this.enqueue(e.object.metadata.name!);
    });
    for (const o of this.d.crds.cache.objects.values()) this.enqueue(o.metadata.name!);
    await this.running;
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private enqueue(name: string): void {
    if (this.stopped) return;
    this.queue.add(name);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  private later(name: string, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.enqueue(name);
    }, ms);
    this.timers.add(t);
  }

  private async drain(): Promise<void> {
    while (this.queue.size > 0 && !this.stopped) {
      const name = this.queue.values().next().value as string;
      this.queue.delete(name);
      try {
        await this.sync(name);
      } catch (err) {
        this.d.log.warn({ crd: name, err: err instanceof Error ? err.message : String(err) }, 'CRD sync failed; retrying');
        this.later(name, 1000);
      }
    }
  }

  private current(name: string): KubeObject | undefined {
    return this.d.crds.cache.objects.get(this.d.crds.key(undefined, name));
  }

  private async sync(name: string): Promise<void> {
    const crd = this.current(name);
    if (!crd) {
      this.uninstall(name);
      return;
    }
    if (crd.metadata.deletionTimestamp !== undefined) {
      await this.cleanup(crd);
      return;
    }
    const others = [...this.d.crds.cache.objects.values()];
    const next = structuredClone(crd);
    const status = (next.status ??= {}) as Record<string, unknown>;
    const decision = decideNames(crd, others);
    if (decision.accepted) status['acceptedNames'] = requestedNames(crd);
    setCondition(status, { type: 'NamesAccepted', status: decision.accepted ? 'True' : 'False', reason: decision.reason, message: decision.message });
    if (decision.accepted) {
      setCondition(status, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' });
    } else if (!established(crd)) {
      setCondition(status, { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' });
    }
    const storage = storageVersionOf(crd)?.name;
    const stored = Array.isArray(status['storedVersions']) ? (status['storedVersions'] as string[]) : [];
    if (storage && !stored.includes(storage)) status['storedVersions'] = [...stored, storage];
    let latest = crd;
    if (!isDeepStrictEqual(next.status, crd.status)) {
      latest = await this.d.crds.guaranteedUpdate(undefined, name, (cur) => {
        if (cur.metadata.uid !== crd.metadata.uid || cur.metadata.resourceVersion !== crd.metadata.resourceVersion) throw new StaleError();
        cur.status = next.status;
        return cur;
      }, { subresource: 'status' }).catch((err: unknown) => {
        if (err instanceof StaleError || err instanceof NotFoundError) return undefined;
        throw err;
      }) ?? crd;
      if (latest === crd) return; // changed meanwhile: its own event brings it back
      // The next CRD's decision must see these names.
      await this.d.hub.waitFor(Number(latest.metadata.resourceVersion));
    }
    if (established(latest)) await this.install(latest);
    else this.uninstall(name);
  }

  private async install(crd: KubeObject): Promise<void> {
    const cr = customResourceOf(crd);
    const name = crd.metadata.name!;
    if (!cr) return;
    await this.d.hub.addResource(cr.resource);
    const terminating = () => this.current(name)?.metadata.deletionTimestamp !== undefined;
    const registry = new Registry(cr.strategy, this.d.store, this.d.hub, {
      beginCreate: () => {
        if (terminating()) throw new MethodNotAllowedError('create not allowed while custom resource definition is terminating');
        return Promise.resolve(async () => undefined);
      },
    });
    const prev = this.d.catalog.get(name);
    if (prev) this.d.registries.delete(prev.resource);
    this.d.registries.set(cr.resource, registry);
    this.d.catalog.set(name, cr);
  }

  private uninstall(name: string): void {
    const prev = this.d.catalog.delete(name);
    if (!prev) return;
    const registry = this.d.registries.get(prev.resource);
    this.d.registries.delete(prev.resource);
    // Clients watching the resource learn that it is gone (their watch ends; a new one gets 404).
    registry?.cache.closeWatches();
  }

  /** Deletes every object of a CRD being deleted, then lets the CRD go. */
  private async cleanup(crd: KubeObject): Promise<void> {
    const name = crd.metadata.name!;
    if (!(crd.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) {
      this.uninstall(name);
      return;
    }
    if (!this.d.catalog.get(name) && established(crd)) await this.install(crd);
    const served = this.d.catalog.get(name);
    const registry = served ? this.d.registries.get(served.resource) : undefined;
    if (registry) {
      await this.d.hub.sync();
      for (const o of [...registry.cache.objects.values()]) {
        try {
          await registry.delete(o.metadata.namespace, o.metadata.name!);
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
        }
      }
      await this.d.hub.sync();
      if (registry.cache.objects.size > 0) {
        // Objects held by finalizers of their own: look again shortly.
        this.later(name, 1000);
        return;
      }
    }
    this.uninstall(name);
    try {
      await this.d.crds.guaranteedUpdate(undefined, name, (cur) => {
        cur.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
        return cur;
      });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
}

/** The CRD changed between reading and writing its status. */
class StaleError extends Error {}
