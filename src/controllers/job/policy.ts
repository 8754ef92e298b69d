/**
 * The job state machine, free of I/O (Kubernetes' syncJob and manageJob, non-indexed mode): from
 * the job and the pods it owns, what the status is, whether the job just finished (Complete,
 * Failed: BackoffLimitExceeded or DeadlineExceeded), and which pods to create or delete.
 */
import type { Condition, Job, Pod } from '../../api/kinds.js';
import { isActive, isReady, restartCount } from '../replication/pods.js';
import { deletionOrder } from '../replication/policy.js';
import { kubeTime } from '../../api/time.js';
import { formatIndexes, indexedCounts, isIndexed, missingIndexes, type IndexedCounts } from './indexed.js';

export interface JobFinish {
  readonly type: 'Complete' | 'Failed';
  readonly reason: string;
  readonly message: string;
}

export const finishes = {
  complete: { type: 'Complete', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
  backoff: { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
  deadline: { type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' },
} as const satisfies Record<string, JobFinish>;

export interface JobPlan {
  /** Pods to create now (0 while in failure back-off). */
  readonly create: number;
  /** Active pods to delete (surplus, or all of them when the job ends or is suspended). */
  readonly remove: readonly Pod[];
  /** Set when this sync finishes the job. */
  readonly finish?: JobFinish;
  readonly suspended: boolean;
  readonly startTime?: string;
  readonly active: number;
  readonly ready: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Milliseconds until the job must be looked at again (deadline, back-off), if any. */
  readonly requeueAfterMs?: number;
  /** Indexed jobs: the completion index of each pod to create (`create` of them). */
  readonly indexes?: readonly number[];
  /** Indexed jobs: the succeeded indexes, as `status.completedIndexes` writes them. */
  readonly completedIndexes?: string;
}

/** The job's condition of `type` when it is True. */
export function trueCondition(job: Job, type: string): Condition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

export function isFinished(job: Job): boolean {
  return Boolean(trueCondition(job, 'Complete') || trueCondition(job, 'Failed'));
}

function finishedAt(p: Pod): number {
  let t = 0;
  for (const s of p.status?.containerStatuses ?? []) {
    const f = s.state?.terminated?.finishedAt;
    if (f) t = Math.max(t, Date.parse(f) || 0);
  }
  if (t === 0) {
    const c = p.status?.conditions?.find((x) => x.type === 'Ready');
    t = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) || 0 : 0;
  }
  return t;
}

/**
 * Delay before the next pod after failures (Kubernetes' pod failure back-off): `base · 2^(n-1)`
 * after the n-th failure since the last success, capped at six minutes, counted from when the
 * latest of those failures ended. 0 when a pod may be created now.
 */
export function failureBackoffMs(pods: readonly Pod[], baseMs: number, now: number): number {
  if (baseMs <= 0) return 0;
  const lastSuccess = Math.max(0, ...pods.filter((p) => p.status?.phase === 'Succeeded').map(finishedAt));
  const failures = pods.filter((p) => p.status?.phase === 'Failed').map(finishedAt).filter((t) => t >= lastSuccess);
  if (failures.length === 0) return 0;
  const delay = Math.min(6 * 60_000, baseMs * 2 ** (failures.length - 1));
  return Math.max(0, Math.max(...failures) + delay - now);
}

/** OnFailure jobs count container restarts of running pods against the backoff limit. */
function pastBackoffLimitOnFailure(job: Job, active: readonly Pod[]): boolean {
  if (job.spec.template.spec.restartPolicy !== 'OnFailure') return false;
  const limit = job.spec.backoffLimit ?? 6;
  const restarts = active.filter((p) => p.status?.phase === 'Running' || p.status?.phase === 'Pending').reduce((n, p) => n + restartCount(p), 0);
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

export interface PlanOptions {
  readonly now: number;
  /** Base of the pod failure back-off (Kubernetes: 10 s). */
  readonly backoffBaseMs: number;
}

/**
 * Plans one sync of a job that has not finished. Succeeded and failed counts never go down: a
 * finished pod that was deleted still counts (the status remembers it).
 */
export function planJob(job: Job, pods: readonly Pod[], opts: PlanOptions): JobPlan {
  const { now } = opts;
  const active = deletionOrder(pods.filter(isActive));
  const counts: IndexedCounts | undefined = isIndexed(job) ? indexedCounts(job, pods, active) : undefined;
  const succeeded = counts ? counts.succeeded.size : Math.max(job.status?.succeeded ?? 0, pods.filter((p) => p.status?.phase === 'Succeeded').length);
  const failed = Math.max(job.status?.failed ?? 0, pods.filter((p) => p.status?.phase === 'Failed').length);
  const suspended = job.spec.suspend === true;
  // A resumed job's deadline counts from when it resumed, as in Kubernetes.
  const resumed = !suspended && Boolean(trueCondition(job, 'Suspended'));
  const stamp = kubeTime(now);
  const startTime = suspended ? job.status?.startTime : resumed ? stamp : (job.status?.startTime ?? stamp);
  const base = { suspended, succeeded, failed, ...(startTime ? { startTime } : {}), ...(counts ? { completedIndexes: formatIndexes(counts.succeeded) } : {}) };
  const ended = (finish: JobFinish | undefined, remove: readonly Pod[]): JobPlan => ({
    ...base, create: 0, remove, ...(finish ? { finish } : {}),
    active: active.length - remove.length,
    ready: active.filter((p) => !remove.includes(p) && isReady(p)).length,
  });

  if (failed > (job.spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, active)) return ended(finishes.backoff, active);
  const deadline = job.spec.activeDeadlineSeconds;
  let requeueAfterMs: number | undefined;
  if (deadline !== undefined && startTime && !suspended) {
    const left = Date.parse(startTime) + deadline * 1000 - now;
    if (left <= 0) return ended(finishes.deadline, active);
    requeueAfterMs = left;
  }
  if (suspended) return ended(undefined, active);

  const completions = job.spec.completions;
  const parallelism = job.spec.parallelism ?? 1;
  if (counts) return planIndexed(job, pods, active, counts, { ...opts, requeueAfterMs, base });
  // Without completions (a work queue), the first success means no new pods; the job is done
  // when the rest have ended.
  const want = completions === undefined || completions === null
    ? (succeeded > 0 ? active.length : parallelism)
    : Math.max(0, Math.min(parallelism, completions - succeeded));
  const remove = active.length > want ? active.slice(0, active.length - want) : [];
  const left = active.length - remove.length;
  const complete = completions === undefined || completions === null ? succeeded > 0 && left === 0 : succeeded >= completions && left === 0;
  if (complete) return ended(finishes.complete, remove);

  let create = Math.max(0, want - active.length);
  if (create > 0) {
    const wait = failureBackoffMs(pods, opts.backoffBaseMs, now);
    if (wait > 0) {
      create = 0;
      requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, wait);
    }
  }
  return {
    ...base, create, remove, active: left, ready: active.filter((p) => !remove.includes(p) && isReady(p)).length,
    ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}),
  };
}

