/**
 * `etcd://HOST:PORT[,…]`: the store contract on etcd's own revisions. Every conditional write is
 * one etcd transaction, so compare-and-swap is decided by etcd, never by a read in this process:
 * - create: if the key's create revision is 0 (absent) then put;
 * - update/delete: if the key exists and its mod revision is the expected one then write, else
 *   read it back to tell "gone" (KeyNotFoundError) from "changed" (ConflictError).
 *
 * Compacted revision: etcd has no cheap call that reports it (only HashKV, which hashes the whole
 * store). This store remembers the highest it has seen (its own compactions, watch cancellations)
 * and, when asked, finds the exact value by binary search over "does a range read at revision r
 * succeed" (etcd refuses reads below the compacted revision): about log2(revision) tiny reads,
 * correct even when another server compacted.
 */
import type { Etcd3, IRangeRequest } from 'etcd3';
import { CompactedError, ConflictError, KeyExistsError, KeyNotFoundError, StoreError, StoreUnavailableError } from '../errors.js';
import type { KeyValue, ListOptions, ListResult, Store, Watch, WatchHandlers } from '../store.js';
import { connect, isCompactedError, prefixRangeEnd, toBytes, toKeyValue, toStoreError } from './client.js';
import { EtcdWatch } from './etcd-watch.js';

/** Ranges over this key answer "is revision r readable" without touching real data. */
const probeKey = Buffer.from([0]);

export class EtcdStore implements Store {
  private readonly watches = new Set<EtcdWatch>();
  private knownCompacted = 0;
  private closed = false;

  private constructor(private readonly client: Etcd3) {}

