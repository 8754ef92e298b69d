/**
 * What the proxy says when an address it should answer on cannot be bound (a host process or a
 * pod's host port holds it): once per listener and cause, as a warning in the log and a Warning
 * Event on the Service that `kubectl describe service` shows — not once per retry. Debug lines
 * for the retries; one line when the listener finally binds.
 */
import type { Service } from '../api/kinds.js';
import type { EventRecorder } from '../client/events.js';
import type { Logger } from '../util/log.js';

export class BindFailures {
  /** Listener key → the message of its last failure. */
  private readonly failing = new Map<string, string>();

  constructor(private readonly log: Logger, private readonly retryMs: number, private readonly recorder?: EventRecorder) {}

  failed(listener: string, serviceKey: string, service: Service | undefined, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    if (this.failing.get(listener) === message) {
      this.log.debug({ service: serviceKey, listener, err: message }, 'still cannot listen; will retry');
      return;
    }
    this.failing.set(listener, message);
    this.log.warn({ service: serviceKey, listener, err: message }, `cannot listen; retrying every ${this.retryMs / 1000}s`);
    const inUse = (err as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
    if (service && this.recorder) {
      void this.recorder.event(service, 'Warning', inUse ? 'PortInUse' : 'FailedToListen',
        `cannot listen on ${listener}${inUse ? ': the address is in use (by a host process or a pod\'s hostPort)' : `: ${message}`}; the service does not answer there until it is free (retried every ${this.retryMs / 1000}s)`);
    }
  }

  bound(listener: string, serviceKey: string): void {
    if (!this.failing.delete(listener)) return;
    this.log.info({ service: serviceKey, listener }, 'listening now, after failing before');
  }

  /** Forgets listeners no longer wanted. */
  keepOnly(wanted: ReadonlySet<string>): void {
    for (const key of this.failing.keys()) if (!wanted.has(key)) this.failing.delete(key);
  }
}
