/**
 * The job status a plan leads to, and the Events that go with a change. Kept apart from the
 * controller so the transitions (finish, suspend, resume) are testable without a server.
 */
import type { Condition, Job } from '../../api/kinds.js';
import type { JobPlan } from './policy.js';
import { kubeTime } from '../../api/time.js';

export type JobStatus = NonNullable<Job['status']>;

export interface JobEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

function setCondition(conditions: Condition[], c: Condition): Condition[] {
  const i = conditions.findIndex((x) => x.type === c.type);
  if (i < 0) return [...conditions, c];
  const old = conditions[i]!;
  if (old.status === c.status && old.reason === c.reason) return conditions;
  const out = [...conditions];
  out[i] = c;
  return out;
}

/** The new status after `plan` ran, with `created` pods actually created; and the Events for
 * what changed (Completed, BackoffLimitExceeded, DeadlineExceeded, Suspended, Resumed). */
export function nextJobStatus(job: Job, plan: JobPlan, created: number, now: number): { status: JobStatus; events: JobEvent[] } {
  const stamp = kubeTime(now);
  const prev = job.status ?? {};
  let conditions = [...(prev.conditions ?? [])];
  const events: JobEvent[] = [];
  const wasSuspended = conditions.some((c) => c.type === 'Suspended' && c.status === 'True');
  if (plan.suspended && !wasSuspended) {
    conditions = setCondition(conditions, { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended', lastProbeTime: stamp, lastTransitionTime: stamp });
    events.push({ type: 'Normal', reason: 'Suspended', message: 'Job suspended' });
  } else if (!plan.suspended && wasSuspended) {
    conditions = setCondition(conditions, { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed', lastProbeTime: stamp, lastTransitionTime: stamp });
    events.push({ type: 'Normal', reason: 'Resumed', message: 'Job resumed' });
  }
  let completionTime = prev.completionTime;
  if (plan.finish) {
    conditions = setCondition(conditions, { type: plan.finish.type, status: 'True', reason: plan.finish.reason, message: plan.finish.message, lastProbeTime: stamp, lastTransitionTime: stamp });
    if (plan.finish.type === 'Complete') {
      completionTime = stamp;
      events.push({ type: 'Normal', reason: 'Completed', message: 'Job completed' });
    } else {
      events.push({ type: 'Warning', reason: plan.finish.reason, message: plan.finish.message });
    }
  }
  const startTime = plan.startTime;
  const status: JobStatus = {
    ...prev,
    active: plan.active + created,
    ready: plan.ready,
    succeeded: plan.succeeded,
    failed: plan.failed,
    ...(startTime ? { startTime } : {}),
    ...(plan.completedIndexes !== undefined ? { completedIndexes: plan.completedIndexes } : {}),
    ...(completionTime ? { completionTime } : {}),
    ...(conditions.length ? { conditions } : {}),
  };
  if (!startTime) delete status.startTime;
  return { status, events };
}

/** Whether two statuses say the same (so no write is needed). */
export function sameStatus(a: JobStatus | undefined, b: JobStatus): boolean {
  return JSON.stringify(normalize(a ?? {})) === JSON.stringify(normalize(b));
}

function normalize(s: JobStatus): unknown {
  return {
    active: s.active ?? 0, ready: s.ready ?? 0, succeeded: s.succeeded ?? 0, failed: s.failed ?? 0,
    startTime: s.startTime ?? null, completedIndexes: s.completedIndexes ?? null, completionTime: s.completionTime ?? null, conditions: s.conditions ?? [],
  };
}
