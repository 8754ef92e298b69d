/**
 * The cronjob controller's sense of time: what time it is, and a wake-up at a later time. The
 * real clock is the wall clock and timers; a {@link ManualClock} lets tests step through minutes
 * of schedule in milliseconds.
 */
export interface Clock {
  now(): Date;
  /** Calls `fn` once `ms` have passed on this clock; returns a cancel function. */
  after(ms: number, fn: () => void): () => void;
}

/** Node's timers cap at about 24.8 days; a longer wait wakes early and is computed again. */
const maxTimerMs = 2 ** 31 - 1;

export const realClock: Clock = {
  now: () => new Date(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.min(Math.max(0, ms), maxTimerMs));
    t.unref();
    return () => clearTimeout(t);
  },
};

/** A clock that moves only when told: `advance` fires every wake-up that falls due. */
export class ManualClock implements Clock {
  private t: number;
  private readonly waiting = new Set<{ at: number; fn: () => void }>();

  constructor(start: Date | number = Date.now()) {
    this.t = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  after(ms: number, fn: () => void): () => void {
    const w = { at: this.t + Math.max(0, ms), fn };
    this.waiting.add(w);
    return () => this.waiting.delete(w);
  }

  /** Moves time forward (or to `to`), then runs the wake-ups now due, earliest first. */
  advance(ms: number): void {
    this.set(this.t + ms);
  }

  set(to: Date | number): void {
    this.t = typeof to === 'number' ? to : to.getTime();
    const due = [...this.waiting].filter((w) => w.at <= this.t).sort((a, b) => a.at - b.at);
    for (const w of due) {
      this.waiting.delete(w);
      w.fn();
    }
  }
}
