/**
 * The cronjob controller against a real in-process API server, on a manual clock: minutes of
 * schedule pass in milliseconds. The test plays the job controller, finishing jobs by writing
 * their status. Each test runs its own controller and clock (a fresh start is also how downtime
 * and a restart look to the controller).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cronJobs, jobs } from '../../src/api/resources.js';
import type { CronJob, Job } from '../../src/api/kinds.js';
import { CronJobController, ManualClock, scheduledTimestampAnnotation } from '../../src/controllers/cronjob/index.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { eventsFor, runController, sleep, type Running } from './fixtures.js';
import { randomInt, suffix } from '../controlplane/fixtures.js';

let cluster: TestCluster;

before(async () => {
  cluster = await startTestCluster();
});

after(async () => {
  await cluster.stop();
});

const minute = 60_000;

function cronJob(name: string, spec: Partial<CronJob['spec']> = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default' },
    spec: {
      schedule: '*/1 * * * *',
      jobTemplate: {
        metadata: { labels: { cron: name } },
        spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox', command: ['true'] }] } } },
      },
      ...spec,
    },
  };
}

interface Run {
  readonly clock: ManualClock;
  readonly ctrl: Running;
}

/** A controller on a manual clock starting at `start` (default: now). */
async function startController(start = Date.now()): Promise<Run> {
  const clock = new ManualClock(start);
  const ctrl = await runController(cluster, (ctx) => new CronJobController(ctx, { clock }));
  return { clock, ctrl };
}

