/**
 * An informer: list, then watch from the list's resourceVersion, keeping an indexed local copy
 * and telling handlers about adds, updates and deletes. A watch that ends resumes from the last
 * revision seen; a 410 (history gone) relists and reconciles the copy with what changed.
 */
import type { ResourceType } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { ApiError } from '../api/errors.js';
import type { RestClient, WatchEvent, WatchStream } from './rest.js';

export interface EventHandlers<T extends KubeObject> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
}

export type IndexFunc<T> = (obj: T) => readonly string[];

export interface InformerOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

/** `namespace/name`, or `name` for cluster-scoped objects: the key controllers queue. */
export function keyOf(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name ?? ''}` : (obj.metadata.name ?? '');
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export class Informer<T extends KubeObject = KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly handlers: EventHandlers<T>[] = [];
  private readonly indexers = new Map<string, IndexFunc<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();
  private lastRevision = '';
  private stream: WatchStream | undefined;
  private stopped = false;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    private readonly client: RestClient,
    readonly resource: ResourceType,
    private readonly options: InformerOptions = {},
  ) {}

  addEventHandler(h: EventHandlers<T>): void {
    this.handlers.push(h);
    if (this.synced) for (const o of this.items.values()) h.add?.(o);
  }

  /** Adds an index (e.g. pods by node name). Adding a name twice keeps the first: components
   * sharing an informer agree on what a named index means. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    if (this.indexers.has(name)) return;
    const idx = new Map<string, Set<string>>();
    this.indexers.set(name, fn);
    this.indices.set(name, idx);
    for (const [key, obj] of this.items) {
      for (const v of fn(obj)) {
        let set = idx.get(v);
        if (!set) idx.set(v, (set = new Set()));
        set.add(key);
      }
    }
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  /** Objects whose index `name` contains `value`. */
  byIndex(name: string, value: string): T[] {
    const keys = this.indices.get(name)?.get(value);
    if (!keys) return [];
    return [...keys].map((k) => this.items.get(k)!).filter(Boolean);
  }

  /** Starts list+watch; resolves once the first list is in. */
  async start(): Promise<void> {
    this.stopped = false;
    void this.relist();
    await this.waitForSync();
  }

  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((r) => this.syncWaiters.push(r));
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stream?.stop();
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    try {
      const fresh = new Map<string, T>();
      let cont: string | undefined;
      let rv = '';
      do {
        const page = await this.client.list<T>(this.resource, this.options.namespace, {
          ...(this.options.labelSelector ? { labelSelector: this.options.labelSelector } : {}),
          ...(this.options.fieldSelector ? { fieldSelector: this.options.fieldSelector } : {}),
          limit: 5000,
          ...(cont ? { continue: cont } : {}),
        });
        for (const o of page.items) fresh.set(keyOf(o), o);
        cont = page.metadata.continue;
        rv = page.metadata.resourceVersion ?? rv;
      } while (cont);
      if (this.stopped) return;
      this.replace(fresh);
      this.lastRevision = rv;
      this.failures = 0;
      if (!this.synced) {
        this.synced = true;
        for (const w of this.syncWaiters.splice(0)) w();
      }
      this.watch();
    } catch {
      this.retry(() => this.relist());
    }
  }

  private retry(fn: () => Promise<void> | void): void {
    if (this.stopped) return;
    const delay = Math.min(5000, 100 * 2 ** this.failures++);
    this.retryTimer = setTimeout(() => void fn(), delay);
  }

  private watch(): void {
    if (this.stopped) return;
    let gone = false;
    this.stream = this.client.watch(
      this.resource,
      this.options.namespace,
      {
        resourceVersion: this.lastRevision,
        allowWatchBookmarks: true,
        ...(this.options.labelSelector ? { labelSelector: this.options.labelSelector } : {}),
        ...(this.options.fieldSelector ? { fieldSelector: this.options.fieldSelector } : {}),
      },
      (e) => {
        if (e.type === 'ERROR') {
          gone = (e.object as unknown as { code?: number }).code === 410;
          return;
        }
        this.failures = 0;
        this.apply(e);
      },
      (err) => {
        if (this.stopped) return;
        if (gone || (err instanceof ApiError && err.code === 410)) this.retry(() => this.relist());
        else if (err) this.retry(() => this.watch());
        else this.watch();
      },
    );
  }

  private apply(e: WatchEvent): void {
    const obj = e.object as T;
    if (obj.metadata?.resourceVersion) this.lastRevision = obj.metadata.resourceVersion;
    if (e.type === 'BOOKMARK') return;
    const key = keyOf(obj);
    const old = this.items.get(key);
    if (e.type === 'DELETED') {
      if (!old) return;
      this.remove(key, old);
      for (const h of this.handlers) h.delete?.(obj);
      return;
    }
    this.put(key, obj, old);
    for (const h of this.handlers) {
      if (old) h.update?.(old, obj);
      else h.add?.(obj);
    }
  }

  /** After a relist: objects that vanished are deleted, the rest added or updated. */
  private replace(fresh: Map<string, T>): void {
    for (const [key, old] of [...this.items]) {
      if (!fresh.has(key)) {
        this.remove(key, old);
        for (const h of this.handlers) h.delete?.(old);
      }
    }
    for (const [key, obj] of fresh) {
      const old = this.items.get(key);
      if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) continue;
      this.put(key, obj, old);
      for (const h of this.handlers) {
        if (old) h.update?.(old, obj);
        else h.add?.(obj);
      }
    }
  }

  private put(key: string, obj: T, old: T | undefined): void {
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name)!;
      for (const v of fn(obj)) {
        let set = idx.get(v);
        if (!set) idx.set(v, (set = new Set()));
        set.add(key);
      }
    }
  }

  private remove(key: string, old: T): void {
    this.unindex(key, old);
    this.items.delete(key);
  }

  private unindex(key: string, old: T): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indices.get(name)!;
      for (const v of fn(old)) {
        const set = idx.get(v);
        set?.delete(key);
        if (set && set.size === 0) idx.delete(v);
      }
    }
  }
}
