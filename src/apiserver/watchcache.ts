/**
 * The watch cache: ONE store watch over `/registry/` feeds an in-memory copy of every resource and
 * a bounded history of recent events per resource. Lists and watches are served from it, so any
 * number of LIST/WATCH clients cost one store watch, and because the single watch sees every
 * revision, the cache knows exactly how fresh it is (a consistent read waits until the cache has
 * caught up with the store's current revision, as Kubernetes' consistent-list-from-cache does).
 */
import type { Store, WatchEvent as StoreEvent, Watch } from '../storage/index.js';
import type { KubeObject } from '../api/types.js';
import type { ResourceType } from '../api/resources.js';
import { GoneError, ServiceUnavailableError, TooLargeResourceVersionError } from '../api/errors.js';
import { resourcePrefix } from './registry/keys.js';
import { decodeStored } from './registry/codec.js';

export type CacheEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent {
  readonly type: CacheEventType;
  readonly key: string;
  /** The object after the event (for DELETED: its last state, resourceVersion = the delete's). */
  readonly object: KubeObject;
  /** The object before the event (absent for ADDED). */
  readonly prevObject?: KubeObject;
  readonly revision: number;
}

export type CacheListener = (events: readonly CacheEvent[]) => void;

/** How many events per resource the cache keeps for watches that resume from a past revision. */
const HISTORY_PER_RESOURCE = 10_000;

export class ResourceCache {
  readonly objects = new Map<string, KubeObject>();
  private history: CacheEvent[] = [];
  /** The oldest revision a watch may resume from (events after it are all in history). */
  private oldestResumable = 0;
  private readonly listeners = new Set<CacheListener>();

  constructor(readonly resource: ResourceType) {}

  /** Keys changed by events while a late {@link WatchCacheHub.addResource} loads this cache. */
  private loadingTouched: Set<string> | undefined;

  /** A cache added while the hub runs: it takes events from now on, and `revision` (the hub's
   * revision when it was added) is the oldest a watch may resume from. */
  beginLoad(revision: number): void {
    this.loadingTouched = new Set();
    this.oldestResumable = revision;
  }

  /** The store's contents at the revision passed to {@link beginLoad}, under the events since. */
  finishLoad(objects: Iterable<[string, KubeObject]>): void {
    const touched = this.loadingTouched ?? new Set<string>();
    for (const [k, o] of objects) if (!touched.has(k)) this.objects.set(k, o);
    this.loadingTouched = undefined;
  }

  /** Replace the contents (initial load). */
  load(objects: Iterable<[string, KubeObject]>, revision: number): void {
    this.objects.clear();
    for (const [k, o] of objects) this.objects.set(k, o);
    this.history = [];
    this.oldestResumable = revision;
  }

  apply(events: readonly CacheEvent[]): void {
    for (const e of events) {
      this.loadingTouched?.add(e.key);
      if (e.type === 'DELETED') this.objects.delete(e.key);
      else this.objects.set(e.key, e.object);
      this.history.push(e);
    }
    if (this.history.length > HISTORY_PER_RESOURCE * 1.25) {
      const drop = this.history.length - HISTORY_PER_RESOURCE;
      this.oldestResumable = this.history[drop - 1]!.revision;
      this.history = this.history.slice(drop);
    }
    for (const l of this.listeners) l(events);
  }

  /** Events after `revision`, for a watch resuming there; GoneError if history no longer has them. */
  eventsSince(revision: number): CacheEvent[] {
    if (revision < this.oldestResumable) {
      throw new GoneError(`too old resource version: ${revision} (${this.oldestResumable})`);
    }
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid]!.revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  subscribe(l: CacheListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private readonly closers = new Set<() => void>();

  /** `end` runs when the resource stops being served (its CRD went): watches end then. */
  onClose(end: () => void): () => void {
    this.closers.add(end);
    return () => this.closers.delete(end);
  }

  /** Ends every watch of the resource, as Kubernetes does when a CRD is deleted. */
  closeWatches(): void {
    for (const end of [...this.closers]) end();
    this.closers.clear();
  }

  get watcherCount(): number {
    return this.listeners.size;
  }
}

/** All resource caches, fed by one store watch. */
export class WatchCacheHub {
  private readonly caches = new Map<string, ResourceCache>();
  private readonly prefixes: [string, ResourceCache][] = [];
  private revision = 0;
  private watch: Watch | undefined;
  private waiters: { revision: bigint; resolve: () => void }[] = [];
  private failure: Error | undefined;
  private restarting: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    resources: readonly ResourceType[],
  ) {
    for (const r of resources) {
      const c = new ResourceCache(r);
      const prefix = resourcePrefix(r);
      this.caches.set(prefix, c);
      this.prefixes.push([prefix, c]);
    }
    // Longest prefixes first so `/registry/apps/…` never falls to a shorter match.
    this.prefixes.sort((a, b) => b[0].length - a[0].length);
  }