/** The rest of an indexed job's plan: one pod per missing index, lowest first, at most
 * `parallelism` at once; pods without a valid index, of a succeeded index or duplicated go. */
function planIndexed(
  job: Job, pods: readonly Pod[], active: readonly Pod[], counts: IndexedCounts,
  o: PlanOptions & { requeueAfterMs: number | undefined; base: Omit<JobPlan, 'create' | 'remove' | 'active' | 'ready'> },
): JobPlan {
  const completions = job.spec.completions ?? 0;
  const want = Math.max(0, Math.min(job.spec.parallelism ?? 1, completions - counts.succeeded.size));
  const kept = [...counts.activeByIndex].sort((a, b) => b[0] - a[0]).map(([, p]) => p);
  const remove = [...counts.surplus, ...(kept.length > want ? kept.slice(0, kept.length - want) : [])];
  const left = active.length - remove.length;
  const ready = active.filter((p) => !remove.includes(p) && isReady(p)).length;
  if (counts.succeeded.size >= completions && left === 0) return { ...o.base, create: 0, remove, finish: finishes.complete, active: left, ready };
  let requeueAfterMs = o.requeueAfterMs;
  let indexes = missingIndexes(completions, counts, Math.max(0, want - left));
  if (indexes.length > 0) {
    const wait = failureBackoffMs(pods, o.backoffBaseMs, o.now);
    if (wait > 0) {
      indexes = [];
      requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, wait);
    }
  }
  return {
    ...o.base, create: indexes.length, indexes, remove, active: left, ready,
    ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}),
  };
}
