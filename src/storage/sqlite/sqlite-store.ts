/**
 * `sqlite://PATH`: the store contract on one append-only SQLite table, after kine. A write is one
 * IMMEDIATE transaction that reads the key's latest row (the compare of compare-and-swap) and
 * appends the new row with the next revision as its id; reads pick each key's newest row at or
 * below the revision asked for. better-sqlite3 is synchronous, so each call completes (and is
 * durable) before its promise settles.
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

  /** Runs a write in an IMMEDIATE transaction with the next revision; wakes the poll loop. */
  private write<T>(fn: (rev: number) => T): Promise<T> {
    return this.run(() => {
      const out = this.writeTx(() => fn(this.stmts.currentRevision.get()!.rev + 1));
      this.poller.wake();
      return out;
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

/** Contract errors pass through; anything SQLite raised (I/O, busy, corrupt) means the backend
 * failed. */
function toStoreError(err: unknown): Error {
  if (err instanceof StoreError) return err;
  return new StoreUnavailableError(`sqlite: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