  /**
   * Adds the cache of a resource that appeared while serving (a custom resource): it follows the
   * store watch at once, then loads what the store held at the hub's revision (keys the watch
   * changed meanwhile keep the watch's state). A resource already cached keeps its cache.
   */
  async addResource(r: ResourceType): Promise<ResourceCache> {
    const prefix = resourcePrefix(r);
    const have = this.caches.get(prefix);
    if (have) return have;
    const c = new ResourceCache(r);
    const revision = this.revision;
    c.beginLoad(revision);
    this.caches.set(prefix, c);
    this.prefixes.push([prefix, c]);
    this.prefixes.sort((a, b) => b[0].length - a[0].length);
    const entries: [string, KubeObject][] = [];
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.store.list(prefix, { revision, limit: 5000, startAfter });
      for (const kv of page.items) entries.push([kv.key, decodeStored(kv.value, kv.modRevision)]);
      if (!page.more || page.items.length === 0) break;
      startAfter = page.items[page.items.length - 1]!.key;
    }
    c.finishLoad(entries);
    return c;
  }

  cacheFor(r: ResourceType): ResourceCache {
    const c = this.caches.get(resourcePrefix(r));
    if (!c) throw new Error(`no watch cache for ${r.plural}`);
    return c;
  }

  /** The revision up to which every cache is complete. */
  get currentRevision(): number {
    return this.revision;
  }

  async start(): Promise<void> {
    const revision = await this.store.currentRevision();
    for (const [prefix, cache] of this.prefixes) {
      const entries: [string, KubeObject][] = [];
      let startAfter: string | undefined;
      for (;;) {
        const page = await this.store.list(prefix, { revision, limit: 5000, startAfter });
        for (const kv of page.items) entries.push([kv.key, decodeStored(kv.value, kv.modRevision)]);
        if (!page.more || page.items.length === 0) break;
        startAfter = page.items[page.items.length - 1]!.key;
      }
      cache.load(entries, revision);
    }
    this.revision = revision;
    this.failure = undefined;
    this.watch = this.store.watch('/registry/', revision, {
      onEvents: (events) => this.onStoreEvents(events),
      onError: (err) => this.onStoreError(err),
    });
  }

  private onStoreEvents(events: readonly StoreEvent[]): void {
    const byCache = new Map<ResourceCache, CacheEvent[]>();
    for (const e of events) {
      const cache = this.cacheForKey(e.kv.key);
      if (cache) {
        const prevObject = cache.objects.get(e.kv.key);
        const object = decodeStored(e.kv.value, e.revision);
        const type: CacheEventType = e.type === 'delete' ? 'DELETED' : prevObject ? 'MODIFIED' : 'ADDED';
        const ev: CacheEvent = prevObject
          ? { type, key: e.kv.key, object, prevObject, revision: e.revision }
          : { type, key: e.kv.key, object, revision: e.revision };
        let list = byCache.get(cache);
        if (!list) byCache.set(cache, (list = []));
        list.push(ev);
      }
      if (e.revision > this.revision) this.revision = e.revision;
    }
    for (const [cache, evs] of byCache) cache.apply(evs);
    this.wake();
  }

  private onStoreError(err: Error): void {
    // The store watch broke (e.g. compaction overtook it after a long stall): rebuild from a
    // fresh list. Watches resuming from revisions before the rebuild get 410 and relist.
    this.failure = err;
    this.restarting ??= (async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          await this.start();
          break;
        } catch {
          await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
        }
      }
    })().finally(() => {
      this.restarting = undefined;
    });
  }

  private cacheForKey(key: string): ResourceCache | undefined {
    for (const [prefix, cache] of this.prefixes) if (key.startsWith(prefix)) return cache;
    return undefined;
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.revision <= BigInt(this.revision)) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** Resolves once the cache has applied every event up to `revision` (a BigInt for versions past
   * 2^53, which no store reaches). Past the wait: 504 with a ResourceVersionTooLarge cause, as
   * kube-apiserver's cacher; 503 while the cache is rebuilding after a broken store watch. */
  async waitFor(revision: number | bigint, timeoutMs = 3000): Promise<void> {
    const want = BigInt(revision);
    if (want <= BigInt(this.revision)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(
          this.failure
            ? new ServiceUnavailableError(`Too large resource version: ${want}, current: ${this.revision} (${this.failure.message})`)
            : new TooLargeResourceVersionError(want, this.revision),
        );
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ revision: want, resolve: done });
    });
  }

  /** Waits until the cache reflects every write the store has acknowledged so far. */
  async sync(): Promise<void> {
    await this.waitFor(await this.store.currentRevision());
  }

  stop(): void {
    this.watch?.close();
    this.watch = undefined;
  }
}
