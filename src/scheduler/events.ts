/**
 * Events the scheduler emits, written in the background one at a time (as client-go's broadcaster
 * writes them) from a bounded backlog. Under a burst (thousands of pods bound per second) the
 * Scheduled events must not take the API server's write capacity from the bindings themselves:
 * Normal events wait while the scheduler is busy (up to a couple of seconds), and, like
 * client-go's broadcaster dropping events when its queue is full, the surplus is dropped and
 * counted, never awaited.
 */
import type { EventRecorder, EventType } from '../client/events.js';
import type { KubeObject } from '../api/types.js';

interface Pending {
  readonly obj: KubeObject;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
}

export interface EventSinkOptions {
  readonly maxInFlight?: number;
  readonly maxQueued?: number;
  readonly maxDeferMs?: number;
}

export class EventSink {
  private readonly backlog: Pending[] = [];
  private head = 0;
  /** Normal events wait here while the owner is busy (see `busy`), at most `maxDeferMs`. */
  private readonly deferred: Pending[] = [];
  private deferredSince = 0;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  dropped = 0;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;
  private readonly maxDeferMs: number;

  /** `busy()`: the owner has work waiting (pods to schedule); Normal events wait until it has
   * none and `resume()` is called, so they never take write capacity from the work itself. */
  constructor(private readonly recorder: EventRecorder, opts: EventSinkOptions = {}, private readonly busy: () => boolean = () => false) {
    this.maxInFlight = opts.maxInFlight ?? 1;
    this.maxQueued = opts.maxQueued ?? 1000;
    this.maxDeferMs = opts.maxDeferMs ?? 2000;
  }

  /** Queues an event; Normal events are dropped first (at half the backlog), so warnings such as
   * FailedScheduling still get through a burst of Scheduled events. */
  emit(obj: KubeObject, type: EventType, reason: string, message: string): void {
    // A cluster that is never idle still gets its events, just late.
    if (this.deferred.length > 0 && Date.now() - this.deferredSince > this.maxDeferMs) this.resume();
    const queued = this.backlog.length - this.head + this.deferred.length;
    if (queued >= this.maxQueued || (type === 'Normal' && queued >= this.maxQueued / 2)) {
      this.dropped++;
      return;
    }
    if (type === 'Normal' && (this.busy() || this.deferred.length > 0)) {
      if (this.deferred.length === 0) this.deferredSince = Date.now();
      this.deferred.push({ obj, type, reason, message });
    } else {
      this.backlog.push({ obj, type, reason, message });
    }
    this.pump();
  }

  /** The owner is idle: write the deferred Normal events. */
  resume(): void {
    if (this.deferred.length === 0) return;
    for (const p of this.deferred.splice(0)) this.backlog.push(p);
    this.pump();
  }

  /** Resolves once everything queued so far is written (tests, shutdown). */
  idle(): Promise<void> {
    this.resume();
    if (this.inFlight === 0 && this.head >= this.backlog.length) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.head < this.backlog.length) {
      const p = this.backlog[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.backlog.length) {
        this.backlog.splice(0, this.head);
        this.head = 0;
      }
      this.inFlight++;
      void this.recorder.event(p.obj, p.type, p.reason, p.message).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.inFlight === 0 && this.head >= this.backlog.length) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }
}
