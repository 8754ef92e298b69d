/**
 * The controller manager: builds every controller (and the scheduler) on one shared informer
 * factory and runs them while this process leads. With a leader elector, several `skiff server`
 * processes on one etcd run one active control loop between them; losing the lease stops every
 * loop and drops the caches, winning it again starts fresh ones.
 */
import { InformerFactory } from '../client/factory.js';
import { EventRecorder } from '../client/events.js';
import type { RestClient } from '../client/rest.js';
import type { Logger } from '../util/log.js';
import type { Controller, ControllerContext } from './controller.js';

/** A control loop to build: `component` names it in the Events it records (`From` in kubectl's
 * describe: replication-controller, job-controller, default-scheduler, …). */
export interface ControllerFactory {
  readonly component: string;
  create(ctx: ControllerContext): Controller;
}

/** The part of a leader elector the manager uses. */
export interface Leadership {
  run(callbacks: { onStartedLeading(): void; onStoppedLeading(): void }): void;
  stop(): Promise<void>;
}

export interface ControllerManagerOptions {
  readonly client: RestClient;
  readonly factories: readonly ControllerFactory[];
  readonly log: Logger;
  /** Without one, the loops run at once and for as long as the manager does. */
  readonly leadership?: Leadership;
}

export class ControllerManager {
  private running: { informers: InformerFactory; controllers: Controller[] } | undefined;
  private leadingCount = 0;

  constructor(private readonly opts: ControllerManagerOptions) {}

  /** Times this manager started leading (tests and metrics). */
  get leadTerms(): number {
    return this.leadingCount;
  }

  get isLeading(): boolean {
    return this.running !== undefined;
  }

  start(): void {
    if (!this.opts.leadership) {
      this.lead();
      return;
    }
    this.opts.leadership.run({
      onStartedLeading: () => this.lead(),
      onStoppedLeading: () => this.abdicate(),
    });
  }

  private lead(): void {
    if (this.running) return;
    this.leadingCount++;
    const { client, log } = this.opts;
    const informers = new InformerFactory(client);
    const controllers = this.opts.factories.map((f) =>
      f.create({ client, informers, recorder: new EventRecorder(client, { component: f.component }), log: log.child({ controller: f.component }) }),
    );
    // Each controller registers its informers synchronously at the start of start().
    for (const c of controllers) {
      c.start().catch((err: unknown) => log.error({ controller: c.name, err: String(err) }, 'controller stopped with an error'));
    }
    void informers.start();
    this.running = { informers, controllers };
    log.info({ controllers: controllers.map((c) => c.name) }, 'control loops started');
  }

  private abdicate(): void {
    const r = this.running;
    if (!r) return;
    this.running = undefined;
    for (const c of r.controllers) c.stop();
    r.informers.stop();
    this.opts.log.info('control loops stopped');
  }

  async stop(): Promise<void> {
    if (this.opts.leadership) await this.opts.leadership.stop();
    this.abdicate();
  }
}
