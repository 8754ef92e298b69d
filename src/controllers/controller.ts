/**
 * What every controller is: level-triggered work over a queue of `namespace/name` keys, fed by
 * shared informers, writing only through the API. Event handlers enqueue keys; `sync(key)` reads
 * the informer caches again, never mutates a cached object, and may run any number of times.
 */
import type { EventRecorder } from '../client/events.js';
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
