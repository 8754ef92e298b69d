/** The job state machine from pod phases, without a server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from '../../src/api/kinds.js';
import { failureBackoffMs, nextJobStatus, planJob, type JobPlan } from '../../src/controllers/job/index.js';
import { jobBuilder } from '../helpers/builders.js';
import { pod, podNow, type PodState } from './fixtures.js';

function job(spec: Record<string, unknown>, status?: Job['status']): Job {
  let b = jobBuilder('crunch');
  for (const [k, v] of Object.entries(spec)) b = b.set(`spec.${k}`, v);
  const j = b.defaulted() as Job;
  j.metadata.uid = 'uid-crunch';
  if (status) j.status = status;
  return j;
}

const running: PodState = { phase: 'Running', node: 'n1' };
const ok: PodState = { phase: 'Succeeded', node: 'n1' };
const bad: PodState = { phase: 'Failed', node: 'n1' };

function pods(...states: PodState[]) {
  return states.map((s, i) => pod(`crunch-${i}`, { ...s, age: 100 - i }));
}

interface Case {
  readonly name: string;
  readonly spec: Record<string, unknown>;
  readonly status?: Job['status'];
  readonly pods: PodState[];
  readonly want: Partial<Pick<JobPlan, 'create' | 'active' | 'succeeded' | 'failed' | 'suspended'>> & { remove?: number; finish?: string };
}

test('planJob', async (t) => {
  const cases: Case[] = [
    { name: 'a new job starts one pod', spec: {}, pods: [], want: { create: 1, active: 0, remove: 0 } },
    { name: 'completions 4 parallelism 2 starts two', spec: { completions: 4, parallelism: 2 }, pods: [], want: { create: 2 } },
    { name: 'never more than the completions left', spec: { completions: 4, parallelism: 3 }, pods: [ok, ok, ok], want: { create: 1, succeeded: 3 } },
    { name: 'running pods count toward parallelism', spec: { completions: 5, parallelism: 2 }, pods: [running, ok], want: { create: 1, active: 1 } },
    { name: 'enough successes complete the job', spec: { completions: 2, parallelism: 2 }, pods: [ok, ok], want: { create: 0, finish: 'CompletionsReached', succeeded: 2 } },
    { name: 'surplus active pods go once completions are reached', spec: { completions: 2, parallelism: 3 }, pods: [ok, ok, running], want: { remove: 1, finish: 'CompletionsReached' } },
    { name: 'a work queue (no completions) waits for the rest after a success', spec: { parallelism: 3, completions: null }, pods: [ok, running], want: { create: 0, remove: 0, active: 1 } },
    { name: 'a work queue completes when a pod succeeded and none run', spec: { parallelism: 3, completions: null }, pods: [ok, bad], want: { finish: 'CompletionsReached' } },
    { name: 'failures replace pods (Never)', spec: { backoffLimit: 2 }, pods: [bad, bad], want: { create: 1, failed: 2 } },
    { name: 'failures past the backoff limit fail the job', spec: { backoffLimit: 2 }, pods: [bad, bad, bad], want: { finish: 'BackoffLimitExceeded', create: 0 } },
    { name: 'backoff limit 0 fails on the first failure', spec: { backoffLimit: 0 }, pods: [bad], want: { finish: 'BackoffLimitExceeded' } },
    { name: 'a failed job removes its running pods', spec: { backoffLimit: 1, parallelism: 2, completions: 4 }, pods: [bad, bad, running], want: { finish: 'BackoffLimitExceeded', remove: 1, active: 0 } },
    { name: 'OnFailure counts restarts against the limit', spec: { backoffLimit: 3, 'template.spec.restartPolicy': 'OnFailure' }, pods: [{ ...running, restarts: 3 }], want: { finish: 'BackoffLimitExceeded', remove: 1 } },
    { name: 'OnFailure below the limit keeps running', spec: { backoffLimit: 3, 'template.spec.restartPolicy': 'OnFailure' }, pods: [{ ...running, restarts: 2 }], want: { create: 0, active: 1 } },
    { name: 'counts remembered in status survive deleted pods', spec: { completions: 3 }, status: { succeeded: 2, failed: 1 }, pods: [], want: { create: 1, succeeded: 2, failed: 1 } },
    { name: 'suspended: no pods, running ones removed', spec: { suspend: true, parallelism: 2, completions: 4 }, pods: [running], want: { create: 0, remove: 1, suspended: true } },
    { name: 'being deleted pods are not active', spec: { completions: 2 }, pods: [{ ...running, deleting: true }], want: { create: 1, active: 0 } },
    { name: 'past the active deadline', spec: { activeDeadlineSeconds: 30 }, status: { startTime: new Date(podNow - 60_000).toISOString() }, pods: [running], want: { finish: 'DeadlineExceeded', remove: 1 } },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const plan = planJob(job(c.spec, c.status), pods(...c.pods), { now: podNow, backoffBaseMs: 0 });
      const got: Record<string, unknown> = {};
      for (const k of Object.keys(c.want)) {
        if (k === 'remove') got[k] = plan.remove.length;
        else if (k === 'finish') got[k] = plan.finish?.reason;
        else got[k] = plan[k as keyof JobPlan];
      }
      assert.deepEqual(got, c.want);
    });
  }
  await t.test('the deadline asks to be woken up', () => {
    const plan = planJob(job({ activeDeadlineSeconds: 30 }, { startTime: new Date(podNow - 10_000).toISOString() }), [], { now: podNow, backoffBaseMs: 0 });
    assert.equal(plan.requeueAfterMs, 20_000);
  });
});

test('failure back-off doubles per failure since the last success', async (t) => {
  const failedAt = (ago: number): PodState => ({ ...bad, ready: true, readyFor: ago });
  const cases: { name: string; pods: PodState[]; want: number }[] = [
    { name: 'no failures', pods: [ok], want: 0 },
    { name: 'one failure just now waits the base', pods: [failedAt(0)], want: 10_000 },
    { name: 'two failures wait twice the base', pods: [failedAt(0), failedAt(5)], want: 20_000 },
    { name: 'an old failure has waited enough', pods: [failedAt(60)], want: 0 },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(failureBackoffMs(pods(...c.pods), 10_000, podNow), c.want));
});

test('status transitions and their events', async (t) => {
  await t.test('complete sets the condition, completionTime and a Completed event', () => {
    const j = job({ completions: 1 });
    const plan = planJob(j, pods(ok), { now: podNow, backoffBaseMs: 0 });
    const { status, events } = nextJobStatus(j, plan, 0, podNow);
    assert.equal(status.conditions?.[0]?.type, 'Complete');
    assert.equal(status.conditions?.[0]?.status, 'True');
    assert.ok(status.completionTime);
    assert.equal(status.succeeded, 1);
    assert.deepEqual(events.map((e) => `${e.reason}: ${e.message}`), ['Completed: Job completed']);
  });
  await t.test('backoff failure is a Failed condition and a warning', () => {
    const j = job({ backoffLimit: 0 });
    const { status, events } = nextJobStatus(j, planJob(j, pods(bad), { now: podNow, backoffBaseMs: 0 }), 0, podNow);
    assert.deepEqual(status.conditions?.map((c) => [c.type, c.status, c.reason]), [['Failed', 'True', 'BackoffLimitExceeded']]);
    assert.equal(status.completionTime, undefined);
    assert.deepEqual(events.map((e) => [e.type, e.reason]), [['Warning', 'BackoffLimitExceeded']]);
  });
  await t.test('suspend then resume', () => {
    const j = job({ suspend: true });
    const s1 = nextJobStatus(j, planJob(j, [], { now: podNow, backoffBaseMs: 0 }), 0, podNow);
    assert.deepEqual(s1.status.conditions?.map((c) => [c.type, c.status]), [['Suspended', 'True']]);
    const resumed = job({ suspend: false }, s1.status);
    const s2 = nextJobStatus(resumed, planJob(resumed, [], { now: podNow, backoffBaseMs: 0 }), 1, podNow);
    assert.deepEqual(s2.status.conditions?.map((c) => [c.type, c.status, c.reason]), [['Suspended', 'False', 'JobResumed']]);
    assert.equal(s2.status.active, 1);
    assert.ok(s2.status.startTime);
    assert.deepEqual(s2.events.map((e) => e.reason), ['Resumed']);
  });
});
