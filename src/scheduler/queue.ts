/**
 * The scheduling queue, after kube-scheduler's PriorityQueue: pods waiting for a decision sit in
 * one of three places.
 *  - active: ready now, highest priority first, then first come first served;
 *  - backoff: failed recently, waiting 1s, 2s, 4s… (capped at 10s) before going active again;
 *  - unschedulable: no node fitted; parked until the cluster changes in a way that may help
 *    (a node added or changed, a pod deleted or finished) — then back through backoff — or until
 *    they have waited `maxUnschedulableMs`, in case an event was missed.
 * A pod being decided on is "in flight"; if the cluster changed meanwhile its failure sends it to
 * backoff instead of parking it, so the change it may have missed is not lost.
 */
import type { Pod } from '../api/kinds.js';
import { Heap, type HeapItem } from './heap.js';
import { podKey } from './podinfo.js';

export type Where = 'active' | 'backoff' | 'unschedulable' | 'inflight';

export interface QueuedPod extends HeapItem {
  readonly key: string;
  pod: Pod;
  priority: number;
  /** Arrival order in the active queue (FIFO among equal priorities). */
  seq: number;
  /** Failed scheduling attempts so far (drives the backoff). */
  attempts: number;
  backoffUntil: number;
  where: Where;
  /** The scheduling cycle it was popped in. */
  cycle: number;
  parkedAt: number;
  /** The pod changed while in flight. */
  updated: boolean;
}

export interface QueueOptions {
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly maxUnschedulableMs?: number;
  readonly now?: () => number;
}

/** Whether an update to a parked pod can change the verdict: its spec or labels changed (a
 * status write, such as our own PodScheduled condition, cannot). */
function mayHelp(oldPod: Pod, newPod: Pod): boolean {
  return JSON.stringify(oldPod.spec) !== JSON.stringify(newPod.spec) ||
    JSON.stringify(oldPod.metadata.labels ?? {}) !== JSON.stringify(newPod.metadata.labels ?? {});
}

