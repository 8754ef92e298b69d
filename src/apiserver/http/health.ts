/**
 * Health of the datastore, and the `/readyz` answer built from it. The store is asked (its
 * current revision, with a deadline) whenever `/readyz` is read and whenever a request fails with
 * 503; while it is down it is asked again every interval, so its return is noticed without
 * traffic. Each change is one log line — never one per failed request.
 *
 * `/healthz`, `/livez` and `/readyz` answer as kube-apiserver's healthz handler does: `ok` (200) when every check
 * passes, otherwise 500 with one `[+]name ok` / `[-]name failed: reason withheld` line per check
 * and `readyz check failed`; `?verbose` lists the checks when passing too, and
 * `/readyz/NAME` runs one check. As in kube-apiserver 1.32, the store (`etcd`) is one of the
 * checks of all three endpoints (it is added as a health check, which serves healthz, livez and
 * readyz alike); `shutdown` is readyz's alone.
 */
import type { Logger } from '../../util/log.js';
import type { Store } from '../../storage/store.js';

export interface StoreHealthOptions {
  /** How long one probe may take before the store counts as down (default 2 s). */
  readonly timeoutMs?: number;
  /** How often a down store is probed again (default 1 s). */
  readonly retryIntervalMs?: number;
}

export class StoreHealth {
  private ok = true;
  private probing: Promise<boolean> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly timeoutMs: number;
  private readonly retryIntervalMs: number;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    opts: StoreHealthOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.retryIntervalMs = opts.retryIntervalMs ?? 1000;
  }

  /** The state as last probed. */
  get available(): boolean {
    return this.ok;
  }

  /** Probes the store (one probe at a time, however many ask) and returns whether it answered. */
  check(): Promise<boolean> {
    this.probing ??= this.probe().finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  /** A request failed in a way the store may explain (503): probe, in the background. */
  suspect(): void {
    void this.check();
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
  }

  private async probe(): Promise<boolean> {
    let why = '';
    try {
      await withDeadline(this.store.currentRevision(), this.timeoutMs);
    } catch (err) {
      why = err instanceof Error ? err.message : String(err);
    }
    this.record(why === '', why);
    return why === '';
  }

  private record(up: boolean, why: string): void {
    if (this.stopped) return;
    if (up !== this.ok) {
      this.ok = up;
      if (up) this.log.info('datastore available again');
      else this.log.warn({ reason: why }, 'datastore unavailable: requests that need it get 503 until it is back');
    }
    if (!up && !this.retry) {
      this.retry = setTimeout(() => {
        this.retry = undefined;
        void this.check();
      }, this.retryIntervalMs);
      this.retry.unref();
    }
  }
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  // The losing promise may still settle later; nobody waits for it.
  p.catch(() => undefined);
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/** One named readiness check: resolves to an error message when failing, undefined when passing. */
export interface HealthCheck {
  readonly name: string;
  run(): Promise<string | undefined> | string | undefined;
}

export interface HealthAnswer {
  readonly code: number;
  readonly text: string;
}

/** Runs `checks` for `/healthz`, `/livez` or `/readyz` (`sub` = `/readyz/NAME`), in
 * kube-apiserver's words. `?exclude=NAME` (repeatable) skips a check, listed as
 * `[+]NAME excluded: ok`; names no check has are reported in a `warn:` line. */
export async function healthAnswer(endpoint: string, checks: readonly HealthCheck[], query: URLSearchParams, sub?: string): Promise<HealthAnswer | undefined> {
  if (sub !== undefined) {
    const c = checks.find((x) => x.name === sub);
    if (!c) return undefined;
    const failure = await c.run();
    return failure === undefined ? { code: 200, text: 'ok' } : { code: 500, text: `internal server error: ${failure}\n` };
  }
  const excluded = new Set(query.getAll('exclude'));
  const results = await Promise.all(
    checks.map(async (c) => {
      if (excluded.delete(c.name)) return `[+]${c.name} excluded: ok`;
      return (await c.run()) === undefined ? `[+]${c.name} ok` : `[-]${c.name} failed: reason withheld`;
    }),
  );
  const failed = results.some((r) => r.startsWith('[-]'));
  if (!failed && !query.has('verbose')) return { code: 200, text: 'ok' };
  const lines = [...results];
  if (excluded.size > 0) lines.push(`warn: some health checks cannot be excluded: no matches for ${[...excluded].sort().map((n) => JSON.stringify(n)).join(',')}`);
  return { code: failed ? 500 : 200, text: `${lines.join('\n')}\n${endpoint} check ${failed ? 'failed' : 'passed'}\n` };
}
