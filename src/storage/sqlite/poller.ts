/**
 * The one poll loop of a SQLite store: reads log rows above the last revision it fanned out and
 * offers them, in revision order, to every watch. It wakes at once after a local write and on a
 * short timer, the timer only to notice writes by other processes sharing the file.
 *
 * Rows appear in id order with no gaps: SQLite serializes writers and each write takes its id
 * under the write lock, so a reader's snapshot always holds a prefix of the log.
 */
import { CompactedError, StoreUnavailableError } from '../errors.js';
import { LocalWatch } from '../local-watch.js';
import type { WatchHandlers } from '../store.js';
import type { Db } from './schema.js';
import { rowToEvent, type Statements } from './statements.js';

/** Rows read per query while catching up, to bound memory per step. */
const batchRows = 1000;

export class Poller {
  /** Every row with id <= position has been offered to the watches. */
  private position: number;
  private readonly watches = new Set<LocalWatch>();
  private timer: NodeJS.Timeout | undefined;
  private wakeScheduled = false;
  private readonly pollTx: () => void;

  constructor(
    private readonly db: Db,
    private readonly stmts: Statements,
    private readonly intervalMs: number,
  ) {
    this.position = stmts.currentRevision.get()!.rev;
    this.pollTx = db.transaction(() => this.pollInSnapshot());
  }

  /** Registers a watch for events above `from` under `prefix`. Replays from the table what the
   * loop already passed, in the same read snapshot as the compaction check, so nothing between
   * the replay and the live events is missed or repeated. */
  watch(prefix: string, from: number, handlers: WatchHandlers): LocalWatch {
    const w = new LocalWatch(prefix, from, handlers, (x) => this.detach(x));
    this.db.transaction(() => {
      const compacted = this.stmts.compactedRevision.get()!.rev;
      if (from < compacted) throw new CompactedError(from, compacted);
      for (let after = from; after < this.position; ) {
        const rows = this.stmts.since.all({ after, upto: this.position, limit: batchRows });
        if (rows.length === 0) break;
        w.offer(rows.map(rowToEvent));
        after = rows[rows.length - 1]!.id;
      }
    })();
    this.watches.add(w);
    this.timer ??= setInterval(() => this.poll(), this.intervalMs).unref();
    return w;
  }

  /** Schedules a poll soon (coalesced): called after every local write. */
  wake(): void {
    if (this.wakeScheduled || this.watches.size === 0) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.poll();
    });
  }

  /** Fans out every row written so far. Synchronous; compaction runs it first so that local
   * watches hold every event before rows are deleted. */
  poll(): void {
    try {
      this.pollTx();
    } catch (err) {
      const failure = new StoreUnavailableError(`sqlite poll failed: ${String(err)}`, { cause: err });
      for (const w of [...this.watches]) w.fail(failure);
    }
  }

  close(): void {
    for (const w of [...this.watches]) w.close();
    this.stopTimer();
  }

  private pollInSnapshot(): void {
    if (this.watches.size === 0) {
      this.position = this.stmts.currentRevision.get()!.rev;
      return;
    }
    const compacted = this.stmts.compactedRevision.get()!.rev;
    if (compacted > this.position) {
      // Another process compacted past rows this loop had not read yet: events may be gone, so
      // every watch must start over from a list.
      const err = new CompactedError(this.position, compacted);
      for (const w of [...this.watches]) w.fail(err);
      this.position = this.stmts.currentRevision.get()!.rev;
      return;
    }
    for (;;) {
      const rows = this.stmts.since.all({ after: this.position, upto: Number.MAX_SAFE_INTEGER, limit: batchRows });
      if (rows.length === 0) return;
      const events = rows.map(rowToEvent);
      for (const w of this.watches) w.offer(events);
      this.position = rows[rows.length - 1]!.id;
      if (rows.length < batchRows) return;
    }
  }

  private detach(w: LocalWatch): void {
    this.watches.delete(w);
    if (this.watches.size === 0) this.stopTimer();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
