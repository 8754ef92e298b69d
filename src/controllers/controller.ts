/**
 * What every controller is: level-triggered work over a queue of `namespace/name` keys, fed by
 * shared informers, writing only through the API. Event handlers enqueue keys; `sync(key)` reads
 * the informer caches again, never mutates a cached object, and may run any number of times.
 */
import { ApiError } from '../api/errors.js';
import type { EventRecorder } from '../client/events.js';
import type { WorkQueue } from '../client/workqueue.js';
import type { InformerFactory } from '../client/factory.js';
import type { RestClient } from '../client/rest.js';
import type { Logger } from '../util/log.js';

/** What a controller is given: one client, the process's shared informers, an event recorder
 * (its `source.component` is the controller manager's) and a logger. */
export interface ControllerContext {
  readonly client: RestClient;
  readonly informers: InformerFactory;
  readonly recorder: EventRecorder;
  readonly log: Logger;
}

export interface Controller {
  readonly name: string;
  /** Registers informers and handlers (before the factory starts), then works until `stop`. */
  start(): Promise<void>;
  stop(): void;
}

/** Status codes a failed sync is quiet about (logged at debug), and codes that end its key. */
export interface WorkerOptions { readonly quiet?: readonly number[]; readonly done?: readonly number[] }

/**
 * Works `queue` with `workers` syncs at once until it shuts down. A failed sync is retried with
 * the queue's back-off; it is logged as a warning, except a 409 (our cache was behind: the next
 * sync sees the newer object) and codes in `quiet`, logged at debug. A code in `done` ends the
 * key instead of retrying it.
 */
export function runWorkers(
  ctx: ControllerContext,
  name: string,
  queue: WorkQueue,
  workers: number,
  sync: (key: string) => Promise<void>,
  opts: WorkerOptions = {},
): Promise<void> {
  return queue.run(workers, async (key) => {
    try {
      await sync(key);
    } catch (err) {
      const code = err instanceof ApiError ? err.code : undefined;
      const level = code === 409 || (code !== undefined && opts.quiet?.includes(code)) ? 'debug' : 'warn';
      ctx.log[level]({ controller: name, key, err: err instanceof Error ? err.message : String(err) }, 'sync failed; will retry');
      if (code !== undefined && opts.done?.includes(code)) return;
      throw err;
    }
  });
}
