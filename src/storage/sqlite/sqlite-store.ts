/**
 * `sqlite://PATH`: the store contract on one append-only SQLite table, after kine. A write reads
 * the key's latest row (the compare of compare-and-swap) and appends the new row with the next
 * revision as its id; reads pick each key's newest row at or below the revision asked for.
 *
 * Group commit: writes issued in the same turn of the event loop share one IMMEDIATE transaction
 * and so one fsync, each still checked against the rows the ones before it wrote. A write that
 * fails its own check (exists, conflict, not found) fails alone; an error from SQLite itself
 * fails the whole batch, of which nothing was written. No promise settles before the commit, so
 * an acknowledged write is durable.
 */
import { CompactedError, ConflictError, KeyExistsError, KeyNotFoundError, StoreError, StoreUnavailableError } from '../errors.js';
import { compareKeys, prefixEnd } from '../keys.js';
import type { KeyValue, ListOptions, ListResult, Store, Watch, WatchHandlers } from '../store.js';
import { Poller } from './poller.js';
import { openDatabase, type Db } from './schema.js';
import { prepareStatements, rowToKeyValue, type LogRow, type Statements } from './statements.js';

export interface SqliteStoreOptions {
  /** How often the poll loop looks for writes by other processes (local writes wake it at once). */
  readonly pollIntervalMs?: number;
}

/** Ids compacted per transaction, so a large compaction never holds the write lock for long. */
const compactBatchIds = 5000;

export class SqliteStore implements Store {
  private readonly db: Db;
  private readonly stmts: Statements;
  private readonly poller: Poller;
  private closed = false;
  private readonly writeTx: <T>(fn: () => T) => T;
  private readonly readTx: <T>(fn: () => T) => T;
  private pending: PendingWrite[] = [];

  constructor(file: string, opts: SqliteStoreOptions = {}) {
    this.db = openDatabase(file);
    this.stmts = prepareStatements(this.db);
    this.poller = new Poller(this.db, this.stmts, opts.pollIntervalMs ?? 100);
    const tx = this.db.transaction((fn: () => unknown) => fn());
    this.writeTx = <T>(fn: () => T): T => tx.immediate(fn) as T;
    this.readTx = <T>(fn: () => T): T => tx.deferred(fn) as T;
  }

  create(key: string, value: string): Promise<KeyValue> {
    return this.write((rev) => {
      const latest = this.stmts.latest.get(key);
      if (latest && latest.deleted === 0) throw new KeyExistsError(key);
      this.stmts.insert.run(rev, key, 1, 0, rev, latest?.id ?? 0, value, null);
      return { key, value, createRevision: rev, modRevision: rev };
    });
  }

  get(key: string): Promise<KeyValue | undefined> {
    return this.read(() => {
      const row = this.stmts.latest.get(key);
      return row && row.deleted === 0 ? rowToKeyValue(row) : undefined;
    });
  }

  update(key: string, value: string, expectedModRevision: number): Promise<KeyValue> {
    return this.write((rev) => {
      const prev = this.live(key, expectedModRevision);
      this.stmts.insert.run(rev, key, 0, 0, prev.create_revision, prev.id, value, prev.value);
      return { key, value, createRevision: prev.create_revision, modRevision: rev };
    });
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.write((rev) => {
      const prev = this.live(key, expectedModRevision);
      this.stmts.insert.run(rev, key, 0, 1, prev.create_revision, prev.id, prev.value, prev.value);
      return { key, value: prev.value ?? '', createRevision: prev.create_revision, modRevision: rev };
    });
  }

