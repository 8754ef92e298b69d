/**
 * The loop every workload controller runs: handlers put `namespace/name` keys on a work queue,
 * a few workers call `sync(key)` once the informers have listed, and a sync that throws comes back
 * with back-off. Subclasses register informers and handlers in `register()` (synchronously, so it
 * happens before the shared factory starts) and implement `sync`.
 */
import { WorkQueue } from '../../client/workqueue.js';
import { runWorkers, type Controller, type ControllerContext, type WorkerOptions } from '../controller.js';

/** Anything that lists before work starts (an informer). */
export interface Syncable {
  waitForSync(): Promise<void>;
}

export abstract class QueueController implements Controller {
  abstract readonly name: string;
  protected readonly queue = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 30_000 });

  constructor(protected readonly ctx: ControllerContext, private readonly workers = 3, private readonly workerOptions: WorkerOptions = {}) {}

  /** Asks the shared factory for informers and adds handlers; returns the informers to wait for. */
  protected abstract register(): readonly Syncable[];

  protected abstract sync(key: string): Promise<void>;

  private stopped = false;
  private wakeOnStop: (() => void) | undefined;

  async start(): Promise<void> {
    const synced = Promise.all(this.register().map((i) => i.waitForSync()));
    // Stopped before the caches filled (leadership lost early): end instead of waiting forever.
    const stopped = new Promise<void>((r) => (this.wakeOnStop = r));
    await Promise.race([synced, stopped]);
    if (this.stopped) return;
    await runWorkers(this.ctx, this.name, this.queue, this.workers, (key) => this.sync(key), this.workerOptions);
  }

  stop(): void {
    this.stopped = true;
    this.wakeOnStop?.();
    this.queue.shutDown();
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }
}
