/**
 * Deadlines of non-long-running requests, as kube-apiserver's `--request-timeout` (default 1 m):
 * a request not answered in time gets 504 `Timeout` and its connection (HTTP/1.1) or stream
 * (HTTP/2) is closed, so a body that trickles in forever cannot hold an in-flight seat forever.
 * One sweep a second over the open requests costs less on the hot path than a timer per request.
 */
import type { ServerResponse } from 'node:http';
import { ApiError } from '../../api/errors.js';
import { closeAfterResponse, sendError } from './status.js';

export class RequestTimeoutError extends ApiError {
  override name = 'RequestTimeoutError';
  constructor() {
    super(504, 'Timeout', 'Timeout: request did not complete within requested timeout - context deadline exceeded', {});
  }
}

export class RequestDeadlines {
  private readonly open = new Map<ServerResponse, number>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {}

  /** Starts the clock for a request; it stops when the response closes. */
  add(res: ServerResponse): void {
    this.open.set(res, Date.now() + this.timeoutMs);
    res.once('close', () => this.open.delete(res));
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), Math.min(1000, this.timeoutMs));
      this.sweeper.unref();
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [res, deadline] of this.open) {
      if (deadline > now) continue;
      this.open.delete(res);
      if (res.writableEnded) continue;
      closeAfterResponse(res);
      sendError(res, new RequestTimeoutError());
    }
    if (this.open.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }
}