  /** Connects and checks that etcd answers, so a wrong URL fails at startup, not at first use. */
  static async connect(hosts: readonly string[]): Promise<EtcdStore> {
    const store = new EtcdStore(connect(hosts));
    try {
      await store.currentRevision();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  create(key: string, value: string): Promise<KeyValue> {
    return this.call(async () => {
      const k = toBytes(key);
      const res = await this.client.kv.txn({
        compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key: k, value: Buffer.from(value, 'utf8') } }],
      });
      if (!res.succeeded) throw new KeyExistsError(key);
      const rev = Number(res.header.revision);
      return { key, value, createRevision: rev, modRevision: rev };
    });
  }

  get(key: string): Promise<KeyValue | undefined> {
    return this.read(async () => {
      const res = await this.client.kv.range({ key: toBytes(key) });
      const kv = res.kvs[0];
      return kv ? toKeyValue(kv) : undefined;
    });
  }

  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    return this.call(async () => {
      const k = toBytes(key);
      const res = await this.client.kv.txn({
        compare: this.exists(k, expectedModRevision),
        success: [{ request_put: { key: k, value: Buffer.from(value, 'utf8'), prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      });
      if (!res.succeeded) throw this.casFailure(key, res.responses[0]?.response_range.kvs[0]?.mod_revision);
      const prev = res.responses[0]?.response_put.prev_kv;
      const rev = Number(res.header.revision);
      return { key, value, createRevision: prev ? Number(prev.create_revision) : rev, modRevision: rev };
    });
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.call(async () => {
      const k = toBytes(key);
      const res = await this.client.kv.txn({
        compare: this.exists(k, expectedModRevision),
        success: [{ request_delete_range: { key: k, prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      });
      if (!res.succeeded) throw this.casFailure(key, res.responses[0]?.response_range.kvs[0]?.mod_revision);
      const prev = res.responses[0]?.response_delete_range.prev_kvs[0];
      if (!prev) throw new KeyNotFoundError(key);
      return { ...toKeyValue(prev), modRevision: Number(res.header.revision) };
    });
  }

  list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    return this.read(async () => {
      const end = prefixRangeEnd(prefix);
      let start = toBytes(prefix);
      if (opts.startAfter !== undefined) {
        // The first key after `startAfter` is startAfter + "\0".
        const next = Buffer.concat([toBytes(opts.startAfter), probeKey]);
        if (Buffer.compare(next, start) > 0) start = next;
      }
      const req: IRangeRequest = { key: start, range_end: end };
      if (opts.revision) req.revision = opts.revision;
      if (opts.limit && opts.limit > 0) req.limit = opts.limit;
      const res = await this.readAt(opts.revision ?? 0, () => this.client.kv.range(req));
      const items = res.kvs.map(toKeyValue);
      const count = Number(res.count);
      return {
        items,
        // etcd's header carries the current revision even when reading an older one.
        revision: opts.revision ? opts.revision : Number(res.header.revision),
        more: res.more,
        remaining: Math.max(0, count - items.length),
      };
    });
  }

  count(prefix: string): Promise<number> {
    return this.read(async () => {
      const res = await this.client.kv.range({ key: toBytes(prefix), range_end: prefixRangeEnd(prefix), count_only: true });
      return Number(res.count);
    });
  }

  watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Watch {
    if (this.closed) throw new StoreUnavailableError('store is closed');
    // What this store already knows is refused here; anything compacted elsewhere comes back
    // from etcd as a cancelled watch and reaches onError.
    if (fromRevision < this.knownCompacted) throw new CompactedError(fromRevision, this.knownCompacted);
    const w = new EtcdWatch(this.client, prefix, fromRevision, handlers, {
      noteCompacted: (rev) => this.noteCompacted(rev),
      detach: (x) => this.watches.delete(x),
    });
    this.watches.add(w);
    return w;
  }

  currentRevision(): Promise<number> {
    return this.read(async () => {
      const res = await this.client.kv.range({ key: probeKey, count_only: true });
      return Number(res.header.revision);
    });
  }

  compact(revision: number): Promise<void> {
    return this.call(async () => {
      try {
        // physical: returns once the old revisions are really gone, so reads agree at once.
        await this.client.kv.compact({ revision, physical: true });
        this.noteCompacted(revision);
      } catch (err) {
        if (!isCompactedError(err)) throw err; // already compacted at or past it: nothing to do
      }
    });
  }

  compactedRevision(): Promise<number> {
    return this.read(async () => {
      // Smallest readable revision r in [known, current]: everything below r is compacted.
      let lo = Math.max(1, this.knownCompacted);
      let hi = Number((await this.client.kv.range({ key: probeKey, count_only: true })).header.revision);
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (await this.readable(mid)) hi = mid;
        else lo = mid + 1;
      }
      // Readable from 1 means never compacted (compacting at revision 1 forgets nothing).
      this.noteCompacted(lo > 1 ? lo : 0);
      return this.knownCompacted;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Watch streams first: an open stream would keep the gRPC channel (and node) alive.
    for (const w of [...this.watches]) w.close();
    this.client.close();
    await new Promise((r) => setImmediate(r));
  }

  /** Compare clauses: the key exists and, if given, was last written at `expected`. */
  private exists(k: Buffer, expected: number | undefined) {
    const clauses = [{ key: k, target: 'Version' as const, result: 'Greater' as const, version: 0 }];
    if (expected === undefined) return clauses;
    return [...clauses, { key: k, target: 'Mod' as const, result: 'Equal' as const, mod_revision: expected }];
  }

  private casFailure(key: string, actualModRevision: string | undefined): StoreError {
    return actualModRevision === undefined ? new KeyNotFoundError(key) : new ConflictError(key, Number(actualModRevision));
  }

  private async readable(rev: number): Promise<boolean> {
    try {
      await this.client.kv.range({ key: probeKey, revision: rev, count_only: true });
      return true;
    } catch (err) {
      if (isCompactedError(err)) return false;
      throw err;
    }
  }

  /** Runs a read at `rev`, turning etcd's "compacted" into CompactedError with the revision. */
  private async readAt<T>(rev: number, read: () => Promise<T>): Promise<T> {
    if (rev > 0 && rev < this.knownCompacted) throw new CompactedError(rev, this.knownCompacted);
    try {
      return await read();
    } catch (err) {
      if (!isCompactedError(err)) throw err;
      throw new CompactedError(rev, await this.compactedRevision());
    }
  }

  private noteCompacted(rev: number): void {
    if (rev > this.knownCompacted) this.knownCompacted = rev;
  }

  /** A read is safe to repeat: a call that failed for want of a connection is tried twice more
   * (on another member, where there are several) before the failure is reported. */
  private async read<T>(op: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.call(op);
      } catch (err) {
        if (!(err instanceof StoreUnavailableError) || this.closed || attempt >= 3) throw err;
      }
    }
  }

  /** Runs one attempt; a write is never repeated here, since its first try may have committed. */
  private async call<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreUnavailableError('store is closed');
    try {
      return await op();
    } catch (err) {
      throw toStoreError(err);
    }
  }
}
