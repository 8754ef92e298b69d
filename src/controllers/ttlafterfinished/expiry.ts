/** When a finished Job with `ttlSecondsAfterFinished` is due for deletion: its finish time (the
 * transition of its `Complete` or `Failed` condition to True) plus the TTL. */
import type { Job } from '../../api/kinds.js';

/** Milliseconds since the epoch at which the job expires; undefined when it has no TTL or has not finished. */
export function expiresAt(job: Job): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl === undefined || ttl === null) return undefined;
  const done = (job.status?.conditions ?? []).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  if (!done) return undefined;
  const finished = done.lastTransitionTime ? Date.parse(done.lastTransitionTime) : NaN;
  if (Number.isNaN(finished)) return undefined;
  return finished + ttl * 1000;
}
