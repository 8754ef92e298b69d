/** Jobs against a real in-process API server; the test plays the node, finishing pods. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { jobs } from '../../src/api/resources.js';
import type { Job, Pod } from '../../src/api/kinds.js';
import { JobController } from '../../src/controllers/job/index.js';
import { startTestCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { jobBuilder } from '../helpers/builders.js';
import { actAsNode, eventsFor, listPods, runController, sleep, type Running } from './fixtures.js';

let cluster: TestCluster;
let ctrl: Running;

before(async () => {
  cluster = await startTestCluster();
  ctrl = await runController(cluster, (ctx) => new JobController(ctx, { backoffBaseMs: 20 }));
});

after(async () => {
  await ctrl.stop();
  await cluster.stop();
});

async function getJob(name: string): Promise<Job> {
  return cluster.client.get<Job>(jobs, 'default', name);
}

async function running(name: string): Promise<Pod[]> {
  return (await listPods(cluster.client, 'default', `job-name=${name}`)).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
}

for (const { name, completions, parallelism } of [{ name: 'package-check', completions: 4, parallelism: 2 }, { name: 'render-frames', completions: 5, parallelism: 3 }]) {
  test(`job ${name}: completions ${completions}, parallelism ${parallelism} runs at most ${parallelism} at once and completes`, async () => {
    const created = await cluster.client.create(jobs, jobBuilder(name).set('spec.completions', completions).set('spec.parallelism', parallelism).build());
    let done = 0;
    let maxSeen = 0;
    while (done < completions) {
      const active = await waitFor('active pods', async () => {
        const r = await running(name);
        return r.length > 0 ? r : undefined;
      });
      maxSeen = Math.max(maxSeen, active.length);
      // Finish one pod at a time, the way pods end at different moments.
      await actAsNode(cluster.client, active[0]!, { phase: 'Succeeded' }, 'node-1');
      done++;
      await sleep(60);
      maxSeen = Math.max(maxSeen, (await running(name)).length);
    }
    assert.equal(maxSeen, parallelism);
    const job = await waitFor('Complete', async () => {
      const j = await getJob(name);
      return j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ? j : undefined;
    });
    assert.equal(job.status?.succeeded, completions);
    assert.equal(job.status?.active, 0);
    assert.equal(job.status?.failed ?? 0, 0);
    assert.ok(job.status?.startTime && job.status.completionTime);
    const all = await listPods(cluster.client, 'default', `job-name=${name}`);
    assert.equal(all.length, completions, 'no twins: exactly one pod per completion');
    for (const p of all) {
      assert.equal(p.metadata.ownerReferences?.[0]?.uid, created.metadata.uid);
      assert.equal(p.metadata.labels?.['batch.kubernetes.io/controller-uid'], created.metadata.uid);
      assert.ok(p.metadata.name?.startsWith(`${name}-`));
    }
    const evs = await waitFor('Completed event', async () => {
      const e = await eventsFor(cluster.client, created);
      return e.includes('Completed: Job completed') ? e : undefined;
    });
    assert.equal(evs.filter((e) => e.startsWith('SuccessfulCreate: Created pod: ')).length, completions);
  });
}

for (const { name, backoffLimit } of [{ name: 'flaky-task', backoffLimit: 2 }, { name: 'doomed', backoffLimit: 0 }]) {
  test(`job ${name} with backoffLimit ${backoffLimit} fails after ${backoffLimit + 1} failures`, async () => {
    const created = await cluster.client.create(jobs, jobBuilder(name).set('spec.backoffLimit', backoffLimit).build());
    for (let i = 0; i <= backoffLimit; i++) {
      const [p] = await waitFor(`pod ${i + 1}`, async () => {
        const r = await running(name);
        return r.length > 0 ? r : undefined;
      });
      await actAsNode(cluster.client, p!, { phase: 'Failed' }, 'node-1');
    }
    const job = await waitFor('Failed', async () => {
      const j = await getJob(name);
      return j.status?.conditions?.some((c) => c.type === 'Failed' && c.status === 'True') ? j : undefined;
    });
    assert.equal(job.status?.conditions?.find((c) => c.type === 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(job.status?.failed, backoffLimit + 1);
    assert.equal(job.status?.completionTime, undefined);
    await sleep(100);
    assert.equal((await running(name)).length, 0, 'no new pod after the job failed');
    assert.equal((await listPods(cluster.client, 'default', `job-name=${name}`)).length, backoffLimit + 1);
    await waitFor('BackoffLimitExceeded event', async () => (await eventsFor(cluster.client, created)).some((e) => e.startsWith('BackoffLimitExceeded:')));
  });
}

test('activeDeadlineSeconds ends a running job with DeadlineExceeded', async () => {
  const name = 'slowpoke';
  await cluster.client.create(jobs, jobBuilder(name).set('spec.activeDeadlineSeconds', 1).set('spec.parallelism', 2).set('spec.completions', 2).build());
  const job = await waitFor('DeadlineExceeded', async () => {
    const j = await getJob(name);
    return j.status?.conditions?.some((c) => c.reason === 'DeadlineExceeded') ? j : undefined;
  }, 5000);
  assert.equal(job.status?.active, 0);
  await waitFor('pods removed', async () => (await running(name)).length === 0);
});

test('a suspended job creates nothing until resumed', async () => {
  const name = 'on-hold';
  await cluster.client.create(jobs, jobBuilder(name).set('spec.suspend', true).build());
  await waitFor('Suspended', async () => (await getJob(name)).status?.conditions?.some((c) => c.type === 'Suspended' && c.status === 'True'));
  assert.equal((await listPods(cluster.client, 'default', `job-name=${name}`)).length, 0);
  await cluster.client.patch(jobs, 'default', name, { spec: { suspend: false } });
  await waitFor('a pod', async () => (await running(name)).length === 1);
});