async function ownedJobs(cj: CronJob): Promise<Job[]> {
  return (await cluster.client.list<Job>(jobs, 'default')).items
    .filter((j) => j.metadata.ownerReferences?.some((r) => r.uid === cj.metadata.uid) && !j.metadata.deletionTimestamp)
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

async function waitJobs(cj: CronJob, n: number): Promise<Job[]> {
  return waitFor(`${n} jobs of ${cj.metadata.name}`, async () => {
    const js = await ownedJobs(cj);
    return js.length === n ? js : undefined;
  });
}

const getCj = (name: string) => cluster.client.get<CronJob>(cronJobs, 'default', name);

async function finish(job: Job, as: 'Complete' | 'Failed', at: Date): Promise<void> {
  const fresh = await cluster.client.get<Job>(jobs, 'default', job.metadata.name ?? '');
  const t = at.toISOString().replace(/\.\d+Z$/, 'Z');
  const conditions = as === 'Complete'
    ? [{ type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: t }, { type: 'Complete', status: 'True', lastTransitionTime: t }]
    : [{ type: 'FailureTarget', status: 'True', lastTransitionTime: t }, { type: 'Failed', status: 'True', lastTransitionTime: t }];
  const conds = conditions as NonNullable<Job['status']>['conditions'];
  fresh.status = {
    startTime: fresh.metadata.creationTimestamp, active: 0, ready: 0, conditions: conds,
    ...(as === 'Complete' ? { succeeded: 1, completionTime: t } : { failed: 1 }),
  };
  await cluster.client.update(jobs, fresh, 'status');
}

/** The start of the minute after `t`, plus `plus` ms. */
function nextMinute(t: number, plus = 1000): number {
  return (Math.floor(t / minute) + 1) * minute + plus;
}

test('*/1: exactly one job per simulated minute, named by its minute, with the scheduled-time annotation; completions recorded', async () => {
  const name = `tick-${suffix()}`;
  const { clock, ctrl } = await startController();
  try {
    const cj = await cluster.client.create(cronJobs, cronJob(name, { successfulJobsHistoryLimit: 10 }));
    await sleep(150);
    assert.equal((await ownedJobs(cj)).length, 0, 'nothing before the first scheduled minute');
    const minutes = randomInt(3, 5);
    for (let i = 1; i <= minutes; i++) {
      clock.set(nextMinute(clock.now().getTime()));
      const js = await waitJobs(cj, i);
      const scheduled = Math.floor(clock.now().getTime() / minute) * minute;
      const newest = js.find((j) => j.metadata.name === `${name}-${scheduled / minute}`);
      assert.ok(newest, `a job named ${name}-${scheduled / minute}: ${js.map((j) => j.metadata.name).join(', ')}`);
      assert.equal(newest.metadata.annotations?.[scheduledTimestampAnnotation], new Date(scheduled).toISOString().replace('.000Z', 'Z'));
      assert.equal(newest.metadata.labels?.['cron'], name);
      assert.equal(newest.metadata.ownerReferences?.[0]?.kind, 'CronJob');
      // Later in the same minute: still one job for it.
      clock.advance(20_000);
      await sleep(100);
      assert.equal((await ownedJobs(cj)).length, i, 'a second sync within the minute creates nothing');
    }
    const st = await waitFor('active = all', async () => {
      const c = await getCj(name);
      return c.status?.active?.length === minutes ? c.status : undefined;
    });
    assert.equal(Date.parse(st.lastScheduleTime ?? ''), Math.floor(clock.now().getTime() / minute) * minute);
    const js = await ownedJobs(cj);
    for (const j of js) await finish(j, 'Complete', clock.now());
    const done = await waitFor('active emptied', async () => {
      const c = await getCj(name);
      return (c.status?.active ?? []).length === 0 && c.status?.lastSuccessfulTime ? c.status : undefined;
    });
    assert.ok(done.lastSuccessfulTime);
    const events = await waitFor('events', async () => {
      const e = await eventsFor(cluster.client, cj);
      return e.filter((x) => x.startsWith('SawCompletedJob')).length === minutes ? e : undefined;
    });
    assert.equal(events.filter((e) => e.startsWith('SuccessfulCreate: Created job ')).length, minutes);
    assert.ok(events.includes(`SawCompletedJob: Saw completed job: ${js[0]!.metadata.name}, condition: Complete`), events.join('\n'));
  } finally {
    await ctrl.stop();
  }
});

test('history limits: finished jobs beyond successfulJobsHistoryLimit and failedJobsHistoryLimit are deleted, oldest first', async () => {
  const name = `hist-${suffix()}`;
  const { clock, ctrl } = await startController();
  try {
    const keepOk = randomInt(1, 2);
    const cj = await cluster.client.create(cronJobs, cronJob(name, { successfulJobsHistoryLimit: keepOk, failedJobsHistoryLimit: 1 }));
    const outcomes: ('Complete' | 'Failed')[] = ['Complete', 'Failed', 'Complete', 'Failed', 'Complete', 'Complete'];
    const names: string[] = [];
    for (const [i, as] of outcomes.entries()) {
      clock.set(nextMinute(clock.now().getTime()));
      const js = await waitFor(`job ${i + 1}`, async () => {
        const all = (await ownedJobs(cj)).filter((j) => !names.includes(j.metadata.name ?? ''));
        return all.length === 1 ? all : undefined;
      });
      names.push(js[0]!.metadata.name ?? '');
      await finish(js[0]!, as, new Date(clock.now().getTime() + 1000));
      await waitFor('seen finished', async () => ((await getCj(name)).status?.active ?? []).length === 0);
    }
    clock.advance(1000);
    ctrl.controller instanceof CronJobController && ctrl.controller.enqueue(`default/${name}`);
    const okNames = names.filter((_, i) => outcomes[i] === 'Complete');
    const failedNames = names.filter((_, i) => outcomes[i] === 'Failed');
    const want = [...okNames.slice(-keepOk), ...failedNames.slice(-1)].sort();
    const left = await waitFor('history trimmed', async () => {
      const l = (await ownedJobs(cj)).map((j) => j.metadata.name ?? '').sort();
      return JSON.stringify(l) === JSON.stringify(want) ? l : undefined;
    });
    assert.deepEqual(left, want);
    const events = await eventsFor(cluster.client, cj);
    assert.ok(events.includes(`SuccessfulDelete: Deleted job ${okNames[0]}`), events.join('\n'));
    assert.ok(events.includes(`SuccessfulDelete: Deleted job ${failedNames[0]}`), events.join('\n'));
  } finally {
    await ctrl.stop();
  }
});

test('concurrencyPolicy Forbid: no new job while one runs (JobAlreadyActive); the skipped time runs late once it finished', async () => {
  const name = `forbid-${suffix()}`;
  const { clock, ctrl } = await startController();
  try {
    const cj = await cluster.client.create(cronJobs, cronJob(name, { concurrencyPolicy: 'Forbid' }));
    clock.set(nextMinute(clock.now().getTime()));
    const [first] = await waitJobs(cj, 1);
    await waitFor('active', async () => ((await getCj(name)).status?.active ?? []).length === 1);
    clock.set(nextMinute(clock.now().getTime()));
    await waitFor('JobAlreadyActive', async () => (await eventsFor(cluster.client, cj)).some((e) => e === 'JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid'));
    assert.equal((await ownedJobs(cj)).length, 1);
    const skipped = Math.floor(clock.now().getTime() / minute);
    await finish(first!, 'Complete', clock.now());
    // Without a starting deadline the unmet time is still due: it runs now, once.
    const js = await waitJobs(cj, 2);
    assert.equal(js[1]!.metadata.name, `${name}-${skipped}`);
    const st = await waitFor('active = the late run', async () => {
      const c = await getCj(name);
      return c.status?.active?.length === 1 && c.status.active[0]!.name === `${name}-${skipped}` ? c.status : undefined;
    });
    assert.equal(Date.parse(st.lastScheduleTime ?? ''), skipped * minute);
    await sleep(150);
    assert.equal((await ownedJobs(cj)).length, 2);
  } finally {
    await ctrl.stop();
  }
});

test('concurrencyPolicy Replace: the running job is deleted and the new one takes its place', async () => {
  const name = `replace-${suffix()}`;
  const { clock, ctrl } = await startController();
  try {
    const cj = await cluster.client.create(cronJobs, cronJob(name, { concurrencyPolicy: 'Replace' }));
    clock.set(nextMinute(clock.now().getTime()));
    const [first] = await waitJobs(cj, 1);
    await waitFor('active', async () => ((await getCj(name)).status?.active ?? []).length === 1);
    clock.set(nextMinute(clock.now().getTime()));
    const second = `${name}-${Math.floor(clock.now().getTime() / minute)}`;
    const js = await waitFor('replaced', async () => {
      const l = await ownedJobs(cj);
      return l.length === 1 && l[0]!.metadata.name === second ? l : undefined;
    });
    assert.notEqual(js[0]!.metadata.name, first!.metadata.name);
    const st = await waitFor('active = the new one', async () => {
      const c = await getCj(name);
      return c.status?.active?.length === 1 && c.status.active[0]!.name === second ? c.status : undefined;
    });
    assert.equal(st.active?.[0]?.uid, js[0]!.metadata.uid);
    assert.ok((await eventsFor(cluster.client, cj)).includes(`SuccessfulDelete: Deleted job ${first!.metadata.name}`));
  } finally {
    await ctrl.stop();
  }
});

test('suspend: no jobs while suspended; resuming runs only the latest missed time, once', async () => {
  const name = `susp-${suffix()}`;
  const { clock, ctrl } = await startController();
  try {
    const cj = await cluster.client.create(cronJobs, cronJob(name, { suspend: true }));
    for (let i = 0; i < 3; i++) clock.set(nextMinute(clock.now().getTime()));
    await sleep(150);
    assert.equal((await ownedJobs(cj)).length, 0);
    await cluster.client.patch(cronJobs, 'default', name, { spec: { suspend: false } });
    const [job] = await waitJobs(cj, 1);
    assert.equal(job!.metadata.name, `${name}-${Math.floor(clock.now().getTime() / minute)}`, 'the latest missed minute');
    await sleep(150);
    assert.equal((await ownedJobs(cj)).length, 1, 'one catch-up run, not one per missed minute');
  } finally {
    await ctrl.stop();
  }
});

test('after downtime: one run of the latest missed time; past startingDeadlineSeconds: MissSchedule; >100 missed: TooManyMissedTimes', async () => {
  const down = randomInt(4, 9);
  const late = `late-${suffix()}`;
  const strict = `deadline-${suffix()}`;
  const ancient = `ancient-${suffix()}`;
  const cjLate = await cluster.client.create(cronJobs, cronJob(late));
  const cjStrict = await cluster.client.create(cronJobs, cronJob(strict, { startingDeadlineSeconds: 10 }));
  const cjAncient = await cluster.client.create(cronJobs, cronJob(ancient, { schedule: '*/1 * * * *' }));
  // The controller comes up `down` minutes later, 30 s into a minute.
  const start = (Math.floor(Date.now() / minute) + down) * minute + 30_000;
  const { clock, ctrl } = await startController(start);
  try {
    const [job] = await waitJobs(cjLate, 1);
    assert.equal(job!.metadata.name, `${late}-${Math.floor(start / minute)}`);
    // As Kubernetes' controller v2: times older than the deadline are not even counted.
    await sleep(150);
    assert.equal((await ownedJobs(cjStrict)).length, 0, 'too late to start');
    assert.deepEqual((await eventsFor(cluster.client, cjStrict)).filter((e) => !e.startsWith('MissSchedule')), []);
    clock.set(nextMinute(start));
    const [onTime] = await waitJobs(cjStrict, 1);
    assert.equal(onTime!.metadata.name, `${strict}-${Math.floor(clock.now().getTime() / minute)}`);
    assert.equal((await waitJobs(cjLate, 2)).length, 2);
  } finally {
    await ctrl.stop();
  }
  // Down for over 100 minutes since the ancient one was created: warned, and still one run.
  const before = (await ownedJobs(cjAncient)).length;
  const later = Math.floor(Date.now() / minute) * minute + 130 * minute + 5000;
  const again = await startController(later);
  try {
    await waitFor('TooManyMissedTimes', async () => (await eventsFor(cluster.client, cjAncient)).some((e) => /^TooManyMissedTimes: too many missed start times: 1[23]\d\. Set or decrease \.spec\.startingDeadlineSeconds or check clock skew$/.test(e)));
    const js = await waitJobs(cjAncient, before + 1);
    assert.equal(js[before]!.metadata.name, `${ancient}-${Math.floor(later / minute)}`);
  } finally {
    await again.ctrl.stop();
  }
});
