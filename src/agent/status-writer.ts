/**
 * Writing a pod's status without losing what others wrote: a PUT to /status on the
 * resourceVersion the agent read, so a condition patched in between (a readiness gate's, by a
 * controller or `kubectl patch --subresource=status`) is never overwritten by a stale copy; on
 * 409 the pod is read again and the status computed again from it (gates included). What the
 * kubelet does not own in status (foreign conditions, qosClass, …) is carried over from the pod.
 */
import type { Pod, PodStatus } from '../api/kinds.js';
import { pods as podsResource } from '../api/resources.js';
import { ApiError, NotFoundError } from '../api/errors.js';
import type { RestClient } from '../client/rest.js';

/** Conflicts in a row before giving up until the next sync (a hot pod; kubelet retries too). */
const maxConflicts = 5;

/** Writes `compute(pod)` as the pod's status; returns the pod as stored. Throws ApiError 404 when
 * the pod is gone (or replaced by one with another uid). */
export async function putPodStatus(client: RestClient, pod: Pod, compute: (pod: Pod) => PodStatus): Promise<Pod> {
  let current = pod;
  for (let attempt = 0; ; attempt++) {
    const status = { ...(current.status ?? {}), ...compute(current) };
    try {
      return await client.update<Pod>(podsResource, { ...current, status }, 'status');
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409) || attempt + 1 >= maxConflicts) throw err;
      const { namespace, name, uid } = current.metadata;
      current = await client.get<Pod>(podsResource, namespace, name ?? '');
      if (current.metadata.uid !== uid) throw new NotFoundError('pods', '', name ?? '');
    }
  }
}

/** Whether `a` is a later version of the same object than `b` (skiff's resourceVersions are
 * store revisions: numbers). */
function isNewer(a: Pod, b: Pod): boolean {
  const ra = a.metadata.resourceVersion ?? '', rb = b.metadata.resourceVersion ?? '';
  if (!/^\d+$/.test(ra) || !/^\d+$/.test(rb)) return false;
  return BigInt(ra) > BigInt(rb);
}

/**
 * One pod's status writes: each starts from the newest copy known — the informer's, or the one
 * the last write returned when the informer has not caught up with it yet — so a burst of writes
 * does not turn into a 409 and a re-read each.
 */
export class PodStatusWriter {
  private latest: Pod | undefined;

  constructor(private readonly client: RestClient) {}

  async write(pod: Pod, compute: (pod: Pod) => PodStatus): Promise<Pod> {
    const base = this.latest && this.latest.metadata.uid === pod.metadata.uid && isNewer(this.latest, pod) ? this.latest : pod;
    const stored = await putPodStatus(this.client, base, compute);
    this.latest = stored;
    return stored;
  }
}