  list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    return this.read(() => {
      const current = this.stmts.currentRevision.get()!.rev;
      const rev = opts.revision ? opts.revision : current;
      if (rev > current) throw new StoreError(`revision ${rev} is in the future (current ${current})`);
      const compacted = this.stmts.compactedRevision.get()!.rev;
      if (rev < compacted) throw new CompactedError(rev, compacted);
      // Pagination moves the lower bound just past the last key: key + "\0" is the next string.
      const after = opts.startAfter === undefined ? undefined : opts.startAfter + '\0';
      const lo = after !== undefined && compareKeys(after, prefix) > 0 ? after : prefix;
      const hi = prefixEnd(prefix);
      const want = opts.limit && opts.limit > 0 ? opts.limit : -1;
      const limit = want < 0 ? -1 : want + 1;
      const rows = hi === undefined ? this.stmts.listUnbounded.all({ lo, rev, limit }) : this.stmts.listBounded.all({ lo, hi, rev, limit });
      const more = want >= 0 && rows.length > want;
      const items = (more ? rows.slice(0, want) : rows).map(rowToKeyValue);
      return { items, revision: rev, more };
    });
  }

  count(prefix: string): Promise<number> {
    return this.read(() => {
      const hi = prefixEnd(prefix);
      const row = hi === undefined ? this.stmts.countUnbounded.get({ lo: prefix }) : this.stmts.countBounded.get({ lo: prefix, hi });
      return row!.n;
    });
  }

  watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Watch {
    if (this.closed) throw new StoreUnavailableError('store is closed');
    try {
      return this.poller.watch(prefix, fromRevision, handlers);
    } catch (err) {
      throw toStoreError(err);
    }
  }

  currentRevision(): Promise<number> {
    return this.read(() => this.stmts.currentRevision.get()!.rev);
  }

  compact(revision: number): Promise<void> {
    return this.run(() => {
      const current = this.stmts.currentRevision.get()!.rev;
      if (revision > current) throw new StoreError(`cannot compact to future revision ${revision} (current ${current})`);
      // Local watches take every event now, before rows that would replay them are deleted.
      this.poller.poll();
      const raised = this.writeTx(() => {
        if (revision <= this.stmts.compactedRevision.get()!.rev) return false;
        // Recorded first: from here on reads below `revision` are refused, so the partial state
        // between the batches below is never observed.
        this.stmts.setCompactedRevision.run(revision);
        return true;
      });
      if (!raised) return;
      const first = this.stmts.minId.get()!.id ?? revision;
      for (let lo = first - 1; lo < revision; lo += compactBatchIds) {
        const hi = Math.min(lo + compactBatchIds, revision);
        this.writeTx(() => this.stmts.compactRange.run({ lo, hi, rev: revision }));
      }
    });
  }

  compactedRevision(): Promise<number> {
    return this.read(() => this.stmts.compactedRevision.get()!.rev);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // Writes already queued are committed: their callers are waiting on them.
    this.commit();
    this.closed = true;
    this.poller.close();
    this.db.close();
    return Promise.resolve();
  }

  /** The key's latest row, which must be live and (when given) at `expected`. */
  private live(key: string, expected: number | undefined): LogRow {
    const prev = this.stmts.latest.get(key);
    if (!prev || prev.deleted === 1) throw new KeyNotFoundError(key);
    if (expected !== undefined && prev.id !== expected) throw new ConflictError(key, prev.id);
    return prev;
  }

  /** Queues a write for the next group commit (see the file comment). `fn` appends exactly one
   * row at `rev`, or throws a StoreError before writing anything. */
  private write<T>(fn: (rev: number) => T): Promise<T> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('store is closed'));
    return new Promise<T>((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.commit());
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
    });
  }

  private commit(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    if (this.closed) {
      for (const w of batch) w.reject(new StoreUnavailableError('store is closed'));
      return;
    }
    const outcomes: ({ ok: true; value: unknown } | { ok: false; err: Error })[] = [];
    try {
      this.writeTx(() => {
        outcomes.length = 0;
        let rev = this.stmts.currentRevision.get()!.rev + 1;
        for (const w of batch) {
          try {
            outcomes.push({ ok: true, value: w.fn(rev) });
            rev++;
          } catch (err) {
            if (!(err instanceof StoreError)) throw err;
            outcomes.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      const e = toStoreError(err);
      for (const w of batch) w.reject(e);
      return;
    }
    this.poller.wake();
    batch.forEach((w, i) => {
      const o = outcomes[i]!;
      if (o.ok) w.resolve(o.value);
      else w.reject(o.err);
    });
  }

  /** Runs reads in one deferred transaction: one consistent snapshot, also across processes. */
  private read<T>(fn: () => T): Promise<T> {
    return this.run(() => this.readTx(fn));
  }

  private run<T>(op: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('store is closed'));
    try {
      return Promise.resolve(op());
    } catch (err) {
      return Promise.reject(toStoreError(err));
    }
  }
}

interface PendingWrite {
  readonly fn: (rev: number) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
}

/** Contract errors pass through; anything SQLite raised (I/O, busy, corrupt) means the backend
 * failed. */
function toStoreError(err: unknown): Error {
  if (err instanceof StoreError) return err;
  return new StoreUnavailableError(`sqlite: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
