/**
 * Leader election over a `coordination.k8s.io/v1` Lease, as client-go's `leaderelection` does it:
 * several processes (e.g. `skiff server` on one etcd) run the same controllers, and only the
 * holder of the lease runs them. The holder renews the lease every `retryPeriod`; a candidate takes
 * the lease over when it is free (empty holder, released on a clean stop) or expired
 * (`renewTime + leaseDurationSeconds` in the past). Every write is a compare-and-swap on the
 * lease's resourceVersion, so when two candidates race, the server lets exactly one win (the other
 * gets a 409). A leader that cannot renew within `renewDeadline` — shorter than the lease
 * duration — gives up before anyone else may take over, so two leaders never overlap as long as
 * clocks roughly agree.
 */
import type { Lease } from '../api/kinds.js';
import { leases } from '../api/resources.js';
import { ApiError } from '../api/errors.js';
import type { RestClient } from './rest.js';
import { microTime } from '../api/time.js';

export interface LeaderElectorOptions {
  readonly client: RestClient;
  /** Who this candidate is (unique per process: host name plus a random suffix, say). */
  readonly identity: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  /** Called once leadership is won; `signal` aborts when it is lost or given up. */
  readonly onStartedLeading?: (signal: AbortSignal) => void | Promise<void>;
  readonly onStoppedLeading?: () => void;
  /** Called when the observed holder changes (including to this candidate). */
  readonly onNewLeader?: (identity: string) => void;
  /** Called when an attempt to take or renew the lease fails for a reason other than another
   * holder (the API refusing, the lease's namespace missing, a timeout): for a log line. */
  readonly onAttemptFailed?: (err: Error) => void;
  /** Give the lease up on `stop()` so another candidate takes over at once (default true). */
  readonly releaseOnCancel?: boolean;
  readonly now?: () => number;
}

export type LeaseDecision =
  | { readonly action: 'create' }
  | { readonly action: 'renew' }
  | { readonly action: 'acquire'; readonly transitions: number }
  | { readonly action: 'wait'; readonly holder: string; readonly expiresAt: number };

/** What a candidate may do with the lease as it is now. */
export function decideLease(lease: Lease | undefined, identity: string, now: number): LeaseDecision {
  if (!lease) return { action: 'create' };
  const spec = lease.spec ?? {};
  const holder = spec.holderIdentity ?? '';
  if (holder === identity) return { action: 'renew' };
  const renewed = spec.renewTime ? Date.parse(spec.renewTime) : NaN;
  const expiresAt = Number.isNaN(renewed) ? 0 : renewed + (spec.leaseDurationSeconds ?? 0) * 1000;
  if (holder === '' || expiresAt < now) return { action: 'acquire', transitions: (spec.leaseTransitions ?? 0) + 1 };
  return { action: 'wait', holder, expiresAt };
}


export class LeaderElector {
  private readonly namespace: string;
  private readonly name: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly now: () => number;
  private stopped = false;
  private leading = false;
  private observedHolder = '';
  private wake: (() => void) | undefined;
  private lease: Lease | undefined;