export class SchedulingQueue {
  private readonly entries = new Map<string, QueuedPod>();
  private readonly active = new Heap<QueuedPod>((a, b) => a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq));
  private readonly backoff = new Heap<QueuedPod>((a, b) => a.backoffUntil < b.backoffUntil);
  private readonly unschedulable = new Map<string, QueuedPod>();
  private seq = 0;
  private cycle = 0;
  private moveRequestCycle = -1;
  private waiters: (() => void)[] = [];
  private backoffTimer: NodeJS.Timeout | undefined;
  private backoffTimerAt = Infinity;
  private readonly leftoverTimer: NodeJS.Timeout;
  private closed = false;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;
  private readonly now: () => number;

  constructor(opts: QueueOptions = {}) {
    this.initialBackoffMs = opts.initialBackoffMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = opts.maxUnschedulableMs ?? 60_000;
    this.now = opts.now ?? Date.now;
    this.leftoverTimer = setInterval(() => this.flushLeftovers(), Math.min(30_000, Math.max(1000, this.maxUnschedulableMs / 2)));
    this.leftoverTimer.unref();
  }

  /** Pods known to the queue, wherever they are. */
  get size(): number {
    return this.entries.size;
  }

  /** Pods ready to be scheduled now. */
  get activeLength(): number {
    return this.active.length;
  }

  where(key: string): Where | undefined {
    return this.entries.get(key)?.where;
  }

  /** The backoff after `attempts` failures: 1s, 2s, 4s, … capped. */
  backoffMs(attempts: number): number {
    if (attempts <= 0) return 0;
    return Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** (attempts - 1));
  }

  /** A new pending pod, or a newer copy of one already queued. */
  add(pod: Pod): void {
    if (this.closed) return;
    const key = podKey(pod);
    const e = this.entries.get(key);
    if (!e) {
      const fresh: QueuedPod = { key, pod, priority: pod.spec.priority ?? 0, seq: 0, attempts: 0, backoffUntil: 0, where: 'active', cycle: 0, parkedAt: 0, updated: false, heapIndex: -1 };
      this.entries.set(key, fresh);
      this.toActive(fresh);
      return;
    }
    const old = e.pod;
    e.pod = pod;
    if (old.metadata.uid !== pod.metadata.uid) e.attempts = 0;
    switch (e.where) {
      case 'active':
        e.priority = pod.spec.priority ?? 0;
        this.active.fix(e);
        break;
      case 'inflight':
        e.updated = true;
        break;
      case 'unschedulable':
        if (old.metadata.uid !== pod.metadata.uid || mayHelp(old, pod)) {
          this.unschedulable.delete(key);
          this.toBackoffOrActive(e);
        }
        break;
      case 'backoff':
        break;
    }
  }

  /** The pod is gone (deleted, or bound by someone else). */
  delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.active.remove(e);
    this.backoff.remove(e);
    this.unschedulable.delete(key);
  }

  /** The next pod to schedule, now, or undefined when none is active. */
  tryPop(): QueuedPod | undefined {
    const e = this.active.pop();
    if (!e) return undefined;
    e.where = 'inflight';
    e.cycle = ++this.cycle;
    e.updated = false;
    return e;
  }

  /** Waits for the next pod; undefined once closed. */
  async pop(): Promise<QueuedPod | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      const e = this.tryPop();
      if (e) return e;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** The in-flight pod was bound (or dropped): it leaves the queue. */
  done(e: QueuedPod): void {
    if (this.entries.get(e.key) === e && e.where === 'inflight') this.entries.delete(e.key);
  }

  /** No node fitted: park it, unless the cluster changed while it was being decided. */
  unschedulableAgain(e: QueuedPod): void {
    if (this.entries.get(e.key) !== e || e.where !== 'inflight') return;
    e.attempts++;
    e.backoffUntil = this.now() + this.backoffMs(e.attempts);
    if (e.updated || this.moveRequestCycle >= e.cycle) {
      this.toBackoffOrActive(e);
      return;
    }
    e.where = 'unschedulable';
    e.parkedAt = this.now();
    this.unschedulable.set(e.key, e);
  }

  /** Something failed that is not about the nodes (an API error): try again after backoff. */
  retryLater(e: QueuedPod): void {
    if (this.entries.get(e.key) !== e || e.where !== 'inflight') return;
    e.attempts++;
    e.backoffUntil = this.now() + this.backoffMs(e.attempts);
    this.toBackoffOrActive(e);
  }

  /** The cluster changed in a way that may let parked pods fit. */
  moveAllToActive(): void {
    this.moveRequestCycle = this.cycle;
    if (this.unschedulable.size === 0) return;
    for (const e of this.unschedulable.values()) this.toBackoffOrActive(e);
    this.unschedulable.clear();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.leftoverTimer);
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
    for (const w of this.waiters.splice(0)) w();
  }

  private toActive(e: QueuedPod): void {
    e.where = 'active';
    e.priority = e.pod.spec.priority ?? 0;
    e.seq = ++this.seq;
    this.active.push(e);
    const w = this.waiters.shift();
    w?.();
  }

  private toBackoffOrActive(e: QueuedPod): void {
    if (e.backoffUntil <= this.now()) {
      this.toActive(e);
      return;
    }
    e.where = 'backoff';
    this.backoff.push(e);
    this.armBackoffTimer();
  }

  private armBackoffTimer(): void {
    const first = this.backoff.peek();
    if (!first || this.closed) return;
    if (this.backoffTimer && this.backoffTimerAt <= first.backoffUntil) return;
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
    this.backoffTimerAt = first.backoffUntil;
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = undefined;
      this.backoffTimerAt = Infinity;
      this.flushBackoff();
    }, Math.max(0, first.backoffUntil - this.now()));
  }

  /** Moves pods whose backoff has run out to active. */
  flushBackoff(): void {
    const now = this.now();
    for (let e = this.backoff.peek(); e && e.backoffUntil <= now; e = this.backoff.peek()) {
      this.backoff.pop();
      this.toActive(e);
    }
    this.armBackoffTimer();
  }

  /** Pods parked too long go back to active regardless. */
  flushLeftovers(): void {
    const now = this.now();
    for (const e of [...this.unschedulable.values()]) {
      if (now - e.parkedAt < this.maxUnschedulableMs) continue;
      this.unschedulable.delete(e.key);
      this.toBackoffOrActive(e);
    }
  }
}
