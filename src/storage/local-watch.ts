/**
 * A watch served from inside this process (memory and sqlite backends): events are queued in
 * revision order and handed to the handlers on a later turn of the event loop, never from inside
 * the write that caused them, so a handler can call back into the store safely.
 */
import type { Watch, WatchEvent, WatchHandlers } from './store.js';

export class LocalWatch implements Watch {
  private queue: WatchEvent[] = [];
  private failure: Error | undefined;
  private scheduled = false;
  private closed = false;

  /**
   * @param position the revision this watch has seen up to: only events above it are queued,
   *   which is what makes replay + live delivery free of duplicates.
   * @param detach removes the watch from its backend's fan-out list (called once).
   */
  constructor(
    readonly prefix: string,
    private position: number,
    private readonly handlers: WatchHandlers,
    private readonly detach: (w: LocalWatch) => void,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** The highest revision queued so far. */
  get revision(): number {
    return this.position;
  }

  /** Queues the events under this watch's prefix that are newer than anything queued before.
   * `events` must be in revision order. */
  offer(events: readonly WatchEvent[]): void {
    if (this.closed || this.failure) return;
    let added = false;
    for (const e of events) {
      if (e.revision <= this.position || !e.kv.key.startsWith(this.prefix)) continue;
      this.queue.push(e);
      this.position = e.revision;
      added = true;
    }
    if (added) this.schedule();
  }

  /** Ends the watch with an error, after delivering what was already queued. */
  fail(err: Error): void {
    if (this.closed || this.failure) return;
    this.failure = err;
    this.schedule();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.detach(this);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (this.closed) return;
    const batch = this.queue;
    this.queue = [];
    if (batch.length > 0) {
      try {
        this.handlers.onEvents(batch);
      } catch (err) {
        // A handler that throws has lost events it was given; end the watch rather than go on
        // with a consumer whose view is now wrong.
        this.failure ??= err instanceof Error ? err : new Error(String(err));
      }
    }
    if (this.failure && !this.closed) {
      const err = this.failure;
      this.close();
      this.handlers.onError(err);
    }
  }
}
