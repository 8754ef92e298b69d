/**
 * `memory://`: the store contract held in process memory, for tests. The current values live in a
 * map; every write also appends its event to a history array, which is what watches replay and
 * what lists at an older revision roll back through. Compaction trims that history.
 */
import { CompactedError, ConflictError, KeyExistsError, KeyNotFoundError, StoreError, StoreUnavailableError } from '../errors.js';
import { compareKeys } from '../keys.js';
import { LocalWatch } from '../local-watch.js';
import type { KeyValue, ListOptions, ListResult, Store, Watch, WatchEvent, WatchHandlers } from '../store.js';

export class MemoryStore implements Store {
  private readonly current = new Map<string, KeyValue>();
  /** Every event with revision > `compacted`, in revision order (one per revision). */
  private history: WatchEvent[] = [];
  private revision = 0;
  private compacted = 0;
  private readonly watches = new Set<LocalWatch>();
  private closed = false;

  create(key: string, value: string): Promise<KeyValue> {
    return this.run(() => {
      if (this.current.has(key)) throw new KeyExistsError(key);
      const rev = ++this.revision;
      const kv: KeyValue = { key, value, createRevision: rev, modRevision: rev };
      this.commit({ type: 'put', kv, revision: rev });
      return kv;
    });
  }

  get(key: string): Promise<KeyValue | undefined> {
    return this.run(() => this.current.get(key));
  }

  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    return this.run(() => {
      const prev = this.current.get(key);
      if (!prev) throw new KeyNotFoundError(key);
      if (prev.modRevision !== expectedModRevision) throw new ConflictError(key, prev.modRevision);
      const rev = ++this.revision;
      const kv: KeyValue = { key, value, createRevision: prev.createRevision, modRevision: rev };
      this.commit({ type: 'put', kv, prevKv: prev, revision: rev });
      return kv;
    });
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.run(() => {
      const prev = this.current.get(key);
      if (!prev) throw new KeyNotFoundError(key);
      if (expectedModRevision !== undefined && prev.modRevision !== expectedModRevision) {
        throw new ConflictError(key, prev.modRevision);
      }
      const rev = ++this.revision;
      const kv: KeyValue = { ...prev, modRevision: rev };
      this.commit({ type: 'delete', kv, prevKv: prev, revision: rev });
      return kv;
    });
  }

  list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    return this.run(() => {
      const at = opts.revision ? opts.revision : this.revision;
      this.checkReadable(at);
      const after = opts.startAfter;
      const keys = [...this.snapshot(prefix, at).values()]
        .filter((kv) => after === undefined || compareKeys(kv.key, after) > 0)
        .sort((a, b) => compareKeys(a.key, b.key));
      const limit = opts.limit && opts.limit > 0 ? opts.limit : keys.length;
      const items = keys.slice(0, limit);
      return { items, revision: at, more: keys.length > items.length, remaining: keys.length - items.length };
    });
  }

  count(prefix: string): Promise<number> {
    return this.run(() => {
      let n = 0;
      for (const key of this.current.keys()) if (key.startsWith(prefix)) n++;
      return n;
    });
  }

  watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Watch {
    if (this.closed) throw new StoreUnavailableError('store is closed');
    if (fromRevision < this.compacted) throw new CompactedError(fromRevision, this.compacted);
    const w = new LocalWatch(prefix, fromRevision, handlers, (x) => this.watches.delete(x));
    this.watches.add(w);
    // The history holds everything above `compacted`, so replaying it and then receiving live
    // events (all in this synchronous turn) leaves no gap; the watch drops what it already has.
    w.offer(this.history.slice(this.firstIndexAbove(fromRevision)));
    return w;
  }

  currentRevision(): Promise<number> {
    return this.run(() => this.revision);
  }

  compact(revision: number): Promise<void> {
    return this.run(() => {
      if (revision > this.revision) throw new StoreError(`cannot compact to future revision ${revision}`);
      if (revision <= this.compacted) return;
      this.history = this.history.slice(this.firstIndexAbove(revision));
      this.compacted = revision;
    });
  }

  compactedRevision(): Promise<number> {
    return this.run(() => this.compacted);
  }

  close(): Promise<void> {
    this.closed = true;
    for (const w of [...this.watches]) w.close();
    return Promise.resolve();
  }

  private commit(event: WatchEvent): void {
    if (event.type === 'delete') this.current.delete(event.kv.key);
    else this.current.set(event.kv.key, event.kv);
    this.history.push(event);
    for (const w of this.watches) w.offer([event]);
  }

  /** Keys under `prefix` as of `revision`: today's values with later events undone. */
  private snapshot(prefix: string, revision: number): Map<string, KeyValue> {
    const out = new Map<string, KeyValue>();
    for (const [key, kv] of this.current) if (key.startsWith(prefix)) out.set(key, kv);
    for (let i = this.history.length - 1; i >= 0; i--) {
      const e = this.history[i]!;
      if (e.revision <= revision) break;
      if (!e.kv.key.startsWith(prefix)) continue;
      if (e.prevKv) out.set(e.kv.key, e.prevKv);
      else out.delete(e.kv.key);
    }
    return out;
  }

  private checkReadable(revision: number): void {
    if (revision > this.revision) throw new StoreError(`revision ${revision} is in the future (current ${this.revision})`);
    if (revision < this.compacted) throw new CompactedError(revision, this.compacted);
  }

  /** Index of the first history event with revision > `revision` (binary search). */
  private firstIndexAbove(revision: number): number {
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.history[mid]!.revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Runs an operation as the async contract wants it, refusing work once closed. */
  private run<T>(op: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('store is closed'));
    try {
      return Promise.resolve(op());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
