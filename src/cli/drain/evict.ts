/**
 * Removing one pod the way kubectl drain does: through the eviction subresource (retrying every
 * 5 s while a disruption budget answers 429, saying so), or with a plain DELETE under
 * `--disable-eviction`; then waiting until the pod is gone (404, or a new pod under its name).
 */
import { ApiError } from '../../api/errors.js';
import type { Pod } from '../../api/kinds.js';
import type { CliContext } from '../kube/index.js';
import { CliError, sleep } from '../kube/index.js';

export interface EvictOptions {
  readonly disableEviction: boolean;
  /** -1: the pod's own grace period. */
  readonly gracePeriodSeconds: number;
  /** Absolute deadline (ms since the epoch), or Infinity. */
  readonly deadline: number;
  readonly timeoutText: string;
  /** Between two attempts refused by a budget (kubectl: 5 s). */
  readonly retryMs?: number;
}

const podPath = (p: Pod, sub = ''): string =>
  `/api/v1/namespaces/${encodeURIComponent(p.metadata.namespace ?? '')}/pods/${encodeURIComponent(p.metadata.name ?? '')}${sub}`;

const is = (err: unknown, code: number): boolean => err instanceof ApiError && err.code === code;

/** Evicts (or deletes) `pod` and waits for it to be gone; prints kubectl's lines. */
export async function removePod(ctx: CliContext, pod: Pod, o: EvictOptions): Promise<void> {
  const name = pod.metadata.name ?? '';
  const ns = pod.metadata.namespace ?? '';
  const deleteOptions = o.gracePeriodSeconds >= 0 ? { gracePeriodSeconds: o.gracePeriodSeconds } : {};
  const timedOut = () => new CliError(`error when evicting pods/"${name}" -n "${ns}": global timeout reached: ${o.timeoutText}`);
  if (!o.disableEviction) ctx.out.write(`evicting pod ${ns}/${name}\n`);
  for (;;) {
    try {
      if (o.disableEviction) {
        await ctx.client.request('DELETE', podPath(pod), { kind: 'DeleteOptions', apiVersion: 'v1', ...deleteOptions });
      } else {
        await ctx.client.request('POST', podPath(pod, '/eviction'), {
          kind: 'Eviction', apiVersion: 'policy/v1', metadata: { name, namespace: ns }, deleteOptions,
        });
      }
      break;
    } catch (err) {
      if (is(err, 404)) return;
      if (!is(err, 429) || o.disableEviction) throw err;
      ctx.err.write(`error when evicting pods/"${name}" -n "${ns}" (will retry after 5s): ${(err as Error).message}\n`);
      if (Date.now() + (o.retryMs ?? 5000) > o.deadline) throw timedOut();
      await sleep(o.retryMs ?? 5000);
    }
  }
  for (;;) {
    try {
      const now = (await ctx.client.request('GET', podPath(pod))) as Pod;
      if (now.metadata.uid !== pod.metadata.uid) break;
    } catch (err) {
      if (!is(err, 404)) throw err;
      break;
    }
    if (Date.now() > o.deadline) throw timedOut();
    await sleep(1000);
  }
  ctx.out.write(`pod/${name} ${o.disableEviction ? 'deleted' : 'evicted'}\n`);
}
