/**
 * Events the scheduler emits, written in the background with a few writes in flight and a bounded
 * backlog. Under a burst (thousands of pods bound per second) the Scheduled events must not take
 * the API server's write capacity from the bindings themselves; like client-go's broadcaster,
 * which drops events when its queue is full, the surplus is dropped and counted, never awaited.
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
}

export class EventSink {
  private readonly backlog: Pending[] = [];
  private head = 0;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  dropped = 0;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;

  constructor(private readonly recorder: EventRecorder, opts: EventSinkOptions = {}) {
    this.maxInFlight = opts.maxInFlight ?? 4;
    this.maxQueued = opts.maxQueued ?? 1000;
  }

  emit(obj: KubeObject, type: EventType, reason: string, message: string): void {
    if (this.backlog.length - this.head >= this.maxQueued) {
      this.dropped++;
      return;
    }
    this.backlog.push({ obj, type, reason, message });
    this.pump();
  }

  /** Resolves once everything queued so far is written (tests, shutdown). */
  idle(): Promise<void> {
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
