/**
 * Requests in flight, as kube-apiserver's max-in-flight filter counts them: two pools (read-only:
 * get/list/watch and non-resource reads; mutating: everything else), long-running requests (watch,
 * log, exec, attach, port-forward, proxy) in neither; a request over its pool's limit is refused
 * at once with 429 and `Retry-After: 1` rather than queued.
 *
 * Kubernetes has no per-client watch cap (priority and fairness shares seats instead); skiff caps
 * open watches per client — the authenticated user at one remote address — so one client cannot
 * hold the server's memory with watches. Informers share one watch per resource, so the default
 * (1000) is far above what `skiff up`, `skiff sim` (two watches for every simulated node
 * together) or kubectl need.
 */
import { TooManyRequestsError } from '../../api/errors.js';
import { readOnlyVerbs, type RequestInfo } from './requestinfo.js';

const longRunningSubresources: ReadonlySet<string> = new Set(['log', 'exec', 'attach', 'portforward', 'proxy']);

/** Watches and streams: they hold no in-flight seat. */
export function isLongRunning(info: RequestInfo): boolean {
  if (info.kind !== 'resource') return false;
  return info.verb === 'watch' || (info.subresource !== undefined && longRunningSubresources.has(info.subresource));
}

export function isMutating(info: RequestInfo, method: string): boolean {
  if (info.kind === 'resource') return !readOnlyVerbs.has(info.verb);
  return method !== 'GET' && method !== 'HEAD';
}

/** Releases what was acquired; safe to call more than once. */
export type Release = () => void;

const nothing: Release = () => undefined;

export class InflightLimiter {
  private readOnly = 0;
  private mutating = 0;
  private readonly watches = new Map<string, number>();

  constructor(
    private readonly maxReadOnly: number,
    private readonly maxMutating: number,
    private readonly maxWatchesPerClient: number,
  ) {}

  /** Takes a seat for the request or throws {@link TooManyRequestsError}. `client` identifies the
   * caller for the watch cap; a `privileged` caller (system:masters) is served even when its pool
   * is full, as kube-apiserver's max-in-flight filter does: the admin always gets an answer. */
  acquire(info: RequestInfo, method: string, client: string, privileged = false): Release {
    if (isLongRunning(info)) {
      if (info.kind === 'resource' && info.verb === 'watch') return this.acquireWatch(client);
      return nothing;
    }
    if (isMutating(info, method)) {
      if (this.maxMutating > 0 && this.mutating >= this.maxMutating) {
        if (privileged) return nothing;
        throw new TooManyRequestsError();
      }
      this.mutating++;
      return once(() => this.mutating--);
    }
    if (this.maxReadOnly > 0 && this.readOnly >= this.maxReadOnly) {
      if (privileged) return nothing;
      throw new TooManyRequestsError();
    }
    this.readOnly++;
    return once(() => this.readOnly--);
  }

  private acquireWatch(client: string): Release {
    const n = this.watches.get(client) ?? 0;
    if (this.maxWatchesPerClient > 0 && n >= this.maxWatchesPerClient) {
      throw new TooManyRequestsError(`too many watches from this client: the limit is ${this.maxWatchesPerClient}`);
    }
    this.watches.set(client, n + 1);
    return once(() => {
      const left = (this.watches.get(client) ?? 1) - 1;
      if (left <= 0) this.watches.delete(client);
      else this.watches.set(client, left);
    });
  }

  /** Seats taken now (for tests and metrics). */
  get inUse(): { readOnly: number; mutating: number; watchers: number } {
    let watchers = 0;
    for (const n of this.watches.values()) watchers += n;
    return { readOnly: this.readOnly, mutating: this.mutating, watchers };
  }
}

function once(fn: () => void): Release {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