  constructor(private readonly opts: LeaderElectorOptions) {
    this.namespace = opts.namespace ?? 'kube-system';
    this.name = opts.name ?? 'skiff-controller-manager';
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    this.now = opts.now ?? Date.now;
    if (this.renewDeadlineMs >= this.leaseDurationMs) throw new Error('leader election: renewDeadline must be shorter than leaseDuration');
    if (this.retryPeriodMs >= this.renewDeadlineMs) throw new Error('leader election: retryPeriod must be shorter than renewDeadline');
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** The holder last observed ('' when none). */
  get leader(): string {
    return this.observedHolder;
  }

  /**
   * Campaigns until elected, leads until leadership is lost or `stop()` is called, then returns
   * (after releasing the lease on a clean stop). A process normally exits, or campaigns again,
   * when this resolves. Campaigning never gives up: a lease that cannot be written (its
   * namespace missing, the store away) is tried again every retry period.
   */
  async run(): Promise<void> {
    while (!this.stopped && !(await this.attempt())) await this.sleep(this.retryPeriodMs * (1 + Math.random() * 0.2));
    if (this.stopped) return;
    this.leading = true;
    const abort = new AbortController();
    Promise.resolve()
      .then(() => this.opts.onStartedLeading?.(abort.signal))
      .catch(() => undefined);
    let lastRenew = this.now();
    while (!this.stopped) {
      await this.sleep(this.retryPeriodMs);
      if (this.stopped) break;
      if (await this.attempt(Math.max(1, lastRenew + this.renewDeadlineMs - this.now()))) {
        lastRenew = this.now();
        continue;
      }
      // Someone else holds it now, or we could not renew in time: leadership is lost. A failed
      // renewal alone (the lease briefly unreadable or unwritable) is retried until the renew
      // deadline, as client-go does.
      const other = this.observedHolder !== '' && this.observedHolder !== this.opts.identity;
      if (other || this.now() - lastRenew >= this.renewDeadlineMs) break;
    }
    this.leading = false;
    abort.abort();
    if (this.stopped && (this.opts.releaseOnCancel ?? true)) await this.release();
    this.opts.onStoppedLeading?.();
  }

  /** Ends `run()`: a leader releases the lease (unless `releaseOnCancel` is false). */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  private observe(lease: Lease | undefined): void {
    this.lease = lease;
    const holder = lease?.spec?.holderIdentity ?? '';
    if (holder !== this.observedHolder) {
      this.observedHolder = holder;
      if (holder) this.opts.onNewLeader?.(holder);
    }
  }

  /** One attempt, given up after `timeoutMs` (a request that hangs must not stretch a term past
   * its renew deadline; a late answer is ignored, the next attempt reads again). */
  private async attempt(timeoutMs = this.renewDeadlineMs): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        this.opts.onAttemptFailed?.(new Error(`no answer from the API server within ${timeoutMs} ms`));
        resolve(false);
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.tryAcquireOrRenew(), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One attempt; true when this candidate holds the lease afterwards. Conflicts and transient
   * errors are a plain false: the next attempt reads again. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client } = this.opts;
    try {
      let current: Lease | undefined;
      try {
        current = await client.get<Lease>(leases, this.namespace, this.name);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
      this.observe(current);
      const now = this.now();
      const decision = decideLease(current, this.opts.identity, now);
      const durationSeconds = Math.max(1, Math.ceil(this.leaseDurationMs / 1000));
      const stamp = microTime(now);
      switch (decision.action) {
        case 'wait':
          return false;
        case 'create':
          this.observe(await client.create<Lease>(leases, {
            metadata: { name: this.name, namespace: this.namespace },
            spec: { holderIdentity: this.opts.identity, leaseDurationSeconds: durationSeconds, acquireTime: stamp, renewTime: stamp, leaseTransitions: 0 },
          }));
          return true;
        case 'renew':
        case 'acquire': {
          const spec = { ...(current!.spec ?? {}), holderIdentity: this.opts.identity, leaseDurationSeconds: durationSeconds, renewTime: stamp };
          if (decision.action === 'acquire') Object.assign(spec, { acquireTime: stamp, leaseTransitions: decision.transitions });
          this.observe(await client.update<Lease>(leases, { ...current!, spec }));
          return true;
        }
      }
    } catch (err) {
      // A 409 means another candidate wrote first (we lost the race); any other error (server
      // away, namespace missing) is the same for us: not holding it now, the next attempt reads
      // again. Only the latter is worth telling.
      if (!(err instanceof ApiError && err.code === 409)) this.opts.onAttemptFailed?.(err instanceof Error ? err : new Error(String(err)));
      return false;
    }
  }

  /** Gives the lease up: no holder, a one-second duration, so the next candidate need not wait. */
  private async release(): Promise<void> {
    const current = this.lease;
    if (!current || current.spec?.holderIdentity !== this.opts.identity) return;
    const stamp = microTime(this.now());
    try {
      this.observe(await this.opts.client.update<Lease>(leases, {
        ...current,
        spec: { ...(current.spec ?? {}), holderIdentity: '', leaseDurationSeconds: 1, renewTime: stamp, acquireTime: stamp },
      }));
    } catch {
      // Lost it meanwhile (409) or the server is away: it expires on its own.
    }
  }
}
